/**
 * OpenTelemetry tracing for activities: a `RunActivity:<type>` span (kind SERVER) per activity
 * attempt, a child of the span whose context came in the `_tracer-data` header (the client call
 * that started the workflow, carried on by the workflow tracing module). Host-only; needs
 * `@opentelemetry/api`.
 *
 * @module
 */

import { context as otelContext, SpanKind, SpanStatusCode, trace } from "@opentelemetry/api";
import { contextFromHeader, TRACER_HEADER } from "../../client/otel/tracer_header.ts";
import type { TracingInterceptorOptions } from "../../client/otel/tracing_client_interceptor.ts";
import { info } from "../activity/context_functions.ts";
import type { ActivityInboundInterceptor } from "../activity/interceptors.ts";

/**
 * Creates the activity tracing interceptor (list it in the worker's `interceptors.activity`).
 * The activity runs with its span active, so spans it starts are children of it (when a context
 * manager is registered).
 *
 * @example
 * ```ts
 * new Worker(client, {
 *   taskQueue: "orders", workflowsPath, activities,
 *   interceptors: {
 *     workflowModules: [TRACING_WORKFLOW_MODULE],
 *     activity: [createTracingActivityInterceptor({ tracer })],
 *   },
 * });
 * ```
 */
export function createTracingActivityInterceptor(
  options: TracingInterceptorOptions = {},
): ActivityInboundInterceptor {
  return {
    async execute(input, next) {
      const tracer = options.tracer ?? trace.getTracer("sandglass");
      const activity = info();
      const parent = contextFromHeader(input.headers[TRACER_HEADER]);
      const span = tracer.startSpan(`RunActivity:${activity.activityType}`, {
        kind: SpanKind.SERVER,
        attributes: {
          "temporal.workflow.id": activity.workflowExecution.workflowId,
          "temporal.run.id": activity.workflowExecution.runId,
          "temporal.activity.id": activity.activityId,
          "temporal.activity.attempt": activity.attempt,
          "temporal.activity.local": activity.isLocal,
        },
      }, parent);
      try {
        const result = await otelContext.with(trace.setSpan(parent, span), () => next(input));
        span.setStatus({ code: SpanStatusCode.OK });
        return result;
      } catch (error) {
        span.recordException(error instanceof Error ? error : String(error));
        span.setStatus({
          code: SpanStatusCode.ERROR,
          message: error instanceof Error ? error.message : String(error),
        });
        throw error;
      } finally {
        span.end();
      }
    },
  };
}
