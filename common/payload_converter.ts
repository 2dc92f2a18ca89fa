/**
 * Payload converters turn one JS value into one {@linkcode Payload} and back. A
 * {@linkcode CompositePayloadConverter} tries a chain of {@linkcode EncodingPayloadConverter}s in
 * order to encode, and picks the one named by the payload's `encoding` metadata to decode.
 *
 * Pure code: runs on the host and inside the workflow sandbox.
 *
 * @module
 */

import { utf8Decode, utf8Encode } from "./encoding.ts";
import type { Payload } from "./failure_proto.ts";

/** The metadata key naming a payload's encoding, as every Temporal SDK writes it. */
export const METADATA_ENCODING_KEY = "encoding";
/** The metadata key naming the full protobuf message type of a protobuf payload. */
export const METADATA_MESSAGE_TYPE_KEY = "messageType";

/** The encodings of the default converters, identical to the other Temporal SDKs'. */
export const PayloadEncoding = {
  /** `undefined` and `null`, with empty data. */
  NULL: "binary/null",
  /** A `Uint8Array`, as is. */
  BINARY: "binary/plain",
  /** A protobuf message in its canonical JSON form (host only). */
  PROTOBUF_JSON: "json/protobuf",
  /** A protobuf message in its binary form (host only). */
  PROTOBUF: "binary/protobuf",
  /** Anything else, as JSON. */
  JSON: "json/plain",
} as const;

/**
 * Converts values to payloads and back. `toPayload` throws if the value cannot be converted.
 *
 * @example
 * ```ts
 * const payload = defaultPayloadConverter.toPayload({ a: 1 });
 * const value = defaultPayloadConverter.fromPayload<{ a: number }>(payload);
 * ```
 */
export interface PayloadConverter {
  /** Converts a value to a payload; throws a `TypeError` if it cannot. */
  toPayload(value: unknown): Payload;
  /** Converts a payload back to a value; throws if the payload cannot be read. */
  fromPayload<T = unknown>(payload: Payload): T;
}

/**
 * One link of a {@linkcode CompositePayloadConverter}: handles one encoding, and returns
 * `undefined` from `toPayload` for values it does not handle.
 *
 * @example
 * ```ts
 * const dates: EncodingPayloadConverter = {
 *   encoding: "json/date",
 *   toPayload: (v) => v instanceof Date ? makePayload("json/date", utf8Encode(JSON.stringify(v))) : undefined,
 *   fromPayload: (p) => new Date(JSON.parse(utf8Decode(p.data))) as never,
 * };
 * ```
 */
export interface EncodingPayloadConverter {
  /** The `encoding` metadata value this converter writes and reads. */
  readonly encoding: string;
  /** Returns a payload, or `undefined` if this converter does not handle the value. */
  toPayload(value: unknown): Payload | undefined;
  /** Reads a payload of this converter's encoding. */
  fromPayload<T = unknown>(payload: Payload): T;
}

/**
 * Builds a payload with the given encoding (plus any extra metadata, UTF-8 encoded).
 *
 * @example
 * ```ts
 * makePayload("binary/plain", new Uint8Array([1, 2]));
 * ```
 */
export function makePayload(
  encoding: string,
  data: Uint8Array,
  metadata: Record<string, string> = {},
): Payload {
  const out: Record<string, Uint8Array> = { [METADATA_ENCODING_KEY]: utf8Encode(encoding) };
  for (const key of Object.keys(metadata)) out[key] = utf8Encode(metadata[key] as string);
  return { metadata: out, data };
}

/**
 * Reads a UTF-8 metadata value of a payload, or `undefined` if absent.
 *
 * @example
 * ```ts
 * payloadMetadata(payload, "encoding"); // "json/plain"
 * ```
 */
export function payloadMetadata(payload: Payload, key: string): string | undefined {
  const value = payload.metadata?.[key];
  return value === undefined ? undefined : utf8Decode(value);
}

/**
 * Tries its converters in order to encode; decodes with the converter named by the payload's
 * `encoding`.
 *
 * @example
 * ```ts
 * const converter = new CompositePayloadConverter(
 *   new UndefinedPayloadConverter(),
 *   new BinaryPayloadConverter(),
 *   new JsonPayloadConverter(),
 * );
 * ```
 */
export class CompositePayloadConverter implements PayloadConverter {
  /** The converters, in the order they are tried. */
  readonly converters: readonly EncodingPayloadConverter[];
  readonly #byEncoding = new Map<string, EncodingPayloadConverter>();

  constructor(...converters: EncodingPayloadConverter[]) {
    if (converters.length === 0) {
      throw new TypeError("Cannot create a CompositePayloadConverter without converters: pass at least one");
    }
    this.converters = converters;
    for (const converter of converters) this.#byEncoding.set(converter.encoding, converter);
  }

  toPayload(value: unknown): Payload {
    for (const converter of this.converters) {
      const payload = converter.toPayload(value);
      if (payload !== undefined) return payload;
    }
    throw new TypeError(
      `Cannot convert a value of type '${describeType(value)}' to a payload: none of the converters ` +
        `(${this.converters.map((c) => c.encoding).join(", ")}) accepts it`,
    );
  }

  fromPayload<T = unknown>(payload: Payload): T {
    const encoding = payloadMetadata(payload, METADATA_ENCODING_KEY);
    if (encoding === undefined) {
      throw new TypeError(
        "Cannot convert a payload without 'encoding' metadata: was it written by a Temporal SDK?",
      );
    }
    const converter = this.#byEncoding.get(encoding);
    if (converter === undefined) {
      throw new TypeError(
        `Cannot convert a payload with encoding '${encoding}': no converter handles it (known: ` +
          `${
            [...this.#byEncoding.keys()].join(", ")
          }); add a converter, or the payload codec that decodes it`,
      );
    }
    return converter.fromPayload<T>(payload);
  }
}

/**
 * Converts values to payloads with a converter, one payload per value.
 *
 * @example
 * ```ts
 * const payloads = toPayloads(defaultPayloadConverter, ["a", 1]);
 * ```
 */
export function toPayloads(converter: PayloadConverter, values: readonly unknown[]): Payload[] {
  return values.map((value) => converter.toPayload(value));
}

/**
 * Converts payloads back to values; `undefined` (an absent `Payloads` field) gives `[]`.
 *
 * @example
 * ```ts
 * const [name, count] = fromPayloads(defaultPayloadConverter, payloads);
 * ```
 */
export function fromPayloads(
  converter: PayloadConverter,
  payloads: readonly Payload[] | undefined,
): unknown[] {
  return payloads === undefined ? [] : payloads.map((payload) => converter.fromPayload(payload));
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (typeof value !== "object") return typeof value;
  const name = (value as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof name === "string" && name !== "" ? name : "object";
}
