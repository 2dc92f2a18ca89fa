/**
 * The three payload converters every Temporal SDK shares: `binary/null`, `binary/plain` and
 * `json/plain`, with the same metadata and bytes as sdk-typescript, sdk-python and sdk-go.
 *
 * Pure code: runs on the host and inside the workflow sandbox.
 *
 * @module
 */

import { utf8Decode, utf8Encode } from "./encoding.ts";
import type { Payload } from "./failure_proto.ts";
import { type EncodingPayloadConverter, makePayload, PayloadEncoding } from "./payload_converter.ts";

/**
 * Encodes `undefined` as `binary/null` with empty data and decodes `binary/null` as `undefined`,
 * as sdk-typescript does. `null` is left to the JSON converter (`json/plain` `null`), so it stays
 * `null` for the official TypeScript SDK; the Python SDK reads both as `None`.
 *
 * @example
 * ```ts
 * new UndefinedPayloadConverter().toPayload(undefined); // encoding binary/null, empty data
 * ```
 */
export class UndefinedPayloadConverter implements EncodingPayloadConverter {
  readonly encoding: string = PayloadEncoding.NULL;

  toPayload(value: unknown): Payload | undefined {
    return value === undefined ? makePayload(this.encoding, new Uint8Array(0)) : undefined;
  }

  fromPayload<T = unknown>(_payload: Payload): T {
    return undefined as T;
  }
}

/**
 * Encodes a `Uint8Array` (or a subclass, e.g. a Node `Buffer`) as `binary/plain`, bytes as is.
 *
 * @example
 * ```ts
 * new BinaryPayloadConverter().toPayload(new Uint8Array([1, 2, 3]));
 * ```
 */
export class BinaryPayloadConverter implements EncodingPayloadConverter {
  readonly encoding: string = PayloadEncoding.BINARY;

  toPayload(value: unknown): Payload | undefined {
    if (value instanceof Uint8Array) return makePayload(this.encoding, value);
    // A Uint8Array from another realm (e.g. a vm context).
    if (Object.prototype.toString.call(value) === "[object Uint8Array]") {
      return makePayload(this.encoding, new Uint8Array(value as ArrayLike<number>));
    }
    return undefined;
  }

  fromPayload<T = unknown>(payload: Payload): T {
    return payload.data as T;
  }
}

/**
 * Encodes any JSON-serialisable value as `json/plain` (compact `JSON.stringify`, UTF-8). Values
 * `JSON.stringify` skips (functions, symbols) are not accepted.
 *
 * @example
 * ```ts
 * new JsonPayloadConverter().toPayload({ a: 1 }); // data '{"a":1}', encoding json/plain
 * ```
 */
export class JsonPayloadConverter implements EncodingPayloadConverter {
  readonly encoding: string = PayloadEncoding.JSON;

  toPayload(value: unknown): Payload | undefined {
    let text: string | undefined;
    try {
      text = JSON.stringify(value);
    } catch (error) {
      throw new TypeError(`Cannot convert a value to ${this.encoding}: ${(error as Error).message}`, {
        cause: error,
      });
    }
    return text === undefined ? undefined : makePayload(this.encoding, utf8Encode(text));
  }

  fromPayload<T = unknown>(payload: Payload): T {
    const text = utf8Decode(payload.data);
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      const preview = text.length > 60 ? `${text.slice(0, 60)}…` : text;
      throw new TypeError(`Invalid ${this.encoding} payload '${preview}': ${(error as Error).message}`, {
        cause: error,
      });
    }
  }
}
