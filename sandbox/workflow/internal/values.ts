/**
 * Conversions of option values to their protocol form: retry policies, search attributes, memo.
 *
 * @module
 */

import { durationToMs } from "../../../common/duration.ts";
import { defaultPayloadConverter } from "../../../common/default_payload_converter.ts";
import { utf8Decode } from "../../../common/encoding.ts";
import type { MemoJson, PayloadJson, RetryPolicyJson, SearchAttributesJson } from "../../protocol.ts";
import type { RetryPolicy } from "../types.ts";
import { fromPayloadJson, toPayloadJson } from "./converter.ts";
import { jsonDurationToMs, msToJsonDuration, payloadFromJson } from "./json_form.ts";

/** A retry policy → proto3 JSON. */
export function retryPolicyToJson(policy: RetryPolicy): RetryPolicyJson {
  const out: RetryPolicyJson = {};
  if (policy.initialInterval !== undefined) {
    out.initialInterval = msToJsonDuration(durationToMs(policy.initialInterval));
  }
  if (policy.backoffCoefficient !== undefined) out.backoffCoefficient = policy.backoffCoefficient;
  if (policy.maximumInterval !== undefined) {
    out.maximumInterval = msToJsonDuration(durationToMs(policy.maximumInterval));
  }
  if (policy.maximumAttempts !== undefined) {
    if (!Number.isInteger(policy.maximumAttempts) || policy.maximumAttempts < 0) {
      throw new TypeError(
        `Invalid retry maximumAttempts '${policy.maximumAttempts}': expected a whole number >= 0`,
      );
    }
    out.maximumAttempts = policy.maximumAttempts;
  }
  if (policy.nonRetryableErrorTypes !== undefined) {
    out.nonRetryableErrorTypes = [...policy.nonRetryableErrorTypes];
  }
  return out;
}

/** proto3 JSON → retry policy (durations in ms). */
export function retryPolicyFromJson(json: RetryPolicyJson): RetryPolicy {
  const out: RetryPolicy = {};
  if (json.initialInterval !== undefined) out.initialInterval = jsonDurationToMs(json.initialInterval);
  if (json.backoffCoefficient !== undefined) out.backoffCoefficient = json.backoffCoefficient;
  if (json.maximumInterval !== undefined) out.maximumInterval = jsonDurationToMs(json.maximumInterval);
  if (json.maximumAttempts !== undefined) out.maximumAttempts = json.maximumAttempts;
  if (json.nonRetryableErrorTypes !== undefined) {
    out.nonRetryableErrorTypes = [...json.nonRetryableErrorTypes];
  }
  return out;
}

/** The `binary/null` payload that removes a search attribute or memo field. */
function nullPayload(): PayloadJson {
  return toPayloadJson(undefined);
}

function isRemoval(value: unknown): boolean {
  return value === null || value === undefined || (Array.isArray(value) && value.length === 0);
}

/**
 * Search attribute values → payloads: `json/plain` with Dates as ISO strings; `null`, `undefined`
 * or `[]` remove the attribute.
 */
export function encodeSearchAttributes(attributes: Record<string, unknown>): SearchAttributesJson {
  const indexedFields: Record<string, PayloadJson> = {};
  for (const [name, value] of Object.entries(attributes)) {
    if (isRemoval(value)) {
      indexedFields[name] = nullPayload();
      continue;
    }
    const plain = Array.isArray(value)
      ? value.map((v) => (v instanceof Date ? v.toISOString() : v))
      : value instanceof Date
      ? value.toISOString()
      : value;
    indexedFields[name] = toPayloadJson(plain);
  }
  return { indexedFields };
}

/** Search attribute payloads → values (the JSON value; lists stay lists). */
export function decodeSearchAttributes(json: SearchAttributesJson | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, payload] of Object.entries(json?.indexedFields ?? {})) {
    const decoded = payloadFromJson(payload);
    const encoding = decoded.metadata["encoding"];
    if (encoding !== undefined && utf8Decode(encoding) === "binary/null") continue;
    out[name] = defaultPayloadConverter.fromPayload(decoded);
  }
  return out;
}

/** Memo values → payloads; `null`/`undefined` remove a field. */
export function encodeMemo(memo: Record<string, unknown>): MemoJson {
  const fields: Record<string, PayloadJson> = {};
  for (const [name, value] of Object.entries(memo)) {
    fields[name] = value === undefined || value === null ? nullPayload() : toPayloadJson(value);
  }
  return { fields };
}

/** Memo payloads → values. */
export function decodeMemo(json: MemoJson | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, payload] of Object.entries(json?.fields ?? {})) out[name] = fromPayloadJson(payload);
  return out;
}
