/**
 * Translation between the protobuf-es field shapes common/ works with (`Payload` with
 * `Uint8Array`s, `Failure` with a `failureInfo` oneof, bigint event ids, numeric enums) and the
 * proto3 JSON form that crosses the sandbox boundary (base64 strings, one field per failure info,
 * decimal strings, enum names, `"1.5s"` durations).
 *
 * @module
 */

import { base64Decode, base64Encode } from "../../../common/encoding.ts";
import type { ProtoDuration } from "../../../common/duration.ts";
import type { Failure, FailureInfo, Payload, Payloads } from "../../../common/failure_proto.ts";
import type { FailureJson, PayloadJson, PayloadsJson } from "../../protocol.ts";

/** Payload → proto3 JSON. */
export function payloadToJson(payload: Payload): PayloadJson {
  const metadata: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload.metadata)) metadata[key] = base64Encode(value);
  const out: PayloadJson = { metadata };
  if (payload.data.length > 0) out.data = base64Encode(payload.data);
  return out;
}

/** proto3 JSON → Payload. */
export function payloadFromJson(json: PayloadJson): Payload {
  const metadata: Record<string, Uint8Array> = {};
  for (const [key, value] of Object.entries(json.metadata ?? {})) metadata[key] = base64Decode(value);
  return { metadata, data: json.data === undefined ? new Uint8Array(0) : base64Decode(json.data) };
}

function payloadsToJson(payloads: Payloads | undefined): PayloadsJson | undefined {
  return payloads === undefined ? undefined : { payloads: payloads.payloads.map(payloadToJson) };
}

function payloadsFromJson(json: PayloadsJson | undefined): Payloads | undefined {
  return json === undefined ? undefined : { payloads: (json.payloads ?? []).map(payloadFromJson) };
}

/** Milliseconds → proto3 JSON duration (`"1.5s"`). */
export function msToJsonDuration(ms: number): string {
  const nanos = Math.round(ms * 1_000_000);
  const seconds = Math.floor(nanos / 1_000_000_000);
  const rest = nanos - seconds * 1_000_000_000;
  if (rest === 0) return `${seconds}s`;
  return `${seconds}.${String(rest).padStart(9, "0").replace(/0+$/, "")}s`;
}

/** proto3 JSON duration (`"1.5s"`) → milliseconds. */
export function jsonDurationToMs(text: string): number {
  const match = /^(-?\d+)(?:\.(\d{1,9}))?s$/.exec(text);
  if (match === null) throw new TypeError(`Invalid duration '${text}': expected proto3 JSON such as '1.5s'`);
  const fraction = (match[2] ?? "").padEnd(9, "0");
  return Number(match[1]) * 1000 + Number(fraction) / 1_000_000;
}

function protoDurationToJson(duration: ProtoDuration): string {
  return msToJsonDuration(Number(duration.seconds) * 1000 + duration.nanos / 1_000_000);
}

function jsonToProtoDuration(text: string): ProtoDuration {
  const ms = jsonDurationToMs(text);
  const seconds = Math.floor(ms / 1000);
  return { seconds: BigInt(seconds), nanos: Math.round((ms - seconds * 1000) * 1_000_000) };
}

const TIMEOUT_TYPES = [
  "UNSPECIFIED",
  "START_TO_CLOSE",
  "SCHEDULE_TO_START",
  "SCHEDULE_TO_CLOSE",
  "HEARTBEAT",
];
const RETRY_STATES = [
  "UNSPECIFIED",
  "IN_PROGRESS",
  "NON_RETRYABLE_FAILURE",
  "TIMEOUT",
  "MAXIMUM_ATTEMPTS_REACHED",
  "RETRY_POLICY_NOT_SET",
  "INTERNAL_SERVER_ERROR",
  "CANCEL_REQUESTED",
];
const CATEGORIES = ["UNSPECIFIED", "BENIGN"];
const RETRY_BEHAVIORS = ["UNSPECIFIED", "RETRYABLE", "NON_RETRYABLE"];

function enumToJson(prefix: string, names: string[], value: number | undefined): string | undefined {
  if (value === undefined) return undefined;
  return `${prefix}${names[value] ?? "UNSPECIFIED"}`;
}

