/**
 * Conversions between the activation protocol's JSON forms (proto3 JSON of Temporal API messages,
 * milliseconds for our own durations and instants) and the protobuf-es messages the engine sends
 * and receives.
 *
 * @module
 */

import { create, fromJson, type JsonValue, toJson } from "@bufbuild/protobuf";
import { type Duration, DurationSchema, type Timestamp } from "@bufbuild/protobuf/wkt";
import {
  type Header,
  HeaderSchema,
  type Memo,
  MemoSchema,
  type Payload,
  type Payloads,
  PayloadSchema,
  PayloadsSchema,
  type Priority,
  PrioritySchema,
  type RetryPolicy,
  RetryPolicySchema,
  type SearchAttributes,
  SearchAttributesSchema,
} from "../../gen/temporal/api/common/v1/message_pb.ts";
import { type Failure, FailureSchema } from "../../gen/temporal/api/failure/v1/message_pb.ts";
import type {
  FailureJson,
  HeadersJson,
  MemoJson,
  PayloadJson,
  PriorityJson,
  RetryPolicyJson,
  SearchAttributesJson,
} from "../../sandbox/protocol.ts";

/** Payload (proto) to its proto3 JSON form. */
export function payloadToJson(p: Payload): PayloadJson {
  return toJson(PayloadSchema, p) as PayloadJson;
}

/** Payload JSON to the proto message. */
export function payloadFromJson(p: PayloadJson): Payload {
  return fromJson(PayloadSchema, p as JsonValue, { ignoreUnknownFields: true });
}

/** The payloads of a `Payloads` (or none) as JSON. */
export function payloadsToJson(p: Payloads | undefined): PayloadJson[] {
  return (p?.payloads ?? []).map(payloadToJson);
}

/** JSON payloads as a `Payloads` message; `undefined` for an absent list. */
export function payloadsFromJson(list: readonly PayloadJson[] | undefined): Payloads | undefined {
  if (list === undefined) return undefined;
  return create(PayloadsSchema, { payloads: list.map(payloadFromJson) });
}

/** The first payload of a `Payloads`, if any (results are single payloads in the protocol). */
export function firstPayloadToJson(p: Payloads | undefined): PayloadJson | undefined {
  const first = p?.payloads[0];
  return first === undefined ? undefined : payloadToJson(first);
}

/** Failure (proto) to proto3 JSON. */
export function failureToJson(f: Failure): FailureJson {
  return toJson(FailureSchema, f) as FailureJson;
}

/** Failure JSON to the proto message. */
export function failureFromJson(f: FailureJson): Failure {
  return fromJson(FailureSchema, f as JsonValue, { ignoreUnknownFields: true });
}

/** Failure JSON (or none) to the proto message (or none). */
export function optionalFailureFromJson(f: FailureJson | undefined): Failure | undefined {
  return f === undefined ? undefined : failureFromJson(f);
}

/** Headers (`map<string, Payload>`) to JSON; `undefined` if empty. */
export function headerToJson(h: Header | undefined): HeadersJson | undefined {
  if (h === undefined || Object.keys(h.fields).length === 0) return undefined;
  return Object.fromEntries(Object.entries(h.fields).map(([k, v]) => [k, payloadToJson(v)]));
}

/** Header JSON to the proto message; `undefined` if absent. */
export function headerFromJson(h: HeadersJson | undefined): Header | undefined {
  if (h === undefined) return undefined;
  return create(HeaderSchema, {
    fields: Object.fromEntries(Object.entries(h).map(([k, v]) => [k, payloadFromJson(v)])),
  });
}

/** Memo JSON to proto; `undefined` if absent. */
export function memoFromJson(m: MemoJson | undefined): Memo | undefined {
  return m === undefined ? undefined : fromJson(MemoSchema, m as JsonValue, { ignoreUnknownFields: true });
}

/** Memo fields (name to payload JSON) to proto; `undefined` if absent. */
export function memoFieldsFromJson(m: Record<string, PayloadJson> | undefined): Memo | undefined {
  return m === undefined ? undefined : memoFromJson({ fields: m });
}

/** Memo proto to JSON; `undefined` if absent. */
export function memoToJson(m: Memo | undefined): MemoJson | undefined {
  return m === undefined ? undefined : (toJson(MemoSchema, m) as MemoJson);
}

