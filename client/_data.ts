/**
 * Internal: the client's use of a data converter — values to payloads through the payload
 * converter and then the codecs, and back; errors to failures and back.
 *
 * @module
 */

import type { Failure, Payload } from "../common/failure_proto.ts";
import type { TemporalFailure } from "../common/failures.ts";
import { decodeFailure, decodePayloads, encodeFailure, encodePayloads } from "../common/payload_codec.ts";
import type { DataConverter } from "../common/data_converter.ts";

/** Converts values to payloads and runs the codecs. */
export async function encodeValues(dc: DataConverter, values: readonly unknown[]): Promise<Payload[]> {
  const payloads = values.map((value) => dc.payloadConverter.toPayload(value));
  return await encodePayloads(dc.payloadCodecs, payloads);
}

/** Converts one value to a payload and runs the codecs. */
export async function encodeValue(dc: DataConverter, value: unknown): Promise<Payload> {
  return (await encodeValues(dc, [value]))[0]!;
}

/** Runs the codecs backwards and converts payloads to values. */
export async function decodeValues(
  dc: DataConverter,
  payloads: readonly Payload[] | undefined,
): Promise<unknown[]> {
  if (payloads === undefined || payloads.length === 0) return [];
  const decoded = await decodePayloads(dc.payloadCodecs, payloads);
  return decoded.map((payload) => dc.payloadConverter.fromPayload(payload));
}

/** The first value of a result's payloads, or `undefined` if there is none. */
export async function decodeFirst(
  dc: DataConverter,
  payloads: readonly Payload[] | undefined,
): Promise<unknown> {
  if (payloads === undefined || payloads.length === 0) return undefined;
  return (await decodeValues(dc, payloads.slice(0, 1)))[0];
}

/** Converts a map of values (memo) to payloads. */
export async function encodeMap(
  dc: DataConverter,
  values: Record<string, unknown> | undefined,
): Promise<Record<string, Payload> | undefined> {
  if (values === undefined) return undefined;
  const keys = Object.keys(values);
  const payloads = await encodeValues(dc, keys.map((key) => values[key]));
  return Object.fromEntries(keys.map((key, i) => [key, payloads[i]!]));
}

/** Converts a map of payloads (memo) back to values. */
export async function decodeMap(
  dc: DataConverter,
  fields: Record<string, Payload> | undefined,
): Promise<Record<string, unknown>> {
  const keys = Object.keys(fields ?? {});
  const values = await decodeValues(dc, keys.map((key) => fields![key]!));
  return Object.fromEntries(keys.map((key, i) => [key, values[i]]));
}

/** Decodes a failure's payloads and converts it to an error. */
export async function failureToError(dc: DataConverter, failure: Failure): Promise<TemporalFailure> {
  const decoded = await decodeFailure(dc.payloadCodecs, failure);
  return dc.failureConverter.failureToError(decoded, dc.payloadConverter);
}

/** Converts an error to a failure and encodes its payloads. */
export async function errorToFailure(dc: DataConverter, error: unknown): Promise<Failure> {
  const failure = dc.failureConverter.errorToFailure(error, dc.payloadConverter);
  return await encodeFailure(dc.payloadCodecs, failure);
}
