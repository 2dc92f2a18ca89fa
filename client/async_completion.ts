/**
 * Asynchronous activity completion: an activity that returned without a result (its worker said
 * it will complete asynchronously) is heartbeated, completed, failed or reported cancelled from
 * elsewhere, by its task token or by workflow id, run id and activity id.
 *
 * @module
 */

import { callOptions, type ClientContext, rpcOptionsOf } from "./_context.ts";
import { encodeValues, errorToFailure } from "./_data.ts";
import type { RpcOptions } from "./types.ts";

/** Which activity: by task token, or by workflow id, optional run id and activity id. */
export type AsyncActivityTarget =
  | { readonly taskToken: Uint8Array }
  | { readonly workflowId: string; readonly runId?: string; readonly activityId: string };

/** What a heartbeat learns from the server. */
export interface AsyncActivityHeartbeatResult {
  /** The workflow asked for the activity's cancellation: report it with `reportCancellation`. */
  readonly cancelRequested: boolean;
  /** The activity was paused. */
  readonly activityPaused: boolean;
  /** The activity was reset. */
  readonly activityReset: boolean;
}

/** Input of the `heartbeatAsyncActivity` call. */
export interface HeartbeatAsyncActivityInput extends RpcOptions {
  readonly target: AsyncActivityTarget;
  readonly details: readonly unknown[];
}

/** Input of the `completeAsyncActivity` call. */
export interface CompleteAsyncActivityInput extends RpcOptions {
  readonly target: AsyncActivityTarget;
  readonly result: unknown;
}

/** Input of the `failAsyncActivity` call. */
export interface FailAsyncActivityInput extends RpcOptions {
  readonly target: AsyncActivityTarget;
  readonly error: unknown;
  readonly lastHeartbeatDetails: readonly unknown[];
}

/** Input of the `reportCancellationAsyncActivity` call. */
export interface ReportCancellationAsyncActivityInput extends RpcOptions {
  readonly target: AsyncActivityTarget;
  readonly details: readonly unknown[];
}

/** The interceptable async-activity calls: `[input, output]`. */
export interface AsyncActivityCalls {
  heartbeatAsyncActivity: [HeartbeatAsyncActivityInput, AsyncActivityHeartbeatResult];
  completeAsyncActivity: [CompleteAsyncActivityInput, void];
  failAsyncActivity: [FailAsyncActivityInput, void];
  reportCancellationAsyncActivity: [ReportCancellationAsyncActivityInput, void];
}

function validateTarget(target: AsyncActivityTarget): void {
  if (typeof target !== "object" || target === null) {
    throw new TypeError("Missing activity: pass { taskToken } or { workflowId, runId?, activityId }");
  }
  if ("taskToken" in target) {
    if (!(target.taskToken instanceof Uint8Array) || target.taskToken.length === 0) {
      throw new TypeError("Invalid taskToken: expected the non-empty Uint8Array the activity's info carries");
    }
    if ("workflowId" in target || "activityId" in target) {
      throw new TypeError("Invalid activity: give either taskToken or workflowId and activityId, not both");
    }
    return;
  }
  for (const key of ["workflowId", "activityId"] as const) {
    const value = (target as Record<string, unknown>)[key];
    if (typeof value !== "string" || value === "") {
      throw new TypeError(`Missing ${key}: expected a non-empty string, got '${String(value)}'`);
    }
  }
}

function byId(ctx: ClientContext, target: AsyncActivityTarget) {
  const t = target as { workflowId: string; runId?: string; activityId: string };
  return {
    namespace: ctx.namespace,
    workflowId: t.workflowId,
    runId: t.runId ?? "",
    activityId: t.activityId,
  };
}

/**
 * A handle to an activity completed from outside its worker.
 *
 * @example
 * ```ts
 * // In the activity: remember info.taskToken, then throw/return as the worker's API says.
 * const handle = client.getAsyncActivityHandle({ taskToken });
 * await handle.heartbeat(["halfway"]);
 * await handle.complete({ approved: true });
 * ```
 */
export class AsyncActivityHandle {
  /** The activity this handle acts on. */
  readonly target: AsyncActivityTarget;
  readonly #ctx: ClientContext;

  /** @internal Made by `client.getAsyncActivityHandle`. */
  constructor(ctx: ClientContext, target: AsyncActivityTarget) {
    validateTarget(target);
    this.#ctx = ctx;
    this.target = target;
  }

