/**
 * Activity interceptors: code that wraps every activity execution of a worker (tracing, metrics,
 * header propagation, argument rewriting).
 *
 * @module
 */

import type { Payload } from "../../common/failure_proto.ts";

/** What an activity execution receives. */
export interface ActivityExecuteInput {
  /** The decoded arguments. */
  readonly args: readonly unknown[];
  /** The headers the workflow sent with the activity (encoded payloads, by key). */
  readonly headers: Readonly<Record<string, Payload>>;
}

/** Calls the next interceptor, or the activity itself. */
export type ActivityExecuteNext = (input: ActivityExecuteInput) => Promise<unknown>;

/**
 * Wraps activity executions; runs inside the activity context (so `info()` works). Earlier
 * interceptors in the worker's list wrap later ones.
 *
 * @example
 * ```ts
 * const timing: ActivityInboundInterceptor = {
 *   async execute(input, next) {
 *     const start = performance.now();
 *     try { return await next(input); } finally { console.log(info().activityType, performance.now() - start); }
 *   },
 * };
 * new Worker(client, { taskQueue: "q", activities, interceptors: { activity: [timing] } });
 * ```
 */
export interface ActivityInboundInterceptor {
  /** Wraps one execution; call `next` to continue. */
  execute?(input: ActivityExecuteInput, next: ActivityExecuteNext): Promise<unknown>;
}

/** Builds the call chain: interceptors outermost first, then `activity`. */
export function composeActivityInterceptors(
  interceptors: readonly ActivityInboundInterceptor[],
  activity: ActivityExecuteNext,
): ActivityExecuteNext {
  let next = activity;
  for (let i = interceptors.length - 1; i >= 0; i--) {
    const interceptor = interceptors[i] as ActivityInboundInterceptor;
    if (interceptor.execute === undefined) continue;
    const inner = next;
    next = (input) => interceptor.execute!(input, inner);
  }
  return next;
}
