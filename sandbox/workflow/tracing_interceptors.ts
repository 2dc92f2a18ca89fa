/**
 * The workflow side of Sandglass's OpenTelemetry tracing, a workflow interceptors module (list it
 * in the worker's `interceptors.workflowModules`, e.g. as `TRACING_WORKFLOW_MODULE`, together with
 * the worker's `workflowSpanExporter`). The sandbox has no OpenTelemetry SDK and workflow code is
 * replayed, so spans are made as data with replay-safe ids (`newTraceId`/`newSpanId`) and handed to
 * the worker with `exportSpan`, which drops them while replaying:
 *
 * - `RunWorkflow:<type>` (SERVER) from the first workflow task to the end of the run, a child of the
 *   span in the `_tracer-data` start header (a root span without one);
 * - `StartActivity:<type>`, `StartChildWorkflow:<type>`, `SignalExternalWorkflow:<name>`,
 *   `SignalChildWorkflow:<name>`, `ContinueAsNew:<type>` (CLIENT, instant), children of
 *   `RunWorkflow`, whose context goes out in the call's `_tracer-data` header;
 * - `HandleSignal:<name>`, `HandleUpdate:<name>` (SERVER) around the handler, children of the
 *   caller's span in the header, else of `RunWorkflow`;
 * - `ValidateUpdate:<name>` (SERVER) around an update's validator, a child of the caller's span in
 *   the header, else of `RunWorkflow` once that has begun;
 * - `HandleQuery:<name>` (SERVER) around a query handler, a child of the caller's span in the
 *   header (a query without one makes no span: queries are frequent, and the UI's are untraced).
 *
 * Queries and validators are never replayed: their ids come from the seed the worker sends for
 * each activation that runs them, so the run's replay-stable ids stay in step, and they never open
 * `RunWorkflow` (its id must be the one the replayed run draws).
 *
 * @module
 */

import {
  ContinueAsNew,
  decodeHeader,
  encodeHeader,
  exportSpan,
  newSpanId,
  newTraceId,
  spanTime,
  workflowInfo,
} from "./mod.ts";
import type { WorkflowHeaders, WorkflowInterceptors } from "./interceptors.ts";
import type { SpanAttributeValue, WorkflowSpan } from "./tracing.ts";

const TRACER_HEADER = "_tracer-data";
const SAMPLED = 1;

/** A span context, as the `_tracer-data` header carries it. */
interface SpanRef {
  traceId: string;
  spanId: string;
  traceFlags: number;
  traceState?: string;
}

/** A started span, not yet exported. */
type OpenSpan = Omit<WorkflowSpan, "endTime" | "status" | "events">;

function spanRefOf(payload: WorkflowHeaders[string] | undefined): SpanRef | undefined {
  if (payload === undefined) return undefined;
  let data: unknown;
  try {
    data = decodeHeader(payload);
  } catch {
    return undefined;
  }
  if (typeof data !== "object" || data === null) return undefined;
  const { traceId, spanId, traceFlags, traceState } = data as Record<string, unknown>;
  if (typeof traceId !== "string" || !/^[0-9a-f]{32}$/.test(traceId) || /^0+$/.test(traceId)) {
    return undefined;
  }
  if (typeof spanId !== "string" || !/^[0-9a-f]{16}$/.test(spanId) || /^0+$/.test(spanId)) return undefined;
  return {
    traceId,
    spanId,
    traceFlags: typeof traceFlags === "number" ? traceFlags : SAMPLED,
    ...(typeof traceState === "string" ? { traceState } : {}),
  };
}

function headerOf(span: OpenSpan): WorkflowHeaders[string] {
  const ref: SpanRef = {
    traceId: span.traceId,
    spanId: span.spanId,
    traceFlags: span.traceFlags,
    ...(span.traceState === undefined ? {} : { traceState: span.traceState }),
  };
  return encodeHeader(ref);
}

/** Starts a span: a child of `parent`, or a root span of `parent.traceId` if it has no span id. */
function open(
  name: string,
  kind: WorkflowSpan["kind"],
  parent: Omit<SpanRef, "spanId"> & { spanId?: string },
  attributes: Record<string, SpanAttributeValue>,
): OpenSpan {
  return {
    name,
    kind,
    traceId: parent.traceId,
    spanId: newSpanId(),
    ...(parent.spanId === undefined ? {} : { parentSpanId: parent.spanId }),
    traceFlags: parent.traceFlags,
    ...(parent.traceState === undefined ? {} : { traceState: parent.traceState }),
    startTime: spanTime(),
    attributes,
  };
}

function close(span: OpenSpan, error?: unknown): void {
  const endTime = spanTime();
  if (error === undefined) {
    exportSpan({ ...span, endTime, status: { code: "OK" } });
    return;
  }
  const type = error instanceof Error ? error.name : typeof error;
  const message = error instanceof Error ? error.message : String(error);
  exportSpan({
    ...span,
    endTime,
    status: { code: "ERROR", message },
    events: [{
      name: "exception",
      time: endTime,
      attributes: { "exception.type": type, "exception.message": message },
    }],
  });
}

/** Ends `span` when `promise` settles, with its outcome; returns the promise's outcome unchanged. */
function closeWhenSettled<T>(
  span: OpenSpan,
  promise: Promise<T>,
  ok?: (error: unknown) => boolean,
): Promise<T> {
  return promise.then(
    (value) => {
      close(span);
      return value;
    },
    (error: unknown) => {
      close(span, ok?.(error) === true ? undefined : error);
      throw error;
    },
  );
}

