/**
 * Replay-safe tracing support for workflow interceptors: trace and span ids that are the same on
 * every replay (drawn from a per-run PRNG of their own, so the workflow's `Math.random` sequence is
 * untouched), and a way to hand finished spans to the worker, which exports them once the workflow
 * task is completed. Spans finished while replaying are dropped: they were exported when that part
 * of the run first executed. Query handlers and update validators, which are never replayed, draw
 * their ids from a seed the worker sends for each activation that runs them. Sandglass's
 * OpenTelemetry module (`sandglass/otel`) is built on this.
 *
 * @module
 */

import type { WorkflowSpan } from "../protocol.ts";
import { IllegalStateError } from "./errors.ts";
import { activator } from "./internal/context.ts";
import type { Prng } from "./internal/prng.ts";

export type { SpanAttributeValue, WorkflowSpan } from "../protocol.ts";

/**
 * The generator of the ids drawn now: the run's replay-stable tracing PRNG, or in a query handler or
 * update validator (never replayed, so drawing from the run's PRNG there would shift every later id)
 * the PRNG the host seeded for this activation.
 */
function idSource(what: string): Prng {
  const run = activator();
  if (run.readOnly === undefined) return run.tracingRandom;
  const random = run.readOnlyRandom;
  if (random === undefined) {
    throw new IllegalStateError(
      `${what} cannot be called in ${
        run.readOnly.replace(/^The /, "the ")
      } here: the host sent no seed for ids that are not replayed`,
    );
  }
  return random;
}

function hex(random: Prng, words: number): string {
  for (;;) {
    let id = "";
    for (let i = 0; i < words; i++) {
      id += Math.floor(random() * 0x1_0000_0000).toString(16).padStart(8, "0");
    }
    if (/[^0]/.test(id)) return id;
  }
}

/**
 * A new trace id (32 lower-case hex digits), the same on every replay of this point of the run. In
 * query handlers and update validators, which are never replayed, a random one that leaves the run's
 * sequence alone.
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
 * A new span id (16 lower-case hex digits), the same on every replay of this point of the run. In
 * query handlers and update validators, which are never replayed, a random one that leaves the run's
 * sequence alone.
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
 * The time (ms since the epoch) to stamp on a span made now: the workflow clock (`Date.now()`), except
 * in a query handler, where it is the worker's clock when the query arrived (the workflow clock there
 * stays at the last workflow task, which may be long before the query).
 *
 * @example
 * ```ts
 * const startTime = spanTime();
 * ```
 */
export function spanTime(): number {
  return activator().spanTime();
}

/**
 * Hands a finished span to the worker, which exports it after the current workflow task completed
 * (through `interceptors.workflowSpanExporter`), or after it answered a query. Ignored while
 * replaying, so each span is exported once per real execution.
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
