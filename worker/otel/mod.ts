/**
 * OpenTelemetry tracing for Sandglass (`sandglass/otel`), built on the optional peer dependency
 * `@opentelemetry/api`. Spans are made on the host only — a client span per call and a span per activity
 * attempt — and the trace context travels in the `_tracer-data` header through workflows to their activities
 * and children, so replays never duplicate spans. See docs/opentelemetry.md.
 *
 * @example
 * ```ts
 * import { createTracingActivityInterceptor, createTracingClientInterceptor, TRACING_WORKFLOW_MODULE } from "sandglass/otel";
 *
 * const client = await Client.connect("localhost:7233", { interceptors: [createTracingClientInterceptor()] });
 * const worker = new Worker(client, {
 *   taskQueue: "traced",
 *   workflowsPath: "./workflows.ts",
 *   activities,
 *   interceptors: { activity: [createTracingActivityInterceptor()], workflowModules: [TRACING_WORKFLOW_MODULE] },
 * });
 * ```
 *
 * @module
 */

export { contextFromHeader, spanContextToHeader, TRACER_HEADER } from "../../client/otel/tracer_header.ts";
export { createTracingClientInterceptor } from "../../client/otel/tracing_client_interceptor.ts";
export type { TracingInterceptorOptions } from "../../client/otel/tracing_client_interceptor.ts";
export { createTracingActivityInterceptor } from "./tracing_activity_interceptor.ts";
export { TRACING_WORKFLOW_MODULE } from "./tracing_workflow_module.ts";
