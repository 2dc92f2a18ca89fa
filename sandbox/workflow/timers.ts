/**
 * Durable timers and conditions: `sleep` and `condition`.
 *
 * @module
 */

import { type Duration, durationToMs } from "../../common/duration.ts";
import { CancellationScope } from "./cancellation_scope.ts";
import { activator } from "./internal/context.ts";

/** Options of {@linkcode sleep}. */
export interface SleepOptions {
  /** A one-line summary of the timer shown in the UI. Default: none. */
  summary?: string;
}

/**
 * Waits for a durable timer (it survives worker restarts). Cancelling the current scope cancels
 * the timer and rejects with a `CancelledFailure`.
 *
 * @param duration Milliseconds or a string such as `"5s"` or `"1 day"` (at least 1 ms).
 *
 * @example
 * ```ts
 * await sleep("1 day");
 * ```
 */
export function sleep(duration: Duration, options: SleepOptions = {}): Promise<void> {
  const run = activator();
  return run.startTimer(durationToMs(duration), CancellationScope.current(), options.summary).promise;
}

/**
 * Waits until `fn()` returns true; with a `timeout`, resolves `false` if it did not become true
 * in time (and `true` if it did). `fn` must be synchronous and read-only; it is evaluated after
 * each activation job and whenever the workflow's promises have settled.
 *
 * @example
 * ```ts
 * await condition(() => approved);
 * if (!(await condition(() => approved, "1 hour"))) throw ApplicationFailure.create({ message: "Not approved in time" });
 * ```
 */
export function condition(fn: () => boolean, timeout: Duration): Promise<boolean>;
export function condition(fn: () => boolean): Promise<void>;
export function condition(fn: () => boolean, timeout?: Duration): Promise<void | boolean> {
  const run = activator();
  if (timeout === undefined) return run.waitCondition(fn, CancellationScope.current());
  const ms = durationToMs(timeout);
  return CancellationScope.cancellable(async () => {
    const scope = CancellationScope.current();
    try {
      return await Promise.race([
        run.startTimer(ms, scope).promise.then(() => false),
        run.waitCondition(fn, scope).then(() => true),
      ]);
    } finally {
      scope.cancel("Condition settled");
    }
  });
}
