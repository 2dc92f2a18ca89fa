/**
 * Activities from workflow code: `proxyActivities`, `executeActivity`, `startActivity` and their
 * local counterparts. Activities run on the host; the workflow schedules them with commands.
 *
 * @module
 */

import { type Duration, optionalDurationToMs } from "../../common/duration.ts";
import { CancelledFailure } from "../../common/failures.ts";
import type { PayloadJson, ScheduleActivityCommand, ScheduleLocalActivityCommand } from "../protocol.ts";
import { CancellationScope } from "./cancellation_scope.ts";
import { type Activator, LocalActivityBackoff } from "./internal/activator.ts";
import { activator } from "./internal/context.ts";
import { toPayloadJson, toPayloadsJson } from "./internal/converter.ts";
import { runOutbound } from "./internal/interceptor_chain.ts";
import { retryPolicyToJson } from "./internal/values.ts";
import type { ActivityOptions, LocalActivityOptions } from "./types.ts";

// deno-lint-ignore no-explicit-any
type AnyFunction = (...args: any[]) => any;

/** An activity function's signature, as a workflow calls it (always async). */
export type ActivityFunction<F extends AnyFunction> = (
  ...args: Parameters<F>
) => Promise<Awaited<ReturnType<F>>>;

/** The typed activities object returned by {@linkcode proxyActivities}. */
export type ActivityInterfaceFor<A> = {
  [K in keyof A]: A[K] extends AnyFunction ? ActivityFunction<A[K]> : never;
};

/** A started activity: its id, its result, and a way to cancel only it. */
export interface ActivityHandle<R> {
  /** The activity id. */
  readonly activityId: string;
  /** Resolves with the result, or rejects with an `ActivityFailure`. */
  result(): Promise<R>;
  /** Requests cancellation of this activity (as its `cancellationType` says). */
  cancel(): void;
}

function activityTypeName(activity: string | AnyFunction): string {
  if (typeof activity === "string") return activity;
  if (typeof activity === "function" && activity.name) return activity.name;
  throw new TypeError(
    `Invalid activity '${String(activity)}': pass the activity type name or a named function`,
  );
}

function requireTimeouts(
  options: { startToCloseTimeout?: Duration; scheduleToCloseTimeout?: Duration },
  type: string,
): void {
  if (options.startToCloseTimeout === undefined && options.scheduleToCloseTimeout === undefined) {
    throw new TypeError(
      `Activity '${type}' has no timeout: set 'startToCloseTimeout' or 'scheduleToCloseTimeout' in its options`,
    );
  }
}

function summaryJson(summary: string | undefined) {
  return summary === undefined ? {} : { summary: toPayloadJson(summary) };
}

function prune<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

interface Scheduled {
  activityId: string;
  promise: Promise<unknown>;
  cancel: () => void;
}

/** Schedules one activity (or one local activity attempt) in `scope`. */
function schedule(
  run: Activator,
  scope: CancellationScope,
  build: (seq: number) => ScheduleActivityCommand | ScheduleLocalActivityCommand,
): Scheduled {
  run.assertWritable("scheduleActivity");
  const seq = run.nextSeq("activity");
  const command = build(seq);
  const cancelKind = command.kind === "scheduleActivity"
    ? "requestCancelActivity"
    : "requestCancelLocalActivity";
  let cancel = () => {};
  const promise = new Promise<unknown>((resolve, reject) => {
    if (scope.consideredCancelled) {
      reject(scope.cancellationReason ?? new CancelledFailure("Activity cancelled before it was scheduled"));
      return;
    }
    run.pushCommand(command);
    let requested = false;
    cancel = () => {
      if (requested || !run.pending.activity.has(seq)) return;
      requested = true;
      run.pushCommand({ kind: cancelKind, seq });
    };
    const unsubscribe = scope.onCancel(cancel);
    run.pending.activity.set(seq, {
      resolve: (value) => {
        unsubscribe();
        resolve(value);
      },
      reject: (error) => {
        unsubscribe();
        reject(error);
      },
    });
  });
  return { activityId: command.activityId, promise, cancel: () => cancel() };
}

/**
 * Starts an activity and returns its handle.
 *
 * @param activity The activity type name, or a function whose name is the type.
 * @param options Activity options and the arguments (`args`).
 *
 * @example
 * ```ts
 * import type * as activities from "./activities.ts";
 * const handle = startActivity<typeof activities.charge>("charge", { args: [order], startToCloseTimeout: "1m" });
 * const receipt = await handle.result();
 * ```
 */
