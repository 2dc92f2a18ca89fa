/**
 * The failure converter: JS errors to the `Failure` shape and back, compatible with the other
 * Temporal SDKs (application failures with type, non-retryable flag, details, next retry delay
 * and category; cancelled, terminated, timeout, server, activity and child workflow failures;
 * stack traces; cause chains; optionally message and stack trace moved into `encodedAttributes`).
 *
 * Pure code: runs on the host and inside the workflow sandbox.
 *
 * @module
 */

import { durationToProto, protoDurationToMs } from "./duration.ts";
import type { Failure, Payloads, RetryStateNumber, TimeoutTypeNumber } from "./failure_proto.ts";
import {
  ActivityFailure,
  ApplicationFailure,
  ApplicationFailureCategory,
  CancelledFailure,
  ChildWorkflowFailure,
  type RetryState,
  ServerFailure,
  TemporalFailure,
  TerminatedFailure,
  TimeoutFailure,
  type TimeoutType,
} from "./failures.ts";
import { fromPayloads, type PayloadConverter, toPayloads } from "./payload_converter.ts";

/** The `source` written into failures this SDK creates. */
export const FAILURE_SOURCE = "Sandglass";

/** The message other SDKs put in a failure whose message and stack trace were encoded. */
export const ENCODED_FAILURE_MESSAGE = "Encoded failure";

/**
 * Converts errors to `Failure` data and back.
 *
 * @example
 * ```ts
 * const failure = defaultFailureConverter.errorToFailure(err, defaultPayloadConverter);
 * const error = defaultFailureConverter.failureToError(failure, defaultPayloadConverter);
 * ```
 */
export interface FailureConverter {
  /** Converts any thrown value to a `Failure`. */
  errorToFailure(error: unknown, payloadConverter: PayloadConverter): Failure;
  /** Converts a `Failure` to an error; always a `TemporalFailure`. */
  failureToError(failure: Failure, payloadConverter: PayloadConverter): TemporalFailure;
}

/** Options of {@linkcode DefaultFailureConverter}. */
export interface DefaultFailureConverterOptions {
  /**
   * Move each failure's message and stack trace into `encodedAttributes` (a payload, so payload
   * codecs can encrypt them), leaving the message `"Encoded failure"` and an empty stack trace, as
   * the other SDKs do. Default: `false`.
   */
  encodeCommonAttributes: boolean;
}

const RETRY_STATES: readonly RetryState[] = [
  "UNSPECIFIED",
  "IN_PROGRESS",
  "NON_RETRYABLE_FAILURE",
  "TIMEOUT",
  "MAXIMUM_ATTEMPTS_REACHED",
  "RETRY_POLICY_NOT_SET",
  "INTERNAL_SERVER_ERROR",
  "CANCEL_REQUESTED",
];
const TIMEOUT_TYPES: readonly TimeoutType[] = [
  "UNSPECIFIED",
  "START_TO_CLOSE",
  "SCHEDULE_TO_START",
  "SCHEDULE_TO_CLOSE",
  "HEARTBEAT",
];
const CATEGORY_BENIGN = 1;
const MAX_CAUSE_DEPTH = 64;

function retryStateNumber(state: RetryState): RetryStateNumber {
  return Math.max(0, RETRY_STATES.indexOf(state)) as RetryStateNumber;
}

function timeoutTypeNumber(type: TimeoutType): TimeoutTypeNumber {
  return Math.max(0, TIMEOUT_TYPES.indexOf(type)) as TimeoutTypeNumber;
}

/**
 * The default failure converter, wire-compatible with sdk-typescript, sdk-python and sdk-go.
 * Errors that are not `TemporalFailure`s become `ApplicationFailure`s whose type is the error's
 * `name`; non-errors (a thrown string) become `ApplicationFailure`s of type `"Error"`.
 *
 * @example
 * ```ts
 * const failureConverter = new DefaultFailureConverter({ encodeCommonAttributes: true });
 * ```
 */
export class DefaultFailureConverter implements FailureConverter {
  /** The options in effect. */
  readonly options: DefaultFailureConverterOptions;

  constructor(options: Partial<DefaultFailureConverterOptions> = {}) {
    this.options = { encodeCommonAttributes: options.encodeCommonAttributes ?? false };
  }

  errorToFailure(error: unknown, payloadConverter: PayloadConverter): Failure {
    return this.#toFailure(error, payloadConverter, new Set(), 0);
  }

