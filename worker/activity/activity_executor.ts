/**
 * Internal: runs polled activity tasks — decodes the arguments, calls the activity function in its
 * context with throttled heartbeats and cancellation, and reports the outcome (completed, failed,
 * cancelled, or nothing for asynchronous completion).
 *
 * @module
 */

import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { Client } from "../../client/client.ts";
import { RPCCode } from "../../client/rpc_code.ts";
import { RPCError } from "../../client/rpc_error.ts";
import type { ServiceClient } from "../../client/service_client.ts";
import type { DataConverter } from "../../common/data_converter.ts";
import { protoDurationToMs } from "../../common/duration.ts";
import { ApplicationFailure, CancelledFailure } from "../../common/failures.ts";
import type { PollActivityTaskQueueResponse } from "../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import type { WorkflowService } from "../../gen/temporal/api/workflowservice/v1/service_pb.ts";
import type { Logger } from "../worker_options.ts";
import { decodeValues, encode, errorToEncodedFailure, toPayloadsSync } from "./_payloads.ts";
import { ActivityCancellationReason, ActivityContext, runInActivityContext } from "./activity_context.ts";
import type { ActivityInfo } from "./activity_info.ts";
import type { ActivityFunction } from "./activity_registry.ts";
import { CompleteAsyncError } from "./complete_async_error.ts";
import { Heartbeater, heartbeatThrottleMs } from "./heartbeater.ts";
import { type ActivityInboundInterceptor, composeActivityInterceptors } from "./interceptors.ts";

/** Options of {@linkcode ActivityExecutor}. */
export interface ActivityExecutorOptions {
  readonly service: ServiceClient<typeof WorkflowService>;
  readonly namespace: string;
  readonly identity: string;
  readonly taskQueue: string;
  readonly dataConverter: DataConverter;
  readonly activities: ReadonlyMap<string, ActivityFunction>;
  readonly interceptors: readonly ActivityInboundInterceptor[];
  readonly logger: Logger;
  readonly client?: Client;
}

const CANCEL_MESSAGES: Record<ActivityCancellationReason, string> = {
  CANCELLED: "Activity cancelled: the workflow requested it",
  NOT_FOUND:
    "Activity cancelled: the server no longer knows this attempt (it timed out or its workflow closed)",
  PAUSED: "Activity cancelled: the activity was paused",
  RESET: "Activity cancelled: the activity was reset",
  WORKER_SHUTDOWN: "Activity cancelled: the worker is shutting down",
};

interface Running {
  readonly info: ActivityInfo;
  cancel(reason: ActivityCancellationReason): void;
}

/** Runs activity tasks and reports their outcome to the server. */
export class ActivityExecutor {
  readonly #options: ActivityExecutorOptions;
  readonly #shutdown = new AbortController();
  readonly #running = new Set<Running>();

  constructor(options: ActivityExecutorOptions) {
    this.#options = options;
  }

  /** Activities running now. */
  get running(): number {
    return this.#running.size;
  }

  /** The signal behind every activity's `workerShutdownSignal`. */
  get shutdownSignal(): AbortSignal {
    return this.#shutdown.signal;
  }

  /** Fires every activity's `workerShutdownSignal` (and that of activities started later). */
  notifyShutdown(): void {
    this.#shutdown.abort();
  }

