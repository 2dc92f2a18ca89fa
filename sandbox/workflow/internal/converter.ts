/**
 * Values ↔ proto3-JSON payloads and errors ↔ proto3-JSON failures inside the isolate, with the
 * default payload and failure converters of common/.
 *
 * @module
 */

import { defaultPayloadConverter } from "../../../common/default_payload_converter.ts";
import { defaultFailureConverter } from "../../../common/failure_converter.ts";
import type { TemporalFailure } from "../../../common/failures.ts";
import type { FailureJson, PayloadJson } from "../../protocol.ts";
import { failureFromJson, failureToJson, payloadFromJson, payloadToJson } from "./json_form.ts";

/** Converts a value to a payload in proto3 JSON form. */
export function toPayloadJson(value: unknown): PayloadJson {
  return payloadToJson(defaultPayloadConverter.toPayload(value));
}

/** Converts values to payloads in proto3 JSON form. */
export function toPayloadsJson(values: readonly unknown[]): PayloadJson[] {
  return values.map(toPayloadJson);
}

/** Converts a proto3-JSON payload (or its absence) to a value. */
export function fromPayloadJson(payload: PayloadJson | undefined): unknown {
  return payload === undefined ? undefined : defaultPayloadConverter.fromPayload(payloadFromJson(payload));
}

/** Converts proto3-JSON payloads to values. */
export function fromPayloadsJson(payloads: readonly PayloadJson[] | undefined): unknown[] {
  return (payloads ?? []).map(fromPayloadJson);
}

/** Converts any thrown value to a failure in proto3 JSON form. */
export function errorToFailureJson(error: unknown): FailureJson {
  return failureToJson(defaultFailureConverter.errorToFailure(error, defaultPayloadConverter));
}

/** Converts a proto3-JSON failure to an error. */
export function failureJsonToError(failure: FailureJson): TemporalFailure {
  return defaultFailureConverter.failureToError(failureFromJson(failure), defaultPayloadConverter);
}
