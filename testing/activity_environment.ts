/**
 * `ActivityEnvironment`: runs activity code in the same activity context a worker gives it, with
 * settable info, a heartbeat callback, and simulated cancellation and worker shutdown.
 *
 * @module
 */

import type { Client } from "../client/client.ts";
import { CancelledFailure } from "../common/failures.ts";
import {
  ActivityCancellationReason,
  ActivityContext,
  runInActivityContext,
} from "../worker/activity/activity_context.ts";
import type { ActivityInfo } from "../worker/activity/activity_info.ts";
import { defaultActivityInfo } from "./default_activity_info.ts";

/** Options of `new ActivityEnvironment(...)`. Every field is optional. */
export interface ActivityEnvironmentOptions {
  /** Fields of `info()` to override; the rest come from {@linkcode defaultActivityInfo}. */
  info?: Partial<ActivityInfo>;
  /** Receives the details of each `heartbeat(...details)` call. Default: ignored. */
  onHeartbeat?: (details: unknown[]) => void;
  /** What `client()` returns in the activity. Default: none (`client()` throws). */
  client?: Client;
}

/**
 * Runs activity functions for unit tests inside a real activity context, so that `info()`,
 * `heartbeat()`, `cancellationSignal()`, `cancelled()`, `workerShutdownSignal()`, `sleep()` and
 * `client()` from `sandglass/activity` work as they do on a worker.
 *
 * `cancel()` and `workerShutdown()` affect the activities running now and every later `run()`
 * of this environment (make a new environment for a fresh start).
 *
 * @example Cancel an activity that heartbeats
 * ```ts
 * import { ActivityEnvironment } from "sandglass/testing";
 * import { cancelled, heartbeat } from "sandglass/activity";
 *
 * const env = new ActivityEnvironment({ info: { heartbeatTimeoutMs: 1_000 } });
 * env.onHeartbeat = () => env.cancel();
 * await env.run(async () => {
 *   heartbeat("step 1");
 *   await cancelled(); // rejects with a CancelledFailure
 * });
 * ```
 */
export class ActivityEnvironment {
  /** What `info()` returns in activities run from now on; set it (or replace fields) freely. */
  info: ActivityInfo;
  /** Receives the details of each `heartbeat(...details)` call; set it freely. */
  onHeartbeat: (details: unknown[]) => void;
  /** What `client()` returns in activities run from now on, if any. */
  client: Client | undefined;
  readonly #cancel = new AbortController();
  readonly #shutdown = new AbortController();
  #reason: ActivityCancellationReason | undefined;

  constructor(options: ActivityEnvironmentOptions = {}) {
    this.info = defaultActivityInfo(options.info);
    this.onHeartbeat = options.onHeartbeat ?? (() => {});
    this.client = options.client;
  }

  /** Whether {@linkcode ActivityEnvironment.cancel} was called. */
  get isCancelled(): boolean {
    return this.#cancel.signal.aborted;
  }

  /** Whether {@linkcode ActivityEnvironment.workerShutdown} was called. */
  get isWorkerShutdown(): boolean {
    return this.#shutdown.signal.aborted;
  }

  /**
   * Simulates a cancellation: fires `cancellationSignal()` with a `CancelledFailure` as its reason
   * (so `cancelled()` and `sleep()` reject) and sets `cancellationReason()`. Later calls do nothing.
   *
   * @param reason Why, as `cancellationReason()` reports it. Default: `CANCELLED`.
   *
   * @example
   * ```ts
   * const running = env.run(myActivity);
   * env.cancel();
   * await assert.rejects(running, CancelledFailure);
   * ```
   */
  cancel(reason: ActivityCancellationReason = ActivityCancellationReason.CANCELLED): void {
    if (!Object.hasOwn(ActivityCancellationReason, reason)) {
      throw new TypeError(
        `Invalid cancellation reason '${String(reason)}': expected one of ${
          Object.keys(ActivityCancellationReason).join(", ")
        }`,
      );
    }
    if (this.#cancel.signal.aborted) return;
    this.#reason = reason;
    this.#cancel.abort(new CancelledFailure(`Activity cancelled (${reason})`));
  }

  /**
   * Simulates the start of a graceful worker shutdown: fires `workerShutdownSignal()`. It does not
   * cancel the activity (a worker does that only after its graceful timeout; call `cancel()`).
   *
   * @example
   * ```ts
   * env.workerShutdown();
   * ```
   */
  workerShutdown(): void {
    this.#shutdown.abort();
  }

  /**
   * Runs `fn(...args)` inside an activity context made from this environment, and returns what
   * it returns (a promise for async functions).
   *
   * @example
   * ```ts
   * const env = new ActivityEnvironment({ info: { attempt: 3 } });
   * const greeting = await env.run(greet, "Ada");
   * ```
   */
  run<A extends unknown[], R>(fn: (...args: A) => R, ...args: A): R {
    if (typeof fn !== "function") {
      throw new TypeError(`Invalid activity '${String(fn)}': expected a function`);
    }
    const context = new ActivityContext({
      info: Object.freeze({ ...this.info }),
      heartbeat: (details) => this.onHeartbeat(details),
      cancellationSignal: this.#cancel.signal,
      cancellationReason: () => this.#reason,
      workerShutdownSignal: this.#shutdown.signal,
      ...(this.client === undefined ? {} : { client: this.client }),
    });
    return runInActivityContext(context, () => fn(...args));
  }
}
