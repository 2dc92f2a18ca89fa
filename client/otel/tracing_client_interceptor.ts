/**
 * OpenTelemetry tracing for the client: a span for each workflow start, signal, query and update,
 * whose context travels to the worker in the `_tracer-data` header. With the workflow tracing
 * module and the activity tracing interceptor on the worker, a client call, its workflow's
 * activities and its children's activities form one trace. Host-only; needs `@opentelemetry/api`.
 *
 * @module
 */

import {
  type Context,
  context as otelContext,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
  type Tracer,
} from "@opentelemetry/api";
import type { ClientInterceptor, PayloadHeaders } from "../interceptors.ts";
import { spanContextToHeader, TRACER_HEADER } from "./tracer_header.ts";

/** Options of {@linkcode createTracingClientInterceptor}. */
export interface TracingInterceptorOptions {
  /** The tracer spans are made with. Default: `trace.getTracer("sandglass")` (the global provider's). */
  tracer?: Tracer;
}

/**
 * Runs `fn` inside a new span (a child of the active context), with headers carrying it; ends the
 * span with the outcome.
 */
async function traced<T>(
  tracer: Tracer,
  name: string,
  kind: SpanKind,
  attributes: Record<string, string>,
  headers: PayloadHeaders,
  fn: (headers: PayloadHeaders, ctx: Context) => Promise<T>,
): Promise<T> {
  const parent = otelContext.active();
  const span: Span = tracer.startSpan(name, { kind, attributes }, parent);
  const ctx = trace.setSpan(parent, span);
  const header = spanContextToHeader(ctx);
  const withTrace = header === undefined ? headers : { ...headers, [TRACER_HEADER]: header };
  try {
    const result = await otelContext.with(ctx, () => fn(withTrace, ctx));
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
}

/**
 * Creates the client tracing interceptor. Spans: `StartWorkflow:<type>`,
 * `SignalWithStartWorkflow:<type>`, `SignalWorkflow:<name>`, `QueryWorkflow:<name>`,
 * `StartWorkflowUpdate:<name>` (kind CLIENT).
 *
 * @example
 * ```ts
 * const client = await Client.connect("localhost:7233", {
 *   interceptors: [createTracingClientInterceptor({ tracer: provider.getTracer("orders") })],
 * });
 * ```
 */
export function createTracingClientInterceptor(options: TracingInterceptorOptions = {}): ClientInterceptor {
  const tracer = () => options.tracer ?? trace.getTracer("sandglass");
  return {
    startWorkflow(input, next) {
      const attributes = {
        "temporal.workflow.id": input.options.id,
        "temporal.workflow.type": input.workflowType,
      };
      return traced(
        tracer(),
        `StartWorkflow:${input.workflowType}`,
        SpanKind.CLIENT,
        attributes,
        input.headers,
        (headers) => next({ ...input, headers }),
      );
    },
    signalWithStart(input, next) {
      const attributes = {
        "temporal.workflow.id": input.options.id,
        "temporal.workflow.type": input.workflowType,
      };
      return traced(
        tracer(),
        `SignalWithStartWorkflow:${input.workflowType}`,
        SpanKind.CLIENT,
        attributes,
        input.headers,
        (headers) => next({ ...input, headers }),
      );
    },
    signalWorkflow(input, next) {
      const attributes = { "temporal.workflow.id": input.workflowId };
      return traced(
        tracer(),
        `SignalWorkflow:${input.signalName}`,
        SpanKind.CLIENT,
        attributes,
        input.headers,
        (headers) => next({ ...input, headers }),
      );
    },
    queryWorkflow(input, next) {
      const attributes = { "temporal.workflow.id": input.workflowId };
      return traced(
        tracer(),
        `QueryWorkflow:${input.queryType}`,
        SpanKind.CLIENT,
        attributes,
        input.headers,
        (headers) => next({ ...input, headers }),
      );
    },
    startWorkflowUpdate(input, next) {
      const attributes = { "temporal.workflow.id": input.workflowId, "temporal.update.id": input.updateId };
      return traced(
        tracer(),
        `StartWorkflowUpdate:${input.updateName}`,
        SpanKind.CLIENT,
        attributes,
        input.headers,
        (headers) => next({ ...input, headers }),
      );
    },
  };
}
