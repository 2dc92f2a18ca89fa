/**
 * Where the workflow side of the OpenTelemetry tracing lives, for the worker's
 * `interceptors.workflowModules`.
 *
 * @module
 */

/** `.ts` when running from source; `.js` in the npm package's compiled dist/. */
const EXT = import.meta.url.endsWith(".js") ? ".js" : ".ts";

/**
 * The workflow interceptors module that carries the trace header onto activities and children.
 *
 * @example
 * ```ts
 * new Worker(client, { taskQueue, workflowsPath, interceptors: { workflowModules: [TRACING_WORKFLOW_MODULE] } });
 * ```
 */
export const TRACING_WORKFLOW_MODULE: URL = new URL(
  `../../sandbox/workflow/tracing_interceptors${EXT}`,
  import.meta.url,
);
