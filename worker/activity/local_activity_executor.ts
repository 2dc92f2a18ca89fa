/**
 * Internal: runs local activities for the workflow engine — on the host, inside the workflow
 * task, with an activity context, local timeouts, and retries (short backoffs here, long ones
 * handed back to the workflow as a timer).
 *
 * Payloads here are in the sandbox's form (no codecs): the engine encodes what goes to the server.
 *
 * @module
 */

import { create, fromJson, type JsonValue, toJson } from "@bufbuild/protobuf";
import { DurationSchema } from "@bufbuild/protobuf/wkt";
import type { Client } from "../../client/client.ts";
import type { DataConverter } from "../../common/data_converter.ts";
import { durationToMs } from "../../common/duration.ts";
import { ApplicationFailure, CancelledFailure, TimeoutFailure } from "../../common/failures.ts";
import {
  type Failure as FailureMessage,
  FailureSchema,
} from "../../gen/temporal/api/failure/v1/message_pb.ts";
import { PayloadSchema } from "../../gen/temporal/api/common/v1/message_pb.ts";
import type {
  ActivityResolution,
  FailureJson,
  PayloadJson,
  RetryPolicyJson,
} from "../../sandbox/protocol.ts";
import type { LocalActivityExecutor } from "../workflow/engine.ts";
import { ActivityCancellationReason, ActivityContext, runInActivityContext } from "./activity_context.ts";
import type { ActivityInfo } from "./activity_info.ts";
import type { ActivityFunction } from "./activity_registry.ts";
import { CompleteAsyncError } from "./complete_async_error.ts";
import { type ActivityInboundInterceptor, composeActivityInterceptors } from "./interceptors.ts";
import type { Slots } from "../slots.ts";

/** Options of {@linkcode createLocalActivityExecutor}. */
export interface LocalActivityExecutorOptions {
  readonly namespace: string;
  readonly taskQueue: string;
  readonly dataConverter: DataConverter;
  readonly activities: ReadonlyMap<string, ActivityFunction>;
  readonly interceptors: readonly ActivityInboundInterceptor[];
  /** Bounds how many local activities run at once. */
  readonly slots: Slots;
  /** Fires when the worker begins shutting down. */
  readonly workerShutdownSignal: AbortSignal;
  readonly client?: Client;
}

/** Retries whose backoff is at most this run here; longer ones become a workflow timer. Default of the SDKs. */
const DEFAULT_LOCAL_RETRY_THRESHOLD_MS = 60_000;

/** Creates the function the workflow engine calls to run a local activity. */
export function createLocalActivityExecutor(options: LocalActivityExecutorOptions): LocalActivityExecutor {
  return async (request) => {
    const { command, signal } = request;
    const attemptFirst = command.attempt;
    const originalScheduleTime = command.originalScheduleTime ?? Date.now();
    const threshold = command.localRetryThresholdMs ?? DEFAULT_LOCAL_RETRY_THRESHOLD_MS;
    const policy = retryPolicy(command.retryPolicy);
    for (let attempt = attemptFirst;; attempt++) {
      if (signal.aborted) return cancelled();
      const scheduleToCloseLeft = command.scheduleToCloseTimeoutMs === undefined
        ? Infinity
        : originalScheduleTime + command.scheduleToCloseTimeoutMs - Date.now();
      if (scheduleToCloseLeft <= 0) return failed(timeoutFailure("SCHEDULE_TO_CLOSE"), "TIMEOUT");
      const outcome = await runAttempt(options, request, attempt, scheduleToCloseLeft);
      if (outcome.ok) return { status: "completed", result: outcome.result };
      if (signal.aborted) return cancelled();
      const error = outcome.error;
      const decision = retryDecision(policy, attempt, error);
      if (decision.retryState !== undefined) return failed(error, decision.retryState);
      const backoffMs = decision.backoffMs;
      if (
        command.scheduleToCloseTimeoutMs !== undefined &&
        Date.now() + backoffMs >= originalScheduleTime + command.scheduleToCloseTimeoutMs
      ) {
        return failed(error, "TIMEOUT");
      }
      if (backoffMs > threshold) {
        return { status: "backoff", attempt: attempt + 1, backoffMs, originalScheduleTime };
      }
      if (!(await wait(backoffMs, signal))) return cancelled();
    }

    function failed(error: unknown, retryState: string): ActivityResolution {
      const cause = failureJson(options.dataConverter, error);
      const failure: FailureJson = {
        message: "Local activity failed",
        activityFailureInfo: {
          activityType: { name: command.activityType },
          activityId: command.activityId,
          retryState: `RETRY_STATE_${retryState}`,
        },
        cause,
      };
      return { status: "failed", failure };
    }
  };
}

