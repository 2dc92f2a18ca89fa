/**
 * Workflows for the activity tests that run through the whole worker (engine, sandbox,
 * activities). Bundled by the worker; never imported by the host.
 */
import {
  type ActivityCancellationType,
  ActivityFailure,
  CancelledFailure,
  condition,
  defineSignal,
  type Duration,
  executeActivity,
  executeLocalActivity,
  setHandler,
  startActivity,
  TimeoutFailure,
} from "../../sandbox/workflow/mod.ts";

/** Runs an activity that fails; the failure is not caught. */
export async function failingActivity(): Promise<unknown> {
  return await executeActivity("failWithDetails", {
    startToCloseTimeout: "10s",
    retry: { maximumAttempts: 1 },
  });
}

/** Runs an activity that succeeds on its third attempt. */
export async function retryingActivity(): Promise<string> {
  return await executeActivity("succeedOnThird", {
    startToCloseTimeout: "10s",
    retry: { initialInterval: "100ms", backoffCoefficient: 1, maximumAttempts: 5 },
  });
}

/** Runs an activity that outlives its start-to-close timeout; returns the timeout type seen. */
export async function timingOutActivity(): Promise<string> {
  try {
    await executeActivity("outlivesTimeout", { startToCloseTimeout: "1s", retry: { maximumAttempts: 1 } });
    return "completed";
  } catch (error) {
    if (error instanceof ActivityFailure && error.cause instanceof TimeoutFailure) {
      return error.cause.timeoutType;
    }
    throw error;
  }
}

export const activityStarted = defineSignal("activityStarted");

/**
 * Starts an activity, waits for it to say it started, cancels it with `cancellationType`, and
 * returns how the activity's result settled.
 */
export async function cancelActivity(cancellationType: ActivityCancellationType): Promise<string> {
  let started = false;
  setHandler(activityStarted, () => {
    started = true;
  });
  const handle = startActivity("waitForCancel", {
    args: [cancellationType],
    startToCloseTimeout: "60s",
    heartbeatTimeout: "2s",
    cancellationType,
    retry: { maximumAttempts: 1 },
  });
  await condition(() => started);
  handle.cancel();
  try {
    await handle.result();
    return "completed";
  } catch (error) {
    if (error instanceof ActivityFailure && error.cause instanceof CancelledFailure) return "cancelled";
    if (error instanceof CancelledFailure) return "cancelled";
    throw error;
  }
}

/** Runs a local activity, then a flaky one retried locally; returns both results. */
export async function localActivities(name: string): Promise<string[]> {
  const greeting = await executeLocalActivity<(name: string) => string>("localGreet", {
    args: [name],
    startToCloseTimeout: "5s",
  });
  const attempts = await executeLocalActivity<() => number>("flakyLocal", {
    startToCloseTimeout: "5s",
    retry: { initialInterval: "50ms", backoffCoefficient: 1, maximumAttempts: 5 },
  });
  return [greeting, String(attempts)];
}

/** Runs a local activity that always fails with details; returns what the workflow saw. */
export async function failingLocalActivity(): Promise<unknown> {
  try {
    await executeLocalActivity("failWithDetails", {
      startToCloseTimeout: "5s",
      retry: { maximumAttempts: 2, initialInterval: "10ms" },
    });
    return "completed";
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    const cause = error.cause as { name?: string; message?: string; details?: unknown } | undefined;
    return { failure: error.name, cause: cause?.name, message: cause?.message, details: cause?.details };
  }
}

/** How {@linkcode runActivity} schedules its one activity. */
export interface OneActivityOptions {
  activityType: string;
  args?: unknown[];
  startToCloseTimeout?: Duration;
  scheduleToCloseTimeout?: Duration;
  heartbeatTimeout?: Duration;
  /** Default: 1 (no retries); 0 is unlimited. */
  maximumAttempts?: number;
  /** Default: 100 ms, with a backoff coefficient of 1. */
  initialInterval?: Duration;
}

/** Makes {@linkcode runActivity} cancel its activity (and wait until the activity has handled it). */
export const cancelTheActivity = defineSignal("cancelTheActivity");

/**
 * Schedules one activity and returns once it closed, however it closed (completed, failed, timed
 * out, or cancelled on the `cancelTheActivity` signal): the tests read the outcome from history.
 */
export async function runActivity(options: OneActivityOptions): Promise<string> {
  let cancelRequested = false;
  setHandler(cancelTheActivity, () => {
    cancelRequested = true;
  });
  const handle = startActivity(options.activityType, {
    args: options.args ?? [],
    ...(options.startToCloseTimeout === undefined
      ? {}
      : { startToCloseTimeout: options.startToCloseTimeout }),
    ...(options.scheduleToCloseTimeout === undefined
      ? {}
      : { scheduleToCloseTimeout: options.scheduleToCloseTimeout }),
    ...(options.heartbeatTimeout === undefined ? {} : { heartbeatTimeout: options.heartbeatTimeout }),
    retry: {
      maximumAttempts: options.maximumAttempts ?? 1,
      initialInterval: options.initialInterval ?? 100,
      backoffCoefficient: 1,
    },
    cancellationType: "WAIT_CANCELLATION_COMPLETED",
  });
  let closed = false;
  const outcome = handle.result().then(() => "completed", (error: unknown) => {
    if (error instanceof ActivityFailure || error instanceof CancelledFailure) return "closed unsuccessfully";
    throw error;
  }).finally(() => {
    closed = true;
  });
  await condition(() => closed || cancelRequested);
  if (!closed) handle.cancel();
  return await outcome;
}
