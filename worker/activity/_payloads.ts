/**
 * Internal: the activity worker's use of the data converter (values ⇄ encoded payloads, errors →
 * encoded failures).
 *
 * @module
 */

import type { DataConverter } from "../../common/data_converter.ts";
import type { Failure, Payload } from "../../common/failure_proto.ts";
import { decodePayloads, encodeFailure, encodePayloads } from "../../common/payload_codec.ts";

/** Converts values to payloads with the payload converter only (synchronous; throws on bad values). */
export function toPayloadsSync(dc: DataConverter, values: readonly unknown[]): Payload[] {
  return values.map((value) => dc.payloadConverter.toPayload(value));
}

/** Runs the codecs over converted payloads. */
export function encode(dc: DataConverter, payloads: readonly Payload[]): Promise<Payload[]> {
  return encodePayloads(dc.payloadCodecs, payloads);
}

/** Runs the codecs backwards and converts the payloads to values. */
export async function decodeValues(
  dc: DataConverter,
  payloads: readonly Payload[] | undefined,
): Promise<unknown[]> {
  if (payloads === undefined || payloads.length === 0) return [];
  const decoded = await decodePayloads(dc.payloadCodecs, payloads);
  return decoded.map((payload) => dc.payloadConverter.fromPayload(payload));
}

/** Converts an error to a failure and encodes its payloads. */
export function errorToEncodedFailure(dc: DataConverter, error: unknown): Promise<Failure> {
  return encodeFailure(dc.payloadCodecs, dc.failureConverter.errorToFailure(error, dc.payloadConverter));
}