  /** Cancels every running activity with `reason`. */
  cancelAll(reason: ActivityCancellationReason): void {
    for (const running of this.#running) running.cancel(reason);
  }

  /** Runs one task to its end, reporting the outcome. Never rejects. */
  async execute(task: PollActivityTaskQueueResponse): Promise<void> {
    const { service, namespace, identity, dataConverter, logger } = this.#options;
    const activityType = task.activityType?.name ?? "";
    const cancel = new AbortController();
    let reason: ActivityCancellationReason | undefined;
    const doCancel = (why: ActivityCancellationReason) => {
      if (cancel.signal.aborted) return;
      reason = why;
      cancel.abort(new CancelledFailure(CANCEL_MESSAGES[why]));
    };
    const heartbeatTimeoutMs = protoDurationToMs(task.heartbeatTimeout);
    const heartbeater = new Heartbeater({
      service,
      namespace,
      identity,
      taskToken: task.taskToken,
      throttleMs: heartbeatThrottleMs(heartbeatTimeoutMs),
      dataConverter,
      onCancel: doCancel,
      onError: (error) =>
        logger.warn("Activity heartbeat failed", { activityType, activityId: task.activityId, error }),
    });
    const base = activityInfo(task, this.#options.taskQueue, namespace, heartbeatTimeoutMs);
    const running: Running = { info: base, cancel: doCancel };
    this.#running.add(running);
    try {
      let result: unknown;
      let error: unknown;
      let failed = false;
      try {
        result = await this.#run(task, base, heartbeater, cancel.signal, () => reason);
      } catch (thrown) {
        failed = true;
        error = thrown;
      }
      if (!failed) {
        heartbeater.stop();
        await this.#complete(task, result);
      } else if (error instanceof CompleteAsyncError) {
        await heartbeater.flush();
        heartbeater.stop();
      } else if (reason === ActivityCancellationReason.CANCELLED && isCancellation(error, cancel.signal)) {
        await heartbeater.flush();
        heartbeater.stop();
        await this.#reportCancelled(task, error);
      } else {
        heartbeater.stop();
        if (reason === ActivityCancellationReason.WORKER_SHUTDOWN && isCancellation(error, cancel.signal)) {
          error = new ApplicationFailure(CANCEL_MESSAGES.WORKER_SHUTDOWN, {
            type: "WorkerShutdown",
            cause: error instanceof Error ? error : undefined,
          });
        }
        await this.#fail(task, error, heartbeater);
      }
    } catch (error) {
      logger.error("Cannot report the outcome of an activity", {
        activityType,
        activityId: task.activityId,
        error,
      });
    } finally {
      heartbeater.stop();
      this.#running.delete(running);
    }
  }

  async #run(
    task: PollActivityTaskQueueResponse,
    base: ActivityInfo,
    heartbeater: Heartbeater,
    cancellationSignal: AbortSignal,
    reason: () => ActivityCancellationReason | undefined,
  ): Promise<unknown> {
    const { activities, dataConverter, interceptors, client } = this.#options;
    const fn = activities.get(base.activityType);
    if (fn === undefined) {
      const known = [...activities.keys()].sort().join(", ") || "none";
      throw new ApplicationFailure(
        `Activity type '${base.activityType}' is not registered on this worker (registered: ${known}); ` +
          "add it to the worker's activities",
        { type: "NotFoundError" },
      );
    }
    const heartbeatDetails = await decodeValues(dataConverter, task.heartbeatDetails?.payloads);
    const args = await decodeValues(dataConverter, task.input?.payloads);
    const info: ActivityInfo = Object.freeze({ ...base, heartbeatDetails: Object.freeze(heartbeatDetails) });
    const context = new ActivityContext({
      info,
      heartbeat: (details) => heartbeater.record(details),
      cancellationSignal,
      cancellationReason: reason,
      workerShutdownSignal: this.#shutdown.signal,
      ...(client === undefined ? {} : { client }),
    });
    const headers = task.header?.fields ?? {};
    return await runInActivityContext(context, () => {
      const call = composeActivityInterceptors(interceptors, async (input) => await fn(...input.args));
      return call({ args, headers });
    });
  }

  async #complete(task: PollActivityTaskQueueResponse, result: unknown): Promise<void> {
    const { service, namespace, identity, dataConverter } = this.#options;
    let payloads;
    try {
      payloads = await encode(dataConverter, toPayloadsSync(dataConverter, [result]));
    } catch (error) {
      // The result cannot be sent: fail the attempt with the conversion error instead.
      await this.#fail(task, error, undefined);
      return;
    }
    await this.#ignoreGone(service.respondActivityTaskCompleted({
      namespace,
      taskToken: task.taskToken,
      identity,
      result: { payloads },
    }));
  }

  async #fail(
    task: PollActivityTaskQueueResponse,
    error: unknown,
    heartbeater: Heartbeater | undefined,
  ): Promise<void> {
    const { service, namespace, identity, dataConverter } = this.#options;
    let failure = await errorToEncodedFailure(dataConverter, error);
    if (failure.failureInfo?.case !== "applicationFailureInfo") {
      // The server takes only application failures from activities: wrap the others (e.g. a
      // CancelledFailure after a timeout or a pause) as their cause.
      const name = error instanceof Error ? error.name : "Error";
      failure = await errorToEncodedFailure(
        dataConverter,
        new ApplicationFailure(failure.message, {
          type: name,
          cause: error instanceof Error ? error : undefined,
        }),
      );
    }
    const last = heartbeater?.lastPayloads;
    await this.#ignoreGone(service.respondActivityTaskFailed({
      namespace,
      taskToken: task.taskToken,
      identity,
      failure,
      ...(last === undefined
        ? {}
        : { lastHeartbeatDetails: { payloads: await encode(dataConverter, last) } }),
    }));
  }

  async #reportCancelled(task: PollActivityTaskQueueResponse, error: unknown): Promise<void> {
    const { service, namespace, identity, dataConverter } = this.#options;
    const details = error instanceof CancelledFailure ? error.details : [];
    await this.#ignoreGone(service.respondActivityTaskCanceled({
      namespace,
      taskToken: task.taskToken,
      identity,
      details: { payloads: await encode(dataConverter, toPayloadsSync(dataConverter, details)) },
    }));
  }

  /** A NOT_FOUND answer means the attempt already ended (timed out, workflow closed): nothing to do. */
  async #ignoreGone(call: Promise<unknown>): Promise<void> {
    try {
      await call;
    } catch (error) {
      if (error instanceof RPCError && error.code === RPCCode.NOT_FOUND) {
        this.#options.logger.debug("Activity outcome not recorded: the attempt already ended", { error });
        return;
      }
      throw error;
    }
  }
}

