/**
 * Shorthands for the current activity's context: `info()`, `heartbeat()`, `cancellationSignal()`,
 * `cancelled()`, `workerShutdownSignal()`, `sleep()`. Each throws when called outside an activity.
 *
 * @module
 */

import type { Client } from "../../client/client.ts";
import { type ActivityCancellationReason, activityContext } from "./activity_context.ts";
import type { ActivityInfo } from "./activity_info.ts";

/**
 * The running activity's info.
 *
 * @example
 * ```ts
 * const { attempt, heartbeatDetails } = info();
 * ```
 */
export function info(): ActivityInfo {
  return activityContext().info;
}

/**
 * Records a heartbeat with optional details (kept for the next attempt); cancellation is learnt
 * from heartbeat responses.
 *
 * @example
 * ```ts
 * for (let i = (info().heartbeatDetails[0] as number | undefined) ?? 0; i < 100; i++) {
 *   await step(i);
 *   heartbeat(i);
 * }
 * ```
 */
export function heartbeat(...details: unknown[]): void {
  activityContext().heartbeat(...details);
}

/**
 * The signal that fires when the activity is cancelled; pass it to `fetch` and other APIs.
 *
 * @example
 * ```ts
 * const response = await fetch(url, { signal: cancellationSignal() });
 * ```
 */
export function cancellationSignal(): AbortSignal {
  return activityContext().cancellationSignal;
}

/**
 * A promise that rejects with a `CancelledFailure` when the activity is cancelled.
 *
 * @example
 * ```ts
 * await Promise.race([work(), cancelled()]);
 * ```
 */
export function cancelled(): Promise<never> {
  return activityContext().cancelled;
}

/**
 * Why the activity was cancelled, or `undefined` while it is not.
 *
 * @example
 * ```ts
 * if (cancellationReason() === "WORKER_SHUTDOWN") await saveProgress();
 * ```
 */
export function cancellationReason(): ActivityCancellationReason | undefined {
  return activityContext().cancellationReason;
}

/**
 * The signal that fires when the worker begins a graceful shutdown (before any cancellation).
 *
 * @example
 * ```ts
 * workerShutdownSignal().addEventListener("abort", () => checkpoint());
 * ```
 */
export function workerShutdownSignal(): AbortSignal {
  return activityContext().workerShutdownSignal;
}

/**
 * Waits `ms` milliseconds, rejecting with a `CancelledFailure` if the activity is cancelled.
 *
 * @example
 * ```ts
 * await sleep(1_000);
 * ```
 */
export function sleep(ms: number): Promise<void> {
  return activityContext().sleep(ms);
}

/**
 * The worker's client.
 *
 * @example
 * ```ts
 * await client().getWorkflowHandle("order-42").signal("paid");
 * ```
 */
export function client(): Client {
  return activityContext().client;
}
