/**
 * The id generator that lets Sandglass export workflow spans through the user's own tracer provider.
 * Workflow spans get their ids inside the sandbox (the same on every replay, so the headers a replayed
 * workflow writes are the ones it wrote the first time); `@opentelemetry/api` has no way to start a
 * span with given ids, but every SDK tracer asks its provider's `IdGenerator` for them. This generator
 * hands out the workflow's ids while Sandglass exports a workflow span, and random ids otherwise.
 *
 * @module
 */

/**
 * The `IdGenerator` shape of the OpenTelemetry SDKs (`@opentelemetry/sdk-trace-base`,
 * `sdk-trace-node`, `sdk-node`), declared here so only `@opentelemetry/api` is needed.
 */
export interface TracingIdGenerator {
  /** A trace id: 32 lower-case hex digits, not all zero. */
  generateTraceId(): string;
  /** A span id: 16 lower-case hex digits, not all zero. */
  generateSpanId(): string;
}

interface PresetIds {
  traceId: string;
  spanId: string;
  used: boolean;
}

/** The ids of the workflow span being exported; read by every generator this module made. */
let preset: PresetIds | undefined;

function randomHex(bytes: number): string {
  const buffer = new Uint8Array(bytes);
  for (;;) {
    crypto.getRandomValues(buffer);
    if (buffer.some((b) => b !== 0)) {
      return Array.from(buffer, (b) => b.toString(16).padStart(2, "0")).join("");
    }
  }
}

/**
 * Creates the id generator to give your tracer provider, so the workflow spans of
 * `createTracingWorkflowSpanExporter` keep the ids the workflow put in its headers. Outside that
 * exporter it generates random ids (or asks `fallback`).
 *
 * @param fallback The generator used for all other spans. Default: random ids from `crypto.getRandomValues`.
 * @example
 * ```ts
 * import { BasicTracerProvider, BatchSpanProcessor } from "@opentelemetry/sdk-trace-base";
 * import { createTracingIdGenerator } from "sandglass/otel";
 *
 * const provider = new BasicTracerProvider({
 *   idGenerator: createTracingIdGenerator(),
 *   spanProcessors: [new BatchSpanProcessor(exporter)],
 * });
 * ```
 */
export function createTracingIdGenerator(fallback?: TracingIdGenerator): TracingIdGenerator {
  return {
    generateTraceId: () => preset?.traceId ?? fallback?.generateTraceId() ?? randomHex(16),
    generateSpanId: () => {
      if (preset !== undefined && !preset.used) {
        preset.used = true;
        return preset.spanId;
      }
      return fallback?.generateSpanId() ?? randomHex(8);
    },
  };
}

/**
 * Runs `start` (which starts one span, synchronously) with the generators of this module handing
 * out `ids`; returns what `start` returned and whether a generator gave out the span id.
 */
export function withPresetIds<T>(
  ids: { traceId: string; spanId: string },
  start: () => T,
): { value: T; used: boolean } {
  const previous = preset;
  const current: PresetIds = { ...ids, used: false };
  preset = current;
  try {
    return { value: start(), used: current.used };
  } finally {
    preset = previous;
  }
}
