/**
 * Replay-safe tracing support for workflow interceptors: trace and span ids that are the same on
 * every replay (drawn from a per-run PRNG of their own, so the workflow's `Math.random` sequence is
 * untouched), and a way to hand finished spans to the worker, which exports them once the workflow
 * task is completed. Spans finished while replaying are dropped: they were exported when that part
 * of the run first executed. Sandglass's OpenTelemetry module (`sandglass/otel`) is built on this.
 *
 * @module
 */

import type { WorkflowSpan } from "../protocol.ts";
import { IllegalStateError } from "./errors.ts";
import type { Activator } from "./internal/activator.ts";
import { activator } from "./internal/context.ts";

export type { SpanAttributeValue, WorkflowSpan } from "../protocol.ts";

function idSource(what: string): Activator {
  const run = activator();
  if (run.readOnly !== undefined) {
    // Queries and validators do not run on replay: ids drawn there would shift every later id.
    throw new IllegalStateError(
      `${what} cannot be called in ${
        run.readOnly.replace(/^The /, "the ")
      }: ids drawn there are not replayed`,
    );
  }
  return run;
}

function hex(run: Activator, words: number): string {
  for (;;) {
    let id = "";
    for (let i = 0; i < words; i++) {
      id += Math.floor(run.tracingRandom() * 0x1_0000_0000).toString(16).padStart(8, "0");
    }
    if (/[^0]/.test(id)) return id;
  }
}

/**
 * A new trace id (32 lower-case hex digits), the same on every replay of this point of the run.
 * Not available in query handlers and update validators (they are not replayed).
 *
 * @example
 * ```ts
 * const traceId = parent?.traceId ?? newTraceId();
 * ```
 */
export function newTraceId(): string {
  return hex(idSource("newTraceId()"), 4);
}

/**
 * A new span id (16 lower-case hex digits), the same on every replay of this point of the run.
 * Not available in query handlers and update validators (they are not replayed).
 *
 * @example
 * ```ts
 * const spanId = newSpanId();
 * ```
 */
export function newSpanId(): string {
  return hex(idSource("newSpanId()"), 2);
}

/**
 * Hands a finished span to the worker, which exports it after the current workflow task completed
 * (through `interceptors.workflowSpanExporter`). Ignored while replaying, so each span is exported
 * once per real execution.
 *
 * @example
 * ```ts
 * const now = Date.now();
 * exportSpan({
 *   name: "StartActivity:charge", kind: "CLIENT", traceId, spanId: newSpanId(), parentSpanId,
 *   traceFlags: 1, startTime: now, endTime: now, attributes: {}, status: { code: "OK" },
 * });
 * ```
 */
export function exportSpan(span: WorkflowSpan): void {
  const run = activator();
  if (!/^[0-9a-f]{32}$/.test(span.traceId) || !/^[0-9a-f]{16}$/.test(span.spanId)) {
    throw new TypeError(
      `Invalid span ids '${span.traceId}'/'${span.spanId}': expected 32 and 16 lower-case hex digits`,
    );
  }
  run.exportSpan(JSON.parse(JSON.stringify(span)) as WorkflowSpan);
}