type AttemptOutcome = { ok: true; result: PayloadJson } | { ok: false; error: unknown };

async function runAttempt(
  options: LocalActivityExecutorOptions,
  request: Parameters<LocalActivityExecutor>[0],
  attempt: number,
  scheduleToCloseLeftMs: number,
): Promise<AttemptOutcome> {
  const { command, signal } = request;
  const { activities, dataConverter, interceptors, slots, workerShutdownSignal, client } = options;
  const fn = activities.get(command.activityType);
  if (fn === undefined) {
    const known = [...activities.keys()].sort().join(", ") || "none";
    return {
      ok: false,
      error: new ApplicationFailure(
        `Local activity type '${command.activityType}' is not registered on this worker (registered: ${known}); ` +
          "add it to the worker's activities",
        { type: "NotFoundError", nonRetryable: true },
      ),
    };
  }
  if (!(await slots.acquire(signal))) {
    return { ok: false, error: new CancelledFailure("Local activity cancelled") };
  }
  const cancel = new AbortController();
  let reason: ActivityCancellationReason | undefined;
  let timedOut: TimeoutFailure | undefined;
  const abort = (why: ActivityCancellationReason, error: Error) => {
    if (cancel.signal.aborted) return;
    reason = why;
    cancel.abort(error);
  };
  const onCancel = () =>
    abort(ActivityCancellationReason.CANCELLED, new CancelledFailure("Local activity cancelled"));
  signal.addEventListener("abort", onCancel, { once: true });
  const limitMs = Math.min(command.startToCloseTimeoutMs ?? Infinity, scheduleToCloseLeftMs);
  const timer = Number.isFinite(limitMs)
    ? setTimeout(() => {
      timedOut = timeoutFailure(
        limitMs === command.startToCloseTimeoutMs ? "START_TO_CLOSE" : "SCHEDULE_TO_CLOSE",
      );
      abort(ActivityCancellationReason.NOT_FOUND, timedOut);
    }, limitMs)
    : undefined;
  try {
    const args = command.args.map((p) =>
      dataConverter.payloadConverter.fromPayload(fromJson(PayloadSchema, p as JsonValue))
    );
    const info: ActivityInfo = Object.freeze({
      activityId: command.activityId,
      activityType: command.activityType,
      taskToken: new Uint8Array(),
      attempt,
      namespace: options.namespace,
      taskQueue: options.taskQueue,
      workflowExecution: Object.freeze({ workflowId: request.workflowId, runId: request.runId }),
      workflowType: request.workflowType,
      workflowNamespace: request.namespace,
      scheduledTime: new Date(command.originalScheduleTime ?? Date.now()),
      currentAttemptScheduledTime: new Date(),
      startedTime: new Date(),
      scheduleToCloseTimeoutMs: command.scheduleToCloseTimeoutMs,
      startToCloseTimeoutMs: command.startToCloseTimeoutMs,
      heartbeatTimeoutMs: undefined,
      heartbeatDetails: Object.freeze([]),
      isLocal: true,
    });
    const context = new ActivityContext({
      info,
      cancellationSignal: cancel.signal,
      cancellationReason: () => reason,
      workerShutdownSignal,
      ...(client === undefined ? {} : { client }),
    });
    const headers = Object.fromEntries(
      Object.entries(command.headers ?? {}).map(([key, p]) => [key, fromJson(PayloadSchema, p as JsonValue)]),
    );
    const work = runInActivityContext(
      context,
      () =>
        composeActivityInterceptors(interceptors, async (input) => await fn(...input.args))({
          args,
          headers,
        }),
    );
    work.catch(() => {}); // it may settle after a timeout ended the attempt
    // A timeout ends the attempt even if the function ignores its cancellation signal.
    const value = await Promise.race([work, rejectOnAbort(cancel.signal)]);
    const payload = dataConverter.payloadConverter.toPayload(value);
    return { ok: true, result: toJson(PayloadSchema, create(PayloadSchema, payload)) as PayloadJson };
  } catch (error) {
    if (timedOut !== undefined) return { ok: false, error: timedOut };
    if (error instanceof CompleteAsyncError) {
      return {
        ok: false,
        error: ApplicationFailure.nonRetryable(
          "A local activity cannot complete asynchronously: CompleteAsyncError is for activities only",
          "IllegalStateError",
        ),
      };
    }
    return { ok: false, error };
  } finally {
    if (timer !== undefined) clearTimeout(timer);
    signal.removeEventListener("abort", onCancel);
    slots.release();
  }
}

