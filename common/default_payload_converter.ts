/**
 * The default payload converter: `binary/null`, then `binary/plain`, then `json/plain`. On the
 * host, add protobuf messages with `createProtobufPayloadConverter` (protobuf_payload_converter.ts).
 *
 * Pure code: runs on the host and inside the workflow sandbox.
 *
 * @module
 */

import {
  BinaryPayloadConverter,
  JsonPayloadConverter,
  UndefinedPayloadConverter,
} from "./encoding_payload_converters.ts";
import { CompositePayloadConverter } from "./payload_converter.ts";

/**
 * The default chain: `undefined` → `binary/null`, `Uint8Array` → `binary/plain`, anything else
 * JSON can represent (including `null`) → `json/plain`, the same encodings as sdk-typescript.
 *
 * @example
 * ```ts
 * const payload = defaultPayloadConverter.toPayload({ a: 1 });
 * ```
 */
export const defaultPayloadConverter: CompositePayloadConverter = new CompositePayloadConverter(
  new UndefinedPayloadConverter(),
  new BinaryPayloadConverter(),
  new JsonPayloadConverter(),
);