/** An enum name (or number) → its number; typed `never` so it fits each protobuf-es enum type. */
function enumFromJson(prefix: string, names: string[], value: unknown): never | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === "number") return value as never;
  const text = String(value);
  const index = names.indexOf(text.startsWith(prefix) ? text.slice(prefix.length) : text);
  return (index < 0 ? 0 : index) as never;
}

function bigintToJson(value: bigint | undefined): string | undefined {
  return value === undefined ? undefined : value.toString();
}

function bigintFromJson(value: unknown): bigint | undefined {
  return value === undefined || value === null ? undefined : BigInt(value as string);
}

function prune<T extends Record<string, unknown>>(value: T): T {
  for (const key of Object.keys(value)) if (value[key] === undefined) delete value[key];
  return value;
}

/** Failure → proto3 JSON. */
export function failureToJson(failure: Failure): FailureJson {
  const out: FailureJson = prune({
    message: failure.message,
    source: failure.source || undefined,
    stackTrace: failure.stackTrace || undefined,
    encodedAttributes: failure.encodedAttributes && payloadToJson(failure.encodedAttributes),
    cause: failure.cause && failureToJson(failure.cause),
  });
  const info = failure.failureInfo;
  if (info === undefined || info.case === undefined) return out;
  switch (info.case) {
    case "applicationFailureInfo": {
      const v = info.value;
      out.applicationFailureInfo = prune({
        type: v.type,
        nonRetryable: v.nonRetryable,
        details: payloadsToJson(v.details),
        nextRetryDelay: v.nextRetryDelay && protoDurationToJson(v.nextRetryDelay),
        category: v.category ? enumToJson("APPLICATION_ERROR_CATEGORY_", CATEGORIES, v.category) : undefined,
      });
      break;
    }
    case "timeoutFailureInfo":
      out.timeoutFailureInfo = prune({
        timeoutType: enumToJson("TIMEOUT_TYPE_", TIMEOUT_TYPES, info.value.timeoutType),
        lastHeartbeatDetails: payloadsToJson(info.value.lastHeartbeatDetails),
      });
      break;
    case "canceledFailureInfo":
      out.canceledFailureInfo = prune({
        details: payloadsToJson(info.value.details),
        identity: info.value.identity,
      });
      break;
    case "terminatedFailureInfo":
      out.terminatedFailureInfo = prune({ identity: info.value.identity });
      break;
    case "serverFailureInfo":
      out.serverFailureInfo = prune({ nonRetryable: info.value.nonRetryable });
      break;
    case "resetWorkflowFailureInfo":
      out.resetWorkflowFailureInfo = prune({
        lastHeartbeatDetails: payloadsToJson(info.value.lastHeartbeatDetails),
      });
      break;
    case "activityFailureInfo": {
      const v = info.value;
      out.activityFailureInfo = prune({
        scheduledEventId: bigintToJson(v.scheduledEventId),
        startedEventId: bigintToJson(v.startedEventId),
        identity: v.identity,
        activityType: v.activityType,
        activityId: v.activityId,
        retryState: enumToJson("RETRY_STATE_", RETRY_STATES, v.retryState),
      });
      break;
    }
    case "childWorkflowExecutionFailureInfo": {
      const v = info.value;
      out.childWorkflowExecutionFailureInfo = prune({
        namespace: v.namespace,
        workflowExecution: v.workflowExecution,
        workflowType: v.workflowType,
        initiatedEventId: bigintToJson(v.initiatedEventId),
        startedEventId: bigintToJson(v.startedEventId),
        retryState: enumToJson("RETRY_STATE_", RETRY_STATES, v.retryState),
      });
      break;
    }
    case "nexusOperationExecutionFailureInfo": {
      const v = info.value;
      out.nexusOperationExecutionFailureInfo = prune({
        ...v,
        scheduledEventId: bigintToJson(v.scheduledEventId),
      });
      break;
    }
    case "nexusHandlerFailureInfo":
      out.nexusHandlerFailureInfo = prune({
        type: info.value.type,
        retryBehavior: enumToJson(
          "NEXUS_HANDLER_ERROR_RETRY_BEHAVIOR_",
          RETRY_BEHAVIORS,
          info.value.retryBehavior,
        ),
      });
      break;
  }
  return out;
}

type Json = Record<string, unknown>;

