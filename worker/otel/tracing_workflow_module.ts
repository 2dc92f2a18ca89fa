/**
 * Where the workflow side of the OpenTelemetry tracing lives, for the worker's
 * `interceptors.workflowModules`.
 *
 * @module
 */

/** `.ts` when running from source; `.js` in the npm package's compiled dist/. */
const EXT = import.meta.url.endsWith(".js") ? ".js" : ".ts";

/**
 * The workflow interceptors module that makes the workflow spans (`RunWorkflow`, `StartActivity`,
 * `StartChildWorkflow`, `HandleSignal`, ...) and puts their context in the headers of activities,
 * children, signals and continue-as-new. Its spans reach the tracer through the worker's
 * `workflowSpanExporter` (see `createTracingWorkerInterceptors`).
 *
 * @example
 * ```ts
 * new Worker(client, {
 *   taskQueue, workflowsPath,
 *   interceptors: { workflowModules: [TRACING_WORKFLOW_MODULE], workflowSpanExporter: createTracingWorkflowSpanExporter() },
 * });
 * ```
 */
export const TRACING_WORKFLOW_MODULE: URL = new URL(
  `../../sandbox/workflow/tracing_interceptors${EXT}`,
  import.meta.url,
);
