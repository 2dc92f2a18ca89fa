/**
 * All of a worker's tracing in one option: the workflow tracing module, the exporter of the spans it
 * makes, and the activity interceptor. Host-only; needs `@opentelemetry/api`.
 *
 * @module
 */

import type { TracingInterceptorOptions } from "../../client/otel/tracing_client_interceptor.ts";
import type { WorkerInterceptors } from "../worker_options.ts";
import { createTracingActivityInterceptor } from "./tracing_activity_interceptor.ts";
import { TRACING_WORKFLOW_MODULE } from "./tracing_workflow_module.ts";
import { createTracingWorkflowSpanExporter } from "./tracing_workflow_span_exporter.ts";

/**
 * Creates the worker interceptors that trace workflows (`RunWorkflow`, `StartActivity`,
 * `StartChildWorkflow`, `HandleSignal`, ... spans) and activities (`RunActivity`). The tracer's
 * provider must be created with `idGenerator: createTracingIdGenerator()`. Spread it into your own
 * interceptors to add more.
 *
 * @example
 * ```ts
 * const worker = new Worker(client, {
 *   taskQueue: "orders", workflowsPath, activities,
 *   interceptors: createTracingWorkerInterceptors({ tracer }),
 * });
 * ```
 */
export function createTracingWorkerInterceptors(options: TracingInterceptorOptions = {}): Required<
  Pick<WorkerInterceptors, "workflowModules" | "workflowSpanExporter" | "activity">
> {
  return {
    workflowModules: [TRACING_WORKFLOW_MODULE],
    workflowSpanExporter: createTracingWorkflowSpanExporter(options),
    activity: [createTracingActivityInterceptor(options)],
  };
}