/** Runs the synchronous `call` inside `span`, ending it with the call's outcome. */
function within<T>(span: OpenSpan | undefined, call: () => T): T {
  if (span === undefined) return call();
  let value: T;
  try {
    value = call();
  } catch (error) {
    close(span, error);
    throw error;
  }
  close(span);
  return value;
}

/**
 * The per-run interceptors (called by the runtime).
 *
 * @example
 * ```ts
 * new Worker(client, { taskQueue, workflowsPath, interceptors: createTracingWorkerInterceptors() });
 * ```
 */
export function interceptors(): WorkflowInterceptors {
  let run: OpenSpan | undefined;
  /** The attributes every span of the run carries (without opening the run's span). */
  const runAttributes = (): Record<string, SpanAttributeValue> => {
    const info = workflowInfo();
    return {
      "temporal.workflow.id": info.workflowId,
      "temporal.run.id": info.runId,
      "temporal.workflow.type": info.workflowType,
    };
  };
  /**
   * The run's span, opened by the first replayed inbound call (the workflow function, a signal or an
   * update handler; a signal may come before the workflow function). Queries and validators, which
   * are not replayed, only read `run`.
   */
  const runSpan = (): OpenSpan => {
    if (run === undefined) {
      const info = workflowInfo();
      const parent = spanRefOf(info.headers[TRACER_HEADER]);
      run = open(
        `RunWorkflow:${info.workflowType}`,
        "SERVER",
        parent ?? { traceId: newTraceId(), traceFlags: SAMPLED },
        runAttributes(),
      );
    }
    return run;
  };
  /** An instant CLIENT span for an outbound call, and the headers that carry it. */
  const outbound = (
    name: string,
    headers: Readonly<WorkflowHeaders>,
    attributes: Record<string, SpanAttributeValue>,
  ): WorkflowHeaders => {
    const parent = runSpan();
    const span = open(name, "CLIENT", parent, { ...parent.attributes, ...attributes });
    close(span);
    return { ...headers, [TRACER_HEADER]: headerOf(span) };
  };
  return {
    inbound: [{
      execute(input, next) {
        const span = runSpan();
        // Continue-as-new ends the run normally; a workflow task failure drops the task's spans anyway.
        return closeWhenSettled(span, next(input), (error) => error instanceof ContinueAsNew);
      },
      handleSignal(input, next) {
        const parent = runSpan();
        const span = open(
          `HandleSignal:${input.signalName}`,
          "SERVER",
          spanRefOf(input.headers[TRACER_HEADER]) ?? parent,
          { ...parent.attributes, "temporal.signal.name": input.signalName },
        );
        return closeWhenSettled(span, next(input));
      },
      handleUpdate(input, next) {
        const parent = runSpan();
        const span = open(
          `HandleUpdate:${input.updateName}`,
          "SERVER",
          spanRefOf(input.headers[TRACER_HEADER]) ?? parent,
          {
            ...parent.attributes,
            "temporal.update.name": input.updateName,
            "temporal.update.id": input.updateId,
          },
        );
        return closeWhenSettled(span, next(input));
      },
      validateUpdate(input, next) {
        const parent = spanRefOf(input.headers[TRACER_HEADER]) ?? run;
        const span = parent === undefined ? undefined : open(
          `ValidateUpdate:${input.updateName}`,
          "SERVER",
          parent,
          {
            ...runAttributes(),
            "temporal.update.name": input.updateName,
            "temporal.update.id": input.updateId,
          },
        );
        within(span, () => next(input));
      },
      handleQuery(input, next) {
        const parent = spanRefOf(input.headers[TRACER_HEADER]);
        const span = parent === undefined ? undefined : open(
          `HandleQuery:${input.queryName}`,
          "SERVER",
          parent,
          { ...runAttributes(), "temporal.query.name": input.queryName },
        );
        return within(span, () => next(input));
      },
    }],
    outbound: [{
      scheduleActivity: (input, next) =>
        next({
          ...input,
          headers: outbound(`StartActivity:${input.activityType}`, input.headers, {
            "temporal.activity.type": input.activityType,
          }),
        }),
      scheduleLocalActivity: (input, next) =>
        next({
          ...input,
          headers: outbound(`StartActivity:${input.activityType}`, input.headers, {
            "temporal.activity.type": input.activityType,
            "temporal.activity.local": true,
          }),
        }),
      startChildWorkflow: (input, next) =>
        next({
          ...input,
          headers: outbound(`StartChildWorkflow:${input.workflowType}`, input.headers, {
            "temporal.child.workflow.type": input.workflowType,
            ...(input.options.workflowId === undefined
              ? {}
              : { "temporal.child.workflow.id": input.options.workflowId }),
          }),
        }),
      signalWorkflow: (input, next) =>
        next({
          ...input,
          headers: outbound(
            `${
              input.target.kind === "child" ? "SignalChildWorkflow" : "SignalExternalWorkflow"
            }:${input.signalName}`,
            input.headers,
            {
              "temporal.signal.name": input.signalName,
              "temporal.target.workflow.id": input.target.workflowId,
            },
          ),
        }),
      continueAsNew: (input, next) =>
        next({
          ...input,
          headers: outbound(`ContinueAsNew:${input.options.workflowType}`, input.headers, {
            "temporal.continued.workflow.type": input.options.workflowType,
          }),
        }),
    }],
  };
}