export function startActivity<F extends AnyFunction = AnyFunction>(
  activity: string | F,
  options: ActivityOptions & { args?: Parameters<F> },
): ActivityHandle<Awaited<ReturnType<F>>> {
  const run = activator();
  const type = activityTypeName(activity);
  requireTimeouts(options, type);
  const scope = CancellationScope.current();
  const intercepted = runOutbound(
    run,
    "scheduleActivity",
    { activityType: type, args: options.args ?? [], options, headers: {} },
    (input) => {
      const scheduled = scheduleActivity(
        run,
        scope,
        input.activityType,
        input.options,
        input.args,
        input.headers,
      );
      return { promise: scheduled.promise, extra: scheduled };
    },
    true,
  );
  const scheduled = intercepted.extra as Scheduled;
  return {
    activityId: scheduled.activityId,
    result: () => intercepted.promise as Promise<Awaited<ReturnType<F>>>,
    cancel: scheduled.cancel,
  };
}

function scheduleActivity(
  run: Activator,
  scope: CancellationScope,
  type: string,
  options: ActivityOptions,
  args: readonly unknown[],
  headers: Readonly<Record<string, PayloadJson>>,
): Scheduled {
  return schedule(run, scope, (seq) =>
    prune(
      {
        kind: "scheduleActivity",
        seq,
        activityId: options.activityId ?? String(seq),
        activityType: type,
        taskQueue: options.taskQueue ?? run.info.taskQueue,
        ...(Object.keys(headers).length === 0 ? {} : { headers: { ...headers } }),
        args: toPayloadsJson(args),
        scheduleToCloseTimeoutMs: optionalDurationToMs(options.scheduleToCloseTimeout),
        scheduleToStartTimeoutMs: optionalDurationToMs(options.scheduleToStartTimeout),
        startToCloseTimeoutMs: optionalDurationToMs(options.startToCloseTimeout),
        heartbeatTimeoutMs: optionalDurationToMs(options.heartbeatTimeout),
        retryPolicy: options.retry === undefined ? undefined : retryPolicyToJson(options.retry),
        cancellationType: options.cancellationType ?? "TRY_CANCEL",
        doNotEagerlyExecute: options.allowEagerDispatch === false,
        versioningIntent: options.versioningIntent,
        priority: options.priority,
        ...summaryJson(options.summary),
      } satisfies ScheduleActivityCommand,
    ));
}

/**
 * Runs an activity and waits for its result.
 *
 * @example
 * ```ts
 * const receipt = await executeActivity<typeof activities.charge>("charge", { args: [order], startToCloseTimeout: "1m" });
 * ```
 */
