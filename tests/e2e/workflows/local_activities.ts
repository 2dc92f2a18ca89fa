/**
 * Workflows of the local activity tests (bundled by the worker, never imported by the host).
 */
import {
  ActivityFailure,
  ApplicationFailure,
  CancellationScope,
  executeLocalActivity,
  isCancellation,
  sleep,
  startLocalActivity,
  TimeoutFailure,
} from "../../../sandbox/workflow/mod.ts";

/** Runs `greet` locally, then sleeps so that a later workflow task replays the marker. */
export async function localGreeting(name: string): Promise<string> {
  const greeting = await executeLocalActivity<(name: string) => string>("greet", {
    args: [name],
    startToCloseTimeout: "5s",
  });
  await sleep(50);
  return greeting;
}

/** Runs `flaky` (fails until attempt 3) with short backoffs, retried inside the workflow task. */
export async function localRetries(key: string): Promise<number> {
  return await executeLocalActivity<(key: string) => number>("flaky", {
    args: [key],
    startToCloseTimeout: "5s",
    retry: { initialInterval: "50ms", backoffCoefficient: 1, maximumAttempts: 5 },
  });
}

/** Like `localRetries`, with a backoff longer than the local retry threshold: the workflow waits on a timer. */
export async function localTimerBackoff(key: string): Promise<number> {
  return await executeLocalActivity<(key: string) => number>("flaky", {
    args: [key],
    startToCloseTimeout: "5s",
    localRetryThreshold: "100ms",
    retry: { initialInterval: "300ms", backoffCoefficient: 1, maximumAttempts: 5 },
  });
}

/** Runs `slow` with a short start-to-close timeout; reports the timeout type. */
export async function localTimeout(): Promise<string> {
  try {
    await executeLocalActivity("slow", { startToCloseTimeout: "300ms", retry: { maximumAttempts: 1 } });
    return "completed";
  } catch (error) {
    if (error instanceof ActivityFailure && error.cause instanceof TimeoutFailure) {
      return error.cause.timeoutType;
    }
    throw error;
  }
}

/** A local activity whose failure is not retryable: the workflow sees the ActivityFailure. */
export async function localFailure(): Promise<Record<string, unknown>> {
  try {
    await executeLocalActivity("fail", { startToCloseTimeout: "5s" });
    return { failed: false };
  } catch (error) {
    if (!(error instanceof ActivityFailure)) throw error;
    return {
      failed: true,
      activityType: error.activityType,
      causeType: error.cause instanceof ApplicationFailure ? error.cause.type : undefined,
      causeMessage: error.cause?.message,
    };
  }
}

/** Starts `waitForCancel` locally and cancels its scope in the same activation. */
export async function localCancelled(): Promise<Record<string, unknown>> {
  const scope = new CancellationScope();
  const result = scope.run(async () => {
    const handle = startLocalActivity("waitForCancel", { startToCloseTimeout: "10s" });
    return await handle.result();
  });
  scope.cancel();
  try {
    await result;
    return { cancelled: false };
  } catch (error) {
    return { cancelled: isCancellation(error) };
  }
}

/** Runs `sleepFor` locally for longer than the workflow task timeout: the worker heartbeats the task. */
export async function localLong(key: string, ms: number): Promise<string> {
  return await executeLocalActivity<(key: string, ms: number) => string>("sleepFor", {
    args: [key, ms],
    startToCloseTimeout: "1 minute",
  });
}

/** Starts `waitForCancel` locally in a scope, and cancels the scope once another local activity ended. */
export async function localCancelRunning(key: string): Promise<Record<string, unknown>> {
  const scope = new CancellationScope();
  const waiting = scope.run(() =>
    executeLocalActivity("waitForCancel", { args: [key], startToCloseTimeout: "1 minute" })
  );
  await executeLocalActivity("sleepFor", { args: [key, 200], startToCloseTimeout: "10s" });
  scope.cancel();
  try {
    await waiting;
    return { cancelled: false };
  } catch (error) {
    return { cancelled: isCancellation(error) };
  }
}

/** Waits in `waitForCancel` until the workflow is cancelled; completes normally, reporting the cancellation. */
export async function localCancelledByRequest(key: string): Promise<string> {
  try {
    await executeLocalActivity("waitForCancel", { args: [key], startToCloseTimeout: "1 minute" });
    return "completed";
  } catch (error) {
    if (isCancellation(error)) return "cancelled";
    throw error;
  }
}
