/**
 * A payload as bytes (the protobuf encoding of `temporal.api.common.v1.Payload`) and back, for
 * codecs that wrap a whole payload — metadata included — in a new one, as the other SDKs'
 * compression and encryption codecs do. Host only.
 *
 * @module
 */

import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { PayloadSchema } from "../gen/temporal/api/common/v1/message_pb.ts";
import type { Payload } from "./failure_proto.ts";

/**
 * Serialises a payload (metadata and data) to protobuf bytes.
 *
 * @example
 * ```ts
 * const bytes = payloadToBytes({ metadata: {}, data: new Uint8Array([1]) });
 * ```
 */
export function payloadToBytes(payload: Payload): Uint8Array {
  return toBinary(PayloadSchema, create(PayloadSchema, { metadata: payload.metadata, data: payload.data }));
}

/**
 * Parses protobuf bytes written by {@linkcode payloadToBytes}.
 *
 * @example
 * ```ts
 * const payload = payloadFromBytes(bytes);
 * ```
 */
export function payloadFromBytes(bytes: Uint8Array): Payload {
  const message = fromBinary(PayloadSchema, bytes);
  return { metadata: message.metadata, data: message.data };
}