export function executeActivity<F extends AnyFunction = AnyFunction>(
  activity: string | F,
  options: ActivityOptions & { args?: Parameters<F> },
): Promise<Awaited<ReturnType<F>>> {
  try {
    return startActivity(activity, options).result();
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * Starts a local activity (run by this worker within the workflow task, recorded as a marker)
 * and returns its handle. Retries with a long backoff wait on a durable timer.
 *
 * @example
 * ```ts
 * const h = startLocalActivity<typeof activities.lookup>("lookup", { args: [id], startToCloseTimeout: "5s" });
 * ```
 */
export function startLocalActivity<F extends AnyFunction = AnyFunction>(
  activity: string | F,
  options: LocalActivityOptions & { args?: Parameters<F> },
): ActivityHandle<Awaited<ReturnType<F>>> {
  const run = activator();
  const type = activityTypeName(activity);
  requireTimeouts(options, type);
  const scope = CancellationScope.current();
  const intercepted = runOutbound(
    run,
    "scheduleLocalActivity",
    { activityType: type, args: options.args ?? [], options, headers: {} },
    (input) => {
      const started = scheduleLocalActivity(
        run,
        scope,
        input.activityType,
        input.options,
        input.args,
        input.headers,
      );
      return { promise: started.result, extra: started };
    },
    true,
  );
  const started = intercepted.extra as ReturnType<typeof scheduleLocalActivity>;
  const result = intercepted.promise;
  result.catch(() => undefined);
  return {
    activityId: started.activityId,
    result: () => result as Promise<Awaited<ReturnType<F>>>,
    cancel: started.cancel,
  };
}

function scheduleLocalActivity(
  run: Activator,
  scope: CancellationScope,
  type: string,
  options: LocalActivityOptions,
  values: readonly unknown[],
  headers: Readonly<Record<string, PayloadJson>>,
): { activityId: string; result: Promise<unknown>; cancel: () => void } {
  const args = toPayloadsJson(values);
  let current: Scheduled | undefined;
  let cancelled = false;
  let activityId = options.activityId;
  const attempt = (number: number, originalScheduleTime: number | undefined): Scheduled =>
    schedule(run, scope, (seq) => {
      activityId ??= String(seq);
      return prune(
        {
          kind: "scheduleLocalActivity",
          seq,
          activityId,
          activityType: type,
          attempt: number,
          originalScheduleTime,
          ...(Object.keys(headers).length === 0 ? {} : { headers: { ...headers } }),
          args,
          scheduleToCloseTimeoutMs: optionalDurationToMs(options.scheduleToCloseTimeout),
          scheduleToStartTimeoutMs: optionalDurationToMs(options.scheduleToStartTimeout),
          startToCloseTimeoutMs: optionalDurationToMs(options.startToCloseTimeout),
          retryPolicy: options.retry === undefined ? undefined : retryPolicyToJson(options.retry),
          localRetryThresholdMs: optionalDurationToMs(options.localRetryThreshold),
          cancellationType: options.cancellationType ?? "TRY_CANCEL",
          ...summaryJson(options.summary),
        } satisfies ScheduleLocalActivityCommand,
      );
    });
  current = attempt(1, undefined);
  const first = current;
  const loop = async (): Promise<unknown> => {
    for (;;) {
      try {
        return await (current as Scheduled).promise;
      } catch (error) {
        if (!(error instanceof LocalActivityBackoff) || cancelled) throw error;
        await run.startTimer(error.backoffMs, scope).promise;
        current = attempt(error.attempt, error.originalScheduleTime);
      }
    }
  };
  const result = loop();
  result.catch(() => undefined);
  return {
    activityId: first.activityId,
    result,
    cancel: () => {
      cancelled = true;
      current?.cancel();
    },
  };
}

/**
 * Runs a local activity and waits for its result.
 *
 * @example
 * ```ts
 * const user = await executeLocalActivity<typeof activities.lookup>("lookup", { args: [id], startToCloseTimeout: "5s" });
 * ```
 */
export function executeLocalActivity<F extends AnyFunction = AnyFunction>(
  activity: string | F,
  options: LocalActivityOptions & { args?: Parameters<F> },
): Promise<Awaited<ReturnType<F>>> {
  try {
    return startLocalActivity(activity, options).result();
  } catch (error) {
    return Promise.reject(error);
  }
}

/**
 * A typed object whose methods run the activities of type `A` with `options`.
 *
 * @example
 * ```ts
 * import type * as activities from "./activities.ts";
 * const { greet } = proxyActivities<typeof activities>({ startToCloseTimeout: "1 minute" });
 * const text: string = await greet("Ada");
 * ```
 */
export function proxyActivities<A = Record<string, AnyFunction>>(
  options: ActivityOptions,
): ActivityInterfaceFor<A> {
  requireTimeouts(options, "(proxyActivities)");
  return proxy((type, args) => executeActivity(type, { ...options, args }));
}

/**
 * Like {@linkcode proxyActivities}, for local activities.
 *
 * @example
 * ```ts
 * const { lookup } = proxyLocalActivities<typeof activities>({ startToCloseTimeout: "5s" });
 * ```
 */
export function proxyLocalActivities<A = Record<string, AnyFunction>>(
  options: LocalActivityOptions,
): ActivityInterfaceFor<A> {
  requireTimeouts(options, "(proxyLocalActivities)");
  return proxy((type, args) => executeLocalActivity(type, { ...options, args }));
}

function proxy<A>(call: (type: string, args: unknown[]) => Promise<unknown>): ActivityInterfaceFor<A> {
  return new Proxy({} as ActivityInterfaceFor<A>, {
    get(_target, property) {
      if (typeof property !== "string") return undefined;
      if (property === "then") return undefined;
      return (...args: unknown[]) => call(property, args);
    },
  });
}
