/**
 * `sandglass/activity`: what activity code uses — its info, heartbeats, cancellation, the worker
 * shutdown notice, and asynchronous completion. Activities are plain functions registered with a
 * worker; these functions reach the running activity's context.
 *
 * @example
 * ```ts
 * import { cancellationSignal, heartbeat, info } from "sandglass/activity";
 *
 * export async function transcode(file: string): Promise<string> {
 *   const start = (info().heartbeatDetails[0] as number | undefined) ?? 0;
 *   for (let chunk = start; chunk < 100; chunk++) {
 *     await encodeChunk(file, chunk, { signal: cancellationSignal() });
 *     heartbeat(chunk + 1);
 *   }
 *   return `${file}.mp4`;
 * }
 * ```
 *
 * @module
 */

export type { ActivityInfo } from "./activity_info.ts";
export {
  ActivityCancellationReason,
  ActivityContext,
  activityContext,
  type ActivityContextOptions,
  inActivity,
  runInActivityContext,
} from "./activity_context.ts";
export {
  cancellationReason,
  cancellationSignal,
  cancelled,
  client,
  heartbeat,
  info,
  sleep,
  workerShutdownSignal,
} from "./context_functions.ts";
export { CompleteAsyncError } from "./complete_async_error.ts";
export { runInThread, type RunInThreadOptions } from "./run_in_thread.ts";
export type {
  ActivityExecuteInput,
  ActivityExecuteNext,
  ActivityInboundInterceptor,
} from "./interceptors.ts";
