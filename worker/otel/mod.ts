/**
 * OpenTelemetry tracing for Sandglass (`sandglass/otel`), built on the optional peer dependency
 * `@opentelemetry/api`. One trace runs from a client call (`StartWorkflow`, `SignalWorkflow`, ...)
 * through the workflow run (`RunWorkflow`), what it does (`StartActivity`, `StartChildWorkflow`,
 * `SignalExternalWorkflow`, `ContinueAsNew`, `HandleSignal`, `HandleUpdate`) to each activity attempt
 * (`RunActivity`) and each child's run. The trace context travels in the `_tracer-data` header.
 * Workflow spans are made inside the sandbox with ids that are the same on every replay and are
 * exported by the worker once per real execution, never on replay; so that they keep those ids, the
 * tracer provider must be created with `idGenerator: createTracingIdGenerator()`. See
 * docs/opentelemetry.md.
 *
 * @example
 * ```ts
 * import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
 * import {
 *   createTracingClientInterceptor,
 *   createTracingIdGenerator,
 *   createTracingWorkerInterceptors,
 * } from "sandglass/otel";
 *
 * const provider = new BasicTracerProvider({
 *   idGenerator: createTracingIdGenerator(),
 *   spanProcessors: [new BatchSpanProcessor(exporter)],
 * });
 * const tracer = provider.getTracer("orders");
 * const client = await Client.connect("localhost:7233", { interceptors: [createTracingClientInterceptor({ tracer })] });
 * const worker = new Worker(client, {
 *   taskQueue: "traced",
 *   workflowsPath: "./workflows.ts",
 *   activities,
 *   interceptors: createTracingWorkerInterceptors({ tracer }),
 * });
 * ```
 *
 * @module
 */

export { contextFromHeader, spanContextToHeader, TRACER_HEADER } from "../../client/otel/tracer_header.ts";
export { createTracingClientInterceptor } from "../../client/otel/tracing_client_interceptor.ts";
export type { TracingInterceptorOptions } from "../../client/otel/tracing_client_interceptor.ts";
export { createTracingActivityInterceptor } from "./tracing_activity_interceptor.ts";
export { createTracingIdGenerator, type TracingIdGenerator } from "./tracing_id_generator.ts";
export { createTracingWorkerInterceptors } from "./tracing_worker_interceptors.ts";
export { TRACING_WORKFLOW_MODULE } from "./tracing_workflow_module.ts";
export { createTracingWorkflowSpanExporter } from "./tracing_workflow_span_exporter.ts";
