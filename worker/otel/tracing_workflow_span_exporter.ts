/**
 * Exports the spans the workflow tracing module made inside the sandbox (`RunWorkflow`,
 * `StartActivity`, `StartChildWorkflow`, `HandleSignal`, ...) through an `@opentelemetry/api`
 * tracer, keeping the ids the workflow chose (see `tracing_id_generator.ts`). Host-only.
 *
 * @module
 */

import {
  type Attributes,
  createTraceState,
  diag,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from "@opentelemetry/api";
import type { TracingInterceptorOptions } from "../../client/otel/tracing_client_interceptor.ts";
import type { WorkflowSpan } from "../../sandbox/protocol.ts";
import type { WorkflowSpanExporter } from "../worker_options.ts";
import { withPresetIds } from "./tracing_id_generator.ts";

const KINDS: Record<WorkflowSpan["kind"], SpanKind> = {
  INTERNAL: SpanKind.INTERNAL,
  SERVER: SpanKind.SERVER,
  CLIENT: SpanKind.CLIENT,
  PRODUCER: SpanKind.PRODUCER,
  CONSUMER: SpanKind.CONSUMER,
};

const STATUS: Record<WorkflowSpan["status"]["code"], SpanStatusCode> = {
  UNSET: SpanStatusCode.UNSET,
  OK: SpanStatusCode.OK,
  ERROR: SpanStatusCode.ERROR,
};

let warned = false;

function warnOnce(data: WorkflowSpan): void {
  if (warned) return;
  warned = true;
  diag.warn(
    `Sandglass did not export workflow span '${data.name}': the tracer's provider did not take its ids ` +
      "from Sandglass; create the provider with idGenerator: createTracingIdGenerator() (from sandglass/otel)",
  );
}

function start(tracerOptions: TracingInterceptorOptions, data: WorkflowSpan): Span | undefined {
  const tracer = tracerOptions.tracer ?? trace.getTracer("sandglass");
  const parent = data.parentSpanId === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, {
    traceId: data.traceId,
    spanId: data.parentSpanId,
    traceFlags: data.traceFlags,
    isRemote: true,
    ...(data.traceState === undefined ? {} : { traceState: createTraceState(data.traceState) }),
  });
  const { value: span, used } = withPresetIds(
    data,
    () =>
      tracer.startSpan(data.name, {
        kind: KINDS[data.kind],
        attributes: data.attributes as Attributes,
        // Dates, not numbers: older SDKs read an epoch-ms number below their process start as performance.now().
        startTime: new Date(data.startTime),
        root: data.parentSpanId === undefined,
      }, parent),
  );
  const context = span.spanContext();
  if (!used || context.spanId !== data.spanId || context.traceId !== data.traceId) {
    // Not ended: a span with other ids would dangle (its children point at the workflow's ids).
    if (span.isRecording()) warnOnce(data);
    return undefined;
  }
  return span;
}

/**
 * Creates the exporter of workflow spans (the worker's `interceptors.workflowSpanExporter`). Each
 * span is started and ended through `options.tracer` (default: the global provider's
 * `trace.getTracer("sandglass")`) with the workflow's ids, times, attributes, status and events, so
 * the provider's processors, sampler and resource apply as to any span. The provider must be created
 * with `idGenerator: createTracingIdGenerator()`; otherwise the spans are dropped, with a warning
 * through OpenTelemetry's `diag` logger.
 *
 * @example
 * ```ts
 * new Worker(client, {
 *   taskQueue, workflowsPath, activities,
 *   interceptors: {
 *     workflowModules: [TRACING_WORKFLOW_MODULE],
 *     workflowSpanExporter: createTracingWorkflowSpanExporter({ tracer }),
 *     activity: [createTracingActivityInterceptor({ tracer })],
 *   },
 * });
 * ```
 */
export function createTracingWorkflowSpanExporter(
  options: TracingInterceptorOptions = {},
): WorkflowSpanExporter {
  return (spans) => {
    for (const data of spans) {
      const span = start(options, data);
      if (span === undefined) continue;
      for (const event of data.events ?? []) {
        span.addEvent(event.name, event.attributes ?? {}, new Date(event.time));
      }
      span.setStatus({
        code: STATUS[data.status.code],
        ...(data.status.message === undefined ? {} : { message: data.status.message }),
      });
      span.end(new Date(data.endTime));
    }
  };
}