/** Search attributes JSON to proto; `undefined` if absent. */
export function searchAttributesFromJson(s: SearchAttributesJson | undefined): SearchAttributes | undefined {
  return s === undefined
    ? undefined
    : fromJson(SearchAttributesSchema, s as JsonValue, { ignoreUnknownFields: true });
}

/** Search attributes proto to JSON; `undefined` if absent. */
export function searchAttributesToJson(s: SearchAttributes | undefined): SearchAttributesJson | undefined {
  return s === undefined ? undefined : (toJson(SearchAttributesSchema, s) as SearchAttributesJson);
}

/** Retry policy JSON to proto; `undefined` if absent. */
export function retryPolicyFromJson(r: RetryPolicyJson | undefined): RetryPolicy | undefined {
  return r === undefined
    ? undefined
    : fromJson(RetryPolicySchema, r as JsonValue, { ignoreUnknownFields: true });
}

/** Retry policy proto to JSON; `undefined` if absent. */
export function retryPolicyToJson(r: RetryPolicy | undefined): RetryPolicyJson | undefined {
  return r === undefined ? undefined : (toJson(RetryPolicySchema, r) as RetryPolicyJson);
}

/** Priority JSON to proto; `undefined` if absent. */
export function priorityFromJson(p: PriorityJson | undefined): Priority | undefined {
  return p === undefined
    ? undefined
    : fromJson(PrioritySchema, p as JsonValue, { ignoreUnknownFields: true });
}

/** Priority proto to JSON; `undefined` if absent. */
export function priorityToJson(p: Priority | undefined): PriorityJson | undefined {
  return p === undefined ? undefined : (toJson(PrioritySchema, p) as PriorityJson);
}

/** Milliseconds to a `google.protobuf.Duration`; `undefined` stays `undefined`. */
export function msToDuration(ms: number | undefined): Duration | undefined {
  if (ms === undefined) return undefined;
  const whole = Math.floor(ms / 1000);
  const nanos = Math.round((ms - whole * 1000) * 1_000_000);
  return create(DurationSchema, { seconds: BigInt(whole), nanos });
}

/** A `google.protobuf.Duration` to milliseconds; `undefined` if absent. */
export function durationToMs(d: Duration | undefined): number | undefined {
  if (d === undefined) return undefined;
  return Number(d.seconds) * 1000 + Math.round(d.nanos / 1_000_000);
}

/** A `google.protobuf.Timestamp` to ms since the epoch; `undefined` if absent. */
export function timestampToMs(t: Timestamp | undefined): number | undefined {
  if (t === undefined) return undefined;
  return Number(t.seconds) * 1000 + Math.floor(t.nanos / 1_000_000);
}

/**
 * Looks up a protobuf-es enum value by the proto name (`"PARENT_CLOSE_POLICY_ABANDON"`) or the
 * short name (`"ABANDON"`); throws on an unknown name.
 */
export function enumValue<V extends number>(values: Record<string, V>, prefix: string, name: string): V {
  const short = name.startsWith(prefix) ? name.slice(prefix.length) : name;
  const value = values[short];
  if (value === undefined) {
    throw new Error(
      `Unknown enum value '${name}': expected one of ${
        Object.keys(values).map((k) => prefix + k).join(", ")
      }`,
    );
  }
  return value;
}

/** The proto name of an enum value (`"TIMEOUT_TYPE_START_TO_CLOSE"`), for proto3 JSON fields. */
export function enumName(values: Record<string, number>, prefix: string, value: number): string {
  const entry = Object.entries(values).find(([, v]) => v === value);
  return prefix + (entry?.[0] ?? "UNSPECIFIED");
}

/**
 * Whether a command asks the server to keep the workflow's build id (worker versioning): always
 * for `COMPATIBLE`, never for `DEFAULT`, and without an intent only when the target task queue is
 * the workflow's own (the server rejects a compatible start on another task queue).
 */
export function useCompatibleVersion(
  intent: "COMPATIBLE" | "DEFAULT" | undefined,
  targetTaskQueue: string | undefined,
  workflowTaskQueue: string,
): boolean {
  if (intent === "COMPATIBLE") return true;
  if (intent === "DEFAULT") return false;
  return !targetTaskQueue || targetTaskQueue === workflowTaskQueue;
}