  failureToError(failure: Failure, payloadConverter: PayloadConverter): TemporalFailure {
    return this.#toError(failure, payloadConverter, 0);
  }

  #toFailure(error: unknown, converter: PayloadConverter, seen: Set<unknown>, depth: number): Failure {
    seen.add(error);
    if (error instanceof TemporalFailure && error.failure !== undefined) {
      // Decoded from the wire: send back exactly what came in (keeps fields we do not model).
      const original = error.failure;
      if (!this.options.encodeCommonAttributes || original.encodedAttributes !== undefined) return original;
      const copy: Failure & { $typeName?: string } = { ...original };
      delete copy.$typeName; // a plain object again, so `create(FailureSchema, copy)` reads every field
      return this.#encodeAttributes(copy, converter);
    }
    const failure: Failure = {
      message: messageOf(error),
      source: FAILURE_SOURCE,
      stackTrace: stackOf(error),
      failureInfo: this.#info(error, converter),
    };
    const cause = (error as { cause?: unknown } | null)?.cause;
    if (
      cause !== undefined && cause !== null && typeof error === "object" && !seen.has(cause) &&
      depth < MAX_CAUSE_DEPTH
    ) {
      failure.cause = this.#toFailure(cause, converter, seen, depth + 1);
    }
    return this.options.encodeCommonAttributes ? this.#encodeAttributes(failure, converter) : failure;
  }

  #encodeAttributes(failure: Failure, converter: PayloadConverter): Failure {
    failure.encodedAttributes = converter.toPayload({
      message: failure.message,
      stack_trace: failure.stackTrace ?? "",
    });
    failure.message = ENCODED_FAILURE_MESSAGE;
    failure.stackTrace = "";
    return failure;
  }

  #info(error: unknown, converter: PayloadConverter): Failure["failureInfo"] {
    const payloads = (values: readonly unknown[]): Payloads | undefined =>
      values.length === 0 ? undefined : { payloads: toPayloads(converter, values) };
    if (error instanceof ApplicationFailure) {
      return {
        case: "applicationFailureInfo",
        value: {
          type: error.type ?? "",
          nonRetryable: error.nonRetryable,
          details: payloads(error.details),
          nextRetryDelay: error.nextRetryDelay === undefined
            ? undefined
            : durationToProto(error.nextRetryDelay),
          category: error.category === ApplicationFailureCategory.BENIGN ? CATEGORY_BENIGN : 0,
        },
      };
    }
    if (error instanceof CancelledFailure) {
      return {
        case: "canceledFailureInfo",
        value: { details: payloads(error.details), identity: error.identity ?? "" },
      };
    }
    if (error instanceof TerminatedFailure) {
      return { case: "terminatedFailureInfo", value: { identity: error.identity ?? "" } };
    }
    if (error instanceof TimeoutFailure) {
      return {
        case: "timeoutFailureInfo",
        value: {
          timeoutType: timeoutTypeNumber(error.timeoutType),
          lastHeartbeatDetails: payloads(error.lastHeartbeatDetails),
        },
      };
    }
    if (error instanceof ServerFailure) {
      return { case: "serverFailureInfo", value: { nonRetryable: error.nonRetryable } };
    }
    if (error instanceof ActivityFailure) {
      return {
        case: "activityFailureInfo",
        value: {
          activityType: { name: error.activityType },
          activityId: error.activityId,
          retryState: retryStateNumber(error.retryState),
          identity: error.identity ?? "",
        },
      };
    }
    if (error instanceof ChildWorkflowFailure) {
      return {
        case: "childWorkflowExecutionFailureInfo",
        value: {
          namespace: error.namespace,
          workflowExecution: { workflowId: error.execution.workflowId, runId: error.execution.runId ?? "" },
          workflowType: { name: error.workflowType },
          retryState: retryStateNumber(error.retryState),
        },
      };
    }
    if (error instanceof TemporalFailure) return { case: undefined };
    // Any other error: an application failure named after the error (e.g. "TypeError").
    const name = typeof error === "object" && error !== null ? (error as { name?: unknown }).name : undefined;
    return {
      case: "applicationFailureInfo",
      value: { type: typeof name === "string" && name !== "" ? name : "Error", nonRetryable: false },
    };
  }

  #toError(failure: Failure, converter: PayloadConverter, depth: number): TemporalFailure {
    let message = failure.message ?? "";
    let stackTrace = failure.stackTrace ?? "";
    if (failure.encodedAttributes !== undefined) {
      const attributes = converter.fromPayload<unknown>(failure.encodedAttributes);
      if (typeof attributes === "object" && attributes !== null) {
        const { message: m, stack_trace: s } = attributes as { message?: unknown; stack_trace?: unknown };
        if (typeof m === "string") message = m;
        if (typeof s === "string") stackTrace = s;
      }
    }
    const cause = failure.cause !== undefined && depth < MAX_CAUSE_DEPTH
      ? this.#toError(failure.cause, converter, depth + 1)
      : undefined;
    const values = (payloads: Payloads | undefined) => fromPayloads(converter, payloads?.payloads);
    const info = failure.failureInfo ?? { case: undefined };
    let error: TemporalFailure;
    switch (info.case) {
      case "applicationFailureInfo":
        error = new ApplicationFailure(message, {
          type: info.value.type || undefined,
          nonRetryable: info.value.nonRetryable ?? false,
          details: values(info.value.details),
          nextRetryDelay: protoDurationToMs(info.value.nextRetryDelay),
          category: info.value.category === CATEGORY_BENIGN ? ApplicationFailureCategory.BENIGN : undefined,
          cause,
        });
        break;
      case "canceledFailureInfo":
        error = new CancelledFailure(message, {
          details: values(info.value.details),
          identity: info.value.identity || undefined,
          cause,
        });
        break;
      case "terminatedFailureInfo":
        error = new TerminatedFailure(message, { identity: info.value.identity || undefined, cause });
        break;
      case "timeoutFailureInfo":
        error = new TimeoutFailure(message, {
          timeoutType: TIMEOUT_TYPES[info.value.timeoutType ?? 0] ?? "UNSPECIFIED",
          lastHeartbeatDetails: values(info.value.lastHeartbeatDetails),
          cause,
        });
        break;
      case "serverFailureInfo":
        error = new ServerFailure(message, { nonRetryable: info.value.nonRetryable ?? false, cause });
        break;
      case "resetWorkflowFailureInfo":
        error = new ApplicationFailure(message, {
          type: "ResetWorkflow",
          details: values(info.value.lastHeartbeatDetails),
          cause,
        });
        break;
      case "activityFailureInfo":
        error = new ActivityFailure(message, {
          activityType: info.value.activityType?.name ?? "",
          activityId: info.value.activityId ?? "",
          retryState: RETRY_STATES[info.value.retryState ?? 0] ?? "UNSPECIFIED",
          identity: info.value.identity || undefined,
          cause,
        });
        break;
      case "childWorkflowExecutionFailureInfo": {
        const execution = info.value.workflowExecution;
        error = new ChildWorkflowFailure(message, {
          namespace: info.value.namespace ?? "",
          execution: { workflowId: execution?.workflowId ?? "", runId: execution?.runId || undefined },
          workflowType: info.value.workflowType?.name ?? "",
          retryState: RETRY_STATES[info.value.retryState ?? 0] ?? "UNSPECIFIED",
          cause,
        });
        break;
      }
      default:
        // Nexus failures and failures without a kind: the base class; `failure` keeps the rest.
        error = new TemporalFailure(message, cause);
    }
    setStack(error, stackTrace);
    error.failure = failure;
    return error;
  }
}

/**
 * The default failure converter (plain-text messages and stack traces).
 *
 * @example
 * ```ts
 * const failure = defaultFailureConverter.errorToFailure(new Error("boom"), defaultPayloadConverter);
 * ```
 */
export const defaultFailureConverter: DefaultFailureConverter = new DefaultFailureConverter();

function messageOf(error: unknown): string {
  if (typeof error === "object" && error !== null) {
    const message = (error as { message?: unknown }).message;
    if (typeof message === "string") return message;
  }
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error) ?? String(error);
  } catch {
    return String(error);
  }
}

function stackOf(error: unknown): string {
  const stack = typeof error === "object" && error !== null
    ? (error as { stack?: unknown }).stack
    : undefined;
  return typeof stack === "string" ? stack : "";
}

function setStack(error: Error, stack: string): void {
  try {
    Object.defineProperty(error, "stack", {
      value: stack,
      writable: true,
      configurable: true,
      enumerable: false,
    });
  } catch {
    // Some engines make `stack` unconfigurable; the error keeps its local stack then.
  }
}