/** Whether `error` is how an activity gives up after its cancellation signal fired. */
function isCancellation(error: unknown, signal: AbortSignal): boolean {
  if (!signal.aborted) return false;
  if (error === signal.reason || error instanceof CancelledFailure) return true;
  return typeof error === "object" && error !== null && (error as { name?: unknown }).name === "AbortError";
}

function activityInfo(
  task: PollActivityTaskQueueResponse,
  taskQueue: string,
  namespace: string,
  heartbeatTimeoutMs: number | undefined,
): ActivityInfo {
  const date = (timestamp: Parameters<typeof timestampDate>[0] | undefined) =>
    timestamp === undefined ? undefined : timestampDate(timestamp);
  return {
    activityId: task.activityId,
    activityType: task.activityType?.name ?? "",
    taskToken: task.taskToken,
    attempt: task.attempt,
    namespace,
    taskQueue,
    workflowExecution: Object.freeze({
      workflowId: task.workflowExecution?.workflowId ?? "",
      runId: task.workflowExecution?.runId ?? "",
    }),
    workflowType: task.workflowType?.name ?? "",
    workflowNamespace: task.workflowNamespace,
    scheduledTime: date(task.scheduledTime),
    currentAttemptScheduledTime: date(task.currentAttemptScheduledTime),
    startedTime: date(task.startedTime),
    scheduleToCloseTimeoutMs: positive(protoDurationToMs(task.scheduleToCloseTimeout)),
    startToCloseTimeoutMs: positive(protoDurationToMs(task.startToCloseTimeout)),
    heartbeatTimeoutMs: positive(heartbeatTimeoutMs),
    heartbeatDetails: [],
    isLocal: false,
  };
}

function positive(ms: number | undefined): number | undefined {
  return ms === undefined || ms <= 0 ? undefined : ms;
}
