/**
 * The activity context: what the running activity can see and do (info, heartbeat, cancellation,
 * worker shutdown), carried by an `AsyncLocalStorage` so that any code called from the activity
 * function reaches it without passing it around.
 *
 * @module
 */

import { AsyncLocalStorage } from "node:async_hooks";
import type { Client } from "../../client/client.ts";
import { CancelledFailure } from "../../common/failures.ts";
import type { ActivityInfo } from "./activity_info.ts";

/** Why an activity's cancellation signal fired. */
export const ActivityCancellationReason = {
  /** The workflow asked for the activity to be cancelled (learnt from a heartbeat). */
  CANCELLED: "CANCELLED",
  /** The server no longer knows this attempt: it timed out, or its workflow closed. */
  NOT_FOUND: "NOT_FOUND",
  /** The activity was paused. */
  PAUSED: "PAUSED",
  /** The activity was reset. */
  RESET: "RESET",
  /** The worker shut down and its graceful shutdown timeout passed. */
  WORKER_SHUTDOWN: "WORKER_SHUTDOWN",
} as const;
/** Why an activity's cancellation signal fired. */
export type ActivityCancellationReason =
  (typeof ActivityCancellationReason)[keyof typeof ActivityCancellationReason];

/** Options of `new ActivityContext(...)`; only `info` is required. */
export interface ActivityContextOptions {
  /** The activity's info. */
  info: ActivityInfo;
  /** Receives each `heartbeat(...details)` call. Default: ignored. */
  heartbeat?: (details: unknown[]) => void;
  /** Fires when the activity is cancelled; its `reason` is the error to throw. Default: never. */
  cancellationSignal?: AbortSignal;
  /** The reason of the cancellation, once cancelled. Default: `CANCELLED` once the signal fired. */
  cancellationReason?: () => ActivityCancellationReason | undefined;
  /** Fires when the worker begins a graceful shutdown. Default: never. */
  workerShutdownSignal?: AbortSignal;
  /** The worker's client, for activities that call Temporal. Default: none. */
  client?: Client;
}

const NEVER = new AbortController().signal;

/**
 * The context of one activity attempt. Activity code reaches it with `activityContext()` or the
 * shorthand functions of `sandglass/activity` (`info()`, `heartbeat()`, ...).
 *
 * @example
 * ```ts
 * import { activityContext } from "sandglass/activity";
 *
 * export async function download(url: string) {
 *   const ctx = activityContext();
 *   const response = await fetch(url, { signal: ctx.cancellationSignal });
 *   ctx.heartbeat("downloaded");
 *   return await response.text();
 * }
 * ```
 */
export class ActivityContext {
  /** The activity's info. */
  readonly info: ActivityInfo;
  /** Fires when the activity is cancelled (see {@linkcode ActivityContext.cancellationReason}). */
  readonly cancellationSignal: AbortSignal;
  /** Fires when the worker begins a graceful shutdown; cancellation follows after its timeout. */
  readonly workerShutdownSignal: AbortSignal;
  readonly #heartbeat: ((details: unknown[]) => void) | undefined;
  readonly #reason: (() => ActivityCancellationReason | undefined) | undefined;
  readonly #client: Client | undefined;
  #cancelled: Promise<never> | undefined;

  constructor(options: ActivityContextOptions) {
    this.info = options.info;
    this.cancellationSignal = options.cancellationSignal ?? NEVER;
    this.workerShutdownSignal = options.workerShutdownSignal ?? NEVER;
    this.#heartbeat = options.heartbeat;
    this.#reason = options.cancellationReason;
    this.#client = options.client;
  }

  /**
   * Records a heartbeat: tells the server the activity is alive (throttled to about 80 % of the
   * heartbeat timeout) and stores `details` for the next attempt's `info().heartbeatDetails`.
   * Cancellation is learnt from heartbeat responses, so long activities should heartbeat.
   *
   * @throws {TypeError} If a detail cannot be converted to a payload.
   */
  heartbeat(...details: unknown[]): void {
    this.#heartbeat?.(details);
  }

  /** Why the activity was cancelled, or `undefined` while it is not. */
  get cancellationReason(): ActivityCancellationReason | undefined {
    if (!this.cancellationSignal.aborted) return undefined;
    return this.#reason?.() ?? ActivityCancellationReason.CANCELLED;
  }

  /**
   * A promise that rejects with a `CancelledFailure` when the activity is cancelled, and never
   * resolves: race it against the activity's work.
   */
  get cancelled(): Promise<never> {
    if (this.#cancelled === undefined) {
      const signal = this.cancellationSignal;
      this.#cancelled = new Promise<never>((_, reject) => {
        const fire = () => reject(cancellationError(signal));
        if (signal.aborted) fire();
        else signal.addEventListener("abort", fire, { once: true });
      });
      this.#cancelled.catch(() => {});
    }
    return this.#cancelled;
  }

  /**
   * The worker's client (same connection and namespace), for activities that start workflows,
   * signal them, or complete other activities.
   *
   * @throws {Error} If the context has no client (e.g. in a test environment without one).
   */
  get client(): Client {
    if (this.#client === undefined) {
      throw new Error(
        "This activity context has no client: run the activity in a Worker, or give one to the test environment",
      );
    }
    return this.#client;
  }

  /**
   * Waits for `ms` milliseconds, or rejects with a `CancelledFailure` as soon as the activity is
   * cancelled.
   */
  sleep(ms: number): Promise<void> {
    const signal = this.cancellationSignal;
    if (signal.aborted) return Promise.reject(cancellationError(signal));
    return new Promise<void>((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(timer);
        reject(cancellationError(signal));
      };
      const timer = setTimeout(() => {
        signal.removeEventListener("abort", onAbort);
        resolve();
      }, ms);
      signal.addEventListener("abort", onAbort, { once: true });
    });
  }
}

function cancellationError(signal: AbortSignal): unknown {
  return signal.reason instanceof Error ? signal.reason : new CancelledFailure("Activity cancelled");
}

const STORAGE_KEY = Symbol.for("sandglass.activityContextStorage");

/** One storage per process, shared by every copy of this module. */
function storage(): AsyncLocalStorage<ActivityContext> {
  const holder = globalThis as unknown as Record<symbol, AsyncLocalStorage<ActivityContext> | undefined>;
  return holder[STORAGE_KEY] ??= new AsyncLocalStorage<ActivityContext>();
}

/**
 * Runs `fn` with `context` as the current activity context (what the worker does for each
 * activity; test environments do the same).
 *
 * @example
 * ```ts
 * const result = await runInActivityContext(new ActivityContext({ info }), () => myActivity("x"));
 * ```
 */
export function runInActivityContext<R>(context: ActivityContext, fn: () => R): R {
  return storage().run(context, fn);
}

/**
 * The context of the activity running now.
 *
 * @throws {Error} If called outside an activity.
 *
 * @example
 * ```ts
 * const { activityId, attempt } = activityContext().info;
 * ```
 */
export function activityContext(): ActivityContext {
  const context = storage().getStore();
  if (context === undefined) {
    throw new Error(
      "Not in an activity: call the sandglass/activity functions from code an activity function runs",
    );
  }
  return context;
}

/**
 * Whether code runs inside an activity.
 *
 * @example
 * ```ts
 * if (inActivity()) heartbeat();
 * ```
 */
export function inActivity(): boolean {
  return storage().getStore() !== undefined;
}
