/**
 * The trace-context header of Sandglass's OpenTelemetry interceptors: `_tracer-data`, a JSON
 * payload holding the W3C span context fields of the span that made a call (trace id, span id,
 * flags, trace state), as the `@opentelemetry/api` exposes them. Host-only.
 *
 * @module
 */

import {
  type Context,
  context as otelContext,
  createTraceState,
  isSpanContextValid,
  type SpanContext,
  trace,
  TraceFlags,
} from "@opentelemetry/api";
import { defaultPayloadConverter } from "../../common/default_payload_converter.ts";
import type { Payload } from "../../common/failure_proto.ts";

/** The header name (the same one the official Temporal SDKs use for their tracing interceptors). */
export const TRACER_HEADER = "_tracer-data";

interface TracerData {
  traceId: string;
  spanId: string;
  traceFlags: number;
  traceState?: string;
}

/**
 * Encodes the span context of `ctx` as the header payload; `undefined` if `ctx` has no valid span.
 *
 * @example
 * ```ts
 * const payload = spanContextToHeader(trace.setSpan(context.active(), span));
 * ```
 */
export function spanContextToHeader(ctx: Context): Payload | undefined {
  const spanContext = trace.getSpanContext(ctx);
  if (spanContext === undefined || !isSpanContextValid(spanContext)) return undefined;
  const data: TracerData = {
    traceId: spanContext.traceId,
    spanId: spanContext.spanId,
    traceFlags: spanContext.traceFlags,
    ...(spanContext.traceState === undefined ? {} : { traceState: spanContext.traceState.serialize() }),
  };
  return defaultPayloadConverter.toPayload(data);
}

/**
 * The context whose (remote) parent span is the one in the header payload; `base` if the payload
 * is absent or not a valid span context.
 *
 * @example
 * ```ts
 * const parent = contextFromHeader(input.headers[TRACER_HEADER]);
 * const span = tracer.startSpan("RunActivity:greet", {}, parent);
 * ```
 */
export function contextFromHeader(
  payload: Payload | undefined,
  base: Context = otelContext.active(),
): Context {
  if (payload === undefined) return base;
  let data: Partial<TracerData>;
  try {
    data = defaultPayloadConverter.fromPayload(payload) as Partial<TracerData>;
  } catch {
    return base;
  }
  if (typeof data !== "object" || data === null) return base;
  const spanContext: SpanContext = {
    traceId: String(data.traceId ?? ""),
    spanId: String(data.spanId ?? ""),
    traceFlags: typeof data.traceFlags === "number" ? data.traceFlags : TraceFlags.NONE,
    isRemote: true,
    ...(typeof data.traceState === "string" ? { traceState: createTraceState(data.traceState) } : {}),
  };
  if (!isSpanContextValid(spanContext)) return base;
  return trace.setSpanContext(base, spanContext);
}
