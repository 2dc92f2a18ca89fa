/**
 * Payload converters for protobuf-es messages (host only: they need @bufbuild/protobuf and a
 * registry of the message schemas). The encodings match the other Temporal SDKs: `json/protobuf`
 * (canonical proto3 JSON) and `binary/protobuf`, each with the full message type name in the
 * `messageType` metadata.
 *
 * @module
 */

import {
  createRegistry,
  type DescFile,
  type DescMessage,
  fromBinary,
  fromJson,
  isMessage,
  type Message,
  type Registry,
  toBinary,
  toJson,
} from "@bufbuild/protobuf";
import { utf8Decode, utf8Encode } from "./encoding.ts";
import {
  BinaryPayloadConverter,
  JsonPayloadConverter,
  UndefinedPayloadConverter,
} from "./encoding_payload_converters.ts";
import type { Payload } from "./failure_proto.ts";
import {
  CompositePayloadConverter,
  type EncodingPayloadConverter,
  makePayload,
  METADATA_MESSAGE_TYPE_KEY,
  PayloadEncoding,
  payloadMetadata,
} from "./payload_converter.ts";

/** The message schemas a protobuf converter knows: a registry, or schemas and files for one. */
export type ProtobufSchemas = Registry | readonly (DescMessage | DescFile | Registry)[];

function toRegistry(schemas: ProtobufSchemas): Registry {
  return Array.isArray(schemas)
    ? createRegistry(...(schemas as (DescMessage | DescFile | Registry)[]))
    : schemas as Registry;
}

abstract class ProtobufPayloadConverter implements EncodingPayloadConverter {
  abstract readonly encoding: string;
  /** The registry message types are looked up in. */
  readonly registry: Registry;

  constructor(schemas: ProtobufSchemas) {
    this.registry = toRegistry(schemas);
  }

  protected schemaFor(typeName: string, action: string): DescMessage {
    const schema = this.registry.getMessage(typeName);
    if (schema === undefined) {
      throw new TypeError(
        `Cannot ${action} protobuf message '${typeName}': its schema is not in the converter's registry; add it`,
      );
    }
    return schema;
  }

  protected schemaOf(payload: Payload): DescMessage {
    const typeName = payloadMetadata(payload, METADATA_MESSAGE_TYPE_KEY);
    if (typeName === undefined) {
      throw new TypeError(
        `Cannot decode a ${this.encoding} payload without '${METADATA_MESSAGE_TYPE_KEY}' metadata`,
      );
    }
    return this.schemaFor(typeName, "decode");
  }

  abstract toPayload(value: unknown): Payload | undefined;
  abstract fromPayload<T = unknown>(payload: Payload): T;
}

/**
 * Converts protobuf-es messages to `json/protobuf` payloads (proto3 JSON) and back.
 *
 * @example
 * ```ts
 * const converter = new ProtobufJsonPayloadConverter([OrderSchema]);
 * const payload = converter.toPayload(create(OrderSchema, { id: "o-1" }));
 * ```
 */
export class ProtobufJsonPayloadConverter extends ProtobufPayloadConverter {
  readonly encoding: string = PayloadEncoding.PROTOBUF_JSON;

  toPayload(value: unknown): Payload | undefined {
    if (!isMessage(value)) return undefined;
    const schema = this.schemaFor(value.$typeName, "encode");
    const json = toJson(schema, value as Message, { registry: this.registry });
    return makePayload(this.encoding, utf8Encode(JSON.stringify(json)), {
      [METADATA_MESSAGE_TYPE_KEY]: value.$typeName,
    });
  }

  fromPayload<T = unknown>(payload: Payload): T {
    const schema = this.schemaOf(payload);
    return fromJson(schema, JSON.parse(utf8Decode(payload.data)), { registry: this.registry }) as T;
  }
}

/**
 * Converts protobuf-es messages to `binary/protobuf` payloads and back. Not in the default chain
 * for encoding (JSON comes first, as in the other SDKs), but always able to decode.
 *
 * @example
 * ```ts
 * const converter = new ProtobufBinaryPayloadConverter([OrderSchema]);
 * ```
 */
export class ProtobufBinaryPayloadConverter extends ProtobufPayloadConverter {
  readonly encoding: string = PayloadEncoding.PROTOBUF;

  toPayload(value: unknown): Payload | undefined {
    if (!isMessage(value)) return undefined;
    const schema = this.schemaFor(value.$typeName, "encode");
    return makePayload(this.encoding, toBinary(schema, value as Message), {
      [METADATA_MESSAGE_TYPE_KEY]: value.$typeName,
    });
  }

  fromPayload<T = unknown>(payload: Payload): T {
    const schema = this.schemaOf(payload);
    const data = payload.data;
    // Re-wrap bytes that may come from another realm so protobuf-es sees a local Uint8Array.
    return fromBinary(schema, new Uint8Array(data.buffer, data.byteOffset, data.byteLength)) as T;
  }
}

/**
 * The default chain plus protobuf-es messages: `binary/null`, `binary/plain`, `json/protobuf`,
 * `binary/protobuf` (decode only in practice), `json/plain` — the order of the other SDKs.
 *
 * @param schemas The message schemas to encode and decode (a `Registry` or an array of schemas).
 * @example
 * ```ts
 * const payloadConverter = createProtobufPayloadConverter([OrderSchema, ReceiptSchema]);
 * const client = new Client({ dataConverter: createDataConverter({ payloadConverter }) });
 * ```
 */
export function createProtobufPayloadConverter(schemas: ProtobufSchemas): CompositePayloadConverter {
  const registry = toRegistry(schemas);
  return new CompositePayloadConverter(
    new UndefinedPayloadConverter(),
    new BinaryPayloadConverter(),
    new ProtobufJsonPayloadConverter(registry),
    new ProtobufBinaryPayloadConverter(registry),
    new JsonPayloadConverter(),
  );
}
