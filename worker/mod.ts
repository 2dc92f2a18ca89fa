/**
 * Workers: poll a task queue and run its workflows (in the QuickJS sandbox) and activities (on
 * the host).
 *
 * @example
 * ```ts
 * import { Worker } from "sandglass/worker";
 *
 * const worker = new Worker(client, { taskQueue: "hello", workflowsPath: "./workflows.ts", activities });
 * await worker.run();
 * ```
 *
 * @module
 */

export { Worker, type WorkerRunOptions, WorkerState } from "./worker.ts";
export { WorkflowBundleError } from "../sandbox/bundler.ts";
export {
  defaultLogger,
  type Logger,
  type ResolvedWorkerOptions,
  resolveWorkerOptions,
  type WorkerInterceptors,
  type WorkerOptions,
  type WorkflowSpan,
  type WorkflowSpanExporter,
  type WorkflowSpanSource,
} from "./worker_options.ts";
export { Slots } from "./slots.ts";
export type {
  ActivityExecuteInput,
  ActivityExecuteNext,
  ActivityInboundInterceptor,
} from "./activity/interceptors.ts";
export {
  createReplayer,
  type HistoryReplayer,
  type HistoryReplayerOptions,
  type ReplayOptions,
} from "./replayer.ts";
export {
  type HistoryToReplay,
  Replayer,
  type ReplayerOptions,
  type ReplayResult,
  type ReplayWorkflowOptions,
} from "./replayer_class.ts";
export { ReplayError } from "./replayer_error.ts";
export { historyFromJson, type HistoryInput } from "./replayer_history.ts";
export { NondeterminismCode, NondeterminismError } from "./workflow/nondeterminism_error.ts";