function cancelled(): ActivityResolution {
  return { status: "cancelled", failure: { message: "Local activity cancelled", canceledFailureInfo: {} } };
}

function timeoutFailure(type: "START_TO_CLOSE" | "SCHEDULE_TO_CLOSE"): TimeoutFailure {
  return new TimeoutFailure(`Local activity timed out (${type})`, { timeoutType: type });
}

function failureJson(dc: DataConverter, error: unknown): FailureJson {
  const failure = dc.failureConverter.errorToFailure(error, dc.payloadConverter);
  return toJson(FailureSchema, create(FailureSchema, failure as FailureMessage)) as FailureJson;
}

interface ResolvedRetryPolicy {
  initialMs: number;
  coefficient: number;
  maxMs: number;
  maxAttempts: number;
  nonRetryable: readonly string[];
}

function retryPolicy(json: RetryPolicyJson | undefined): ResolvedRetryPolicy {
  const ms = (value: string | undefined) => {
    if (value === undefined) return undefined;
    const d = fromJson(DurationSchema, value);
    return Number(d.seconds) * 1000 + d.nanos / 1_000_000;
  };
  const initialMs = ms(json?.initialInterval) || 1_000;
  return {
    initialMs,
    coefficient: json?.backoffCoefficient || 2,
    maxMs: ms(json?.maximumInterval) || initialMs * 100,
    maxAttempts: json?.maximumAttempts ?? 0,
    nonRetryable: json?.nonRetryableErrorTypes ?? [],
  };
}

function retryDecision(
  policy: ResolvedRetryPolicy,
  attempt: number,
  error: unknown,
): { retryState: string; backoffMs?: undefined } | { retryState?: undefined; backoffMs: number } {
  if (error instanceof ApplicationFailure) {
    if (error.nonRetryable || (error.type !== undefined && policy.nonRetryable.includes(error.type))) {
      return { retryState: "NON_RETRYABLE_FAILURE" };
    }
  } else if (error instanceof Error && policy.nonRetryable.includes(error.name)) {
    return { retryState: "NON_RETRYABLE_FAILURE" };
  }
  if (error instanceof TimeoutFailure && error.timeoutType === "SCHEDULE_TO_CLOSE") {
    return { retryState: "TIMEOUT" };
  }
  if (policy.maxAttempts > 0 && attempt >= policy.maxAttempts) {
    return { retryState: "MAXIMUM_ATTEMPTS_REACHED" };
  }
  const next = error instanceof ApplicationFailure && error.nextRetryDelay !== undefined
    ? durationToMs(error.nextRetryDelay)
    : undefined;
  const backoffMs = next ?? Math.min(policy.maxMs, policy.initialMs * policy.coefficient ** (attempt - 1));
  return { backoffMs };
}

function rejectOnAbort(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    else signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}

function wait(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve(false);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve(true);
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