/** proto3 JSON → Failure. */
export function failureFromJson(json: FailureJson): Failure {
  const out: Failure = {
    message: json.message ?? "",
    source: json.source ?? "",
    stackTrace: json.stackTrace ?? "",
  };
  if (json.encodedAttributes !== undefined) out.encodedAttributes = payloadFromJson(json.encodedAttributes);
  if (json.cause !== undefined) out.cause = failureFromJson(json.cause);
  const info = failureInfoFromJson(json);
  if (info !== undefined) out.failureInfo = info;
  return out;
}

function failureInfoFromJson(json: FailureJson): FailureInfo | undefined {
  if (json.applicationFailureInfo) {
    const v = json.applicationFailureInfo;
    return {
      case: "applicationFailureInfo",
      value: prune({
        type: v.type ?? "",
        nonRetryable: v.nonRetryable ?? false,
        details: payloadsFromJson(v.details),
        nextRetryDelay: v.nextRetryDelay === undefined ? undefined : jsonToProtoDuration(v.nextRetryDelay),
        category: enumFromJson("APPLICATION_ERROR_CATEGORY_", CATEGORIES, v.category),
      }),
    };
  }
  if (json.timeoutFailureInfo) {
    const v = json.timeoutFailureInfo;
    return {
      case: "timeoutFailureInfo",
      value: prune({
        timeoutType: enumFromJson("TIMEOUT_TYPE_", TIMEOUT_TYPES, v.timeoutType),
        lastHeartbeatDetails: payloadsFromJson(v.lastHeartbeatDetails),
      }),
    };
  }
  if (json.canceledFailureInfo) {
    const v = json.canceledFailureInfo;
    return {
      case: "canceledFailureInfo",
      value: prune({ details: payloadsFromJson(v.details), identity: v.identity }),
    };
  }
  if (json.terminatedFailureInfo) {
    return { case: "terminatedFailureInfo", value: prune({ identity: json.terminatedFailureInfo.identity }) };
  }
  if (json.serverFailureInfo) {
    return { case: "serverFailureInfo", value: prune({ nonRetryable: json.serverFailureInfo.nonRetryable }) };
  }
  if (json.resetWorkflowFailureInfo) {
    const details = payloadsFromJson(json.resetWorkflowFailureInfo.lastHeartbeatDetails);
    return { case: "resetWorkflowFailureInfo", value: prune({ lastHeartbeatDetails: details }) };
  }
  if (json.activityFailureInfo) {
    const v = json.activityFailureInfo;
    return {
      case: "activityFailureInfo",
      value: prune({
        scheduledEventId: bigintFromJson(v.scheduledEventId),
        startedEventId: bigintFromJson(v.startedEventId),
        identity: v.identity,
        activityType: v.activityType === undefined ? undefined : { name: v.activityType.name ?? "" },
        activityId: v.activityId,
        retryState: enumFromJson("RETRY_STATE_", RETRY_STATES, v.retryState),
      }),
    };
  }
  if (json.childWorkflowExecutionFailureInfo) {
    const v = json.childWorkflowExecutionFailureInfo;
    return {
      case: "childWorkflowExecutionFailureInfo",
      value: prune({
        namespace: v.namespace,
        workflowExecution: v.workflowExecution === undefined
          ? undefined
          : { workflowId: v.workflowExecution.workflowId ?? "", runId: v.workflowExecution.runId ?? "" },
        workflowType: v.workflowType === undefined ? undefined : { name: v.workflowType.name ?? "" },
        initiatedEventId: bigintFromJson(v.initiatedEventId),
        startedEventId: bigintFromJson(v.startedEventId),
        retryState: enumFromJson("RETRY_STATE_", RETRY_STATES, v.retryState),
      }),
    };
  }
  const nexusOperation = json["nexusOperationExecutionFailureInfo"] as Json | undefined;
  if (nexusOperation) {
    return {
      case: "nexusOperationExecutionFailureInfo",
      value: prune({
        ...nexusOperation,
        scheduledEventId: bigintFromJson(nexusOperation["scheduledEventId"]),
      }),
    };
  }
  const nexusHandler = json["nexusHandlerFailureInfo"] as Json | undefined;
  if (nexusHandler) {
    return {
      case: "nexusHandlerFailureInfo",
      value: prune({
        type: nexusHandler["type"] as string | undefined,
        retryBehavior: enumFromJson(
          "NEXUS_HANDLER_ERROR_RETRY_BEHAVIOR_",
          RETRY_BEHAVIORS,
          nexusHandler["retryBehavior"],
        ),
      }),
    };
  }
  return undefined;
}