  /** Records a heartbeat with details; tells whether cancellation was requested. */
  heartbeat(details: unknown[] = [], options: RpcOptions = {}): Promise<AsyncActivityHeartbeatResult> {
    return this.#ctx.invoke("heartbeatAsyncActivity", {
      ...rpcOptionsOf(options),
      target: this.target,
      details,
    });
  }

  /** Completes the activity with a result. */
  complete(result?: unknown, options: RpcOptions = {}): Promise<void> {
    return this.#ctx.invoke("completeAsyncActivity", {
      ...rpcOptionsOf(options),
      target: this.target,
      result,
    });
  }

  /** Fails the activity with an error (converted to a failure; retried per the activity's policy). */
  fail(error: unknown, options: RpcOptions & { lastHeartbeatDetails?: unknown[] } = {}): Promise<void> {
    return this.#ctx.invoke("failAsyncActivity", {
      ...rpcOptionsOf(options),
      target: this.target,
      error,
      lastHeartbeatDetails: options.lastHeartbeatDetails ?? [],
    });
  }

  /** Reports that the activity was cancelled (after a heartbeat said cancellation was requested). */
  reportCancellation(details: unknown[] = [], options: RpcOptions = {}): Promise<void> {
    return this.#ctx.invoke("reportCancellationAsyncActivity", {
      ...rpcOptionsOf(options),
      target: this.target,
      details,
    });
  }
}

/** The implementations of the async-activity calls. */
export const asyncActivityCalls = {
  async heartbeatAsyncActivity(ctx: ClientContext, input: HeartbeatAsyncActivityInput) {
    const details = { payloads: await encodeValues(ctx.dataConverter, input.details) };
    const response = "taskToken" in input.target
      ? await ctx.workflowService.recordActivityTaskHeartbeat(
        { namespace: ctx.namespace, taskToken: input.target.taskToken, details, identity: ctx.identity },
        callOptions(input),
      )
      : await ctx.workflowService.recordActivityTaskHeartbeatById(
        { ...byId(ctx, input.target), details, identity: ctx.identity },
        callOptions(input),
      );
    return {
      cancelRequested: response.cancelRequested,
      activityPaused: response.activityPaused,
      activityReset: response.activityReset,
    };
  },
  async completeAsyncActivity(ctx: ClientContext, input: CompleteAsyncActivityInput) {
    const result = { payloads: await encodeValues(ctx.dataConverter, [input.result]) };
    if ("taskToken" in input.target) {
      await ctx.workflowService.respondActivityTaskCompleted(
        { namespace: ctx.namespace, taskToken: input.target.taskToken, result, identity: ctx.identity },
        callOptions(input),
      );
    } else {
      await ctx.workflowService.respondActivityTaskCompletedById(
        { ...byId(ctx, input.target), result, identity: ctx.identity },
        callOptions(input),
      );
    }
  },
  async failAsyncActivity(ctx: ClientContext, input: FailAsyncActivityInput) {
    const failure = await errorToFailure(ctx.dataConverter, input.error);
    const lastHeartbeatDetails = input.lastHeartbeatDetails.length === 0
      ? undefined
      : { payloads: await encodeValues(ctx.dataConverter, input.lastHeartbeatDetails) };
    if ("taskToken" in input.target) {
      await ctx.workflowService.respondActivityTaskFailed(
        {
          namespace: ctx.namespace,
          taskToken: input.target.taskToken,
          failure,
          lastHeartbeatDetails,
          identity: ctx.identity,
        },
        callOptions(input),
      );
    } else {
      await ctx.workflowService.respondActivityTaskFailedById(
        { ...byId(ctx, input.target), failure, lastHeartbeatDetails, identity: ctx.identity },
        callOptions(input),
      );
    }
  },
  async reportCancellationAsyncActivity(ctx: ClientContext, input: ReportCancellationAsyncActivityInput) {
    const details = { payloads: await encodeValues(ctx.dataConverter, input.details) };
    if ("taskToken" in input.target) {
      await ctx.workflowService.respondActivityTaskCanceled(
        { namespace: ctx.namespace, taskToken: input.target.taskToken, details, identity: ctx.identity },
        callOptions(input),
      );
    } else {
      await ctx.workflowService.respondActivityTaskCanceledById(
        { ...byId(ctx, input.target), details, identity: ctx.identity },
        callOptions(input),
      );
    }
  },
};
