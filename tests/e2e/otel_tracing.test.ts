import assert from "node:assert/strict";
import { after, test } from "node:test";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { Client } from "../../client/client.ts";
import { TRACER_HEADER } from "../../client/otel/tracer_header.ts";
import { createTracingClientInterceptor } from "../../client/otel/tracing_client_interceptor.ts";
import { defaultPayloadConverter } from "../../common/default_payload_converter.ts";
import type { History } from "../../gen/temporal/api/history/v1/message_pb.ts";
import { payloadFromJson } from "../../sandbox/workflow/internal/json_form.ts";
import { createTracingIdGenerator } from "../../worker/otel/tracing_id_generator.ts";
import { createTracingWorkerInterceptors } from "../../worker/otel/tracing_worker_interceptors.ts";
import { TRACING_WORKFLOW_MODULE } from "../../worker/otel/tracing_workflow_module.ts";
import { createTracingWorkflowSpanExporter } from "../../worker/otel/tracing_workflow_span_exporter.ts";
import { Worker } from "../../worker/worker.ts";
import { devServer, uniqueId } from "../support/servers.ts";
import { eventually, quietLogger, replayHistory } from "./e2e_support.ts";

const workflowsPath = new URL("./workflows/otel.ts", import.meta.url);
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({
  idGenerator: createTracingIdGenerator(),
  spanProcessors: [new SimpleSpanProcessor(exporter)],
});
const tracer = provider.getTracer("sandglass-test");

let started: Promise<{ client: Client; worker: Worker; taskQueue: string }> | undefined;
function env() {
  started ??= (async () => {
    const { address, namespace } = await devServer();
    const client = await Client.connect(address, {
      namespace,
      interceptors: [createTracingClientInterceptor({ tracer })],
    });
    const taskQueue = uniqueId("e2e-otel");
    const worker = new Worker(client, {
      taskQueue,
      workflowsPath,
      activities: { step: (label: string) => label },
      // No cache: every workflow task replays the history from the start.
      maxCachedWorkflows: 0,
      interceptors: createTracingWorkerInterceptors({ tracer }),
      logger: quietLogger,
    });
    await worker.start();
    return { client, worker, taskQueue };
  })();
  return started;
}
after(async () => {
  await provider.shutdown();
  if (started === undefined) return;
  const { client, worker } = await started;
  try {
    await worker.shutdown();
  } finally {
    await client.connection.close();
  }
});

function names(spans: readonly ReadableSpan[]): string {
  return spans.map((s) => s.name).join(", ");
}

/** The one span named `name` whose attributes match `where` (if given); fails on none or several. */
function only(
  spans: readonly ReadableSpan[],
  name: string,
  where: Record<string, unknown> = {},
): ReadableSpan {
  const found = spans.filter((s) =>
    s.name === name && Object.entries(where).every(([key, value]) => s.attributes[key] === value)
  );
  assert.equal(found.length, 1, `one '${name}' span expected in: ${names(spans)}`);
  return found[0]!;
}

function assertChildOf(child: ReadableSpan, parent: ReadableSpan): void {
  assert.equal(
    child.spanContext().traceId,
    parent.spanContext().traceId,
    `${child.name} is in ${parent.name}'s trace`,
  );
  assert.equal(
    child.parentSpanContext?.spanId,
    parent.spanContext().spanId,
    `${child.name} is a child of ${parent.name}`,
  );
}

/** The span id in an event's `_tracer-data` header. */
function headerSpanId(header: { fields: Record<string, unknown> } | undefined): unknown {
  const payload = header?.fields[TRACER_HEADER];
  if (payload === undefined) return undefined;
  return (defaultPayloadConverter.fromPayload(payload as never) as { spanId?: string }).spanId;
}

/** The span ids of the `_tracer-data` headers the workflow code writes when `history` is replayed. */
async function replayedHeaderSpanIds(history: History): Promise<string[]> {
  const ids: string[] = [];
  await replayHistory(history, workflowsPath, [TRACING_WORKFLOW_MODULE], (completion) => {
    for (const command of completion.commands) {
      if (!("headers" in command) || command.headers?.[TRACER_HEADER] === undefined) continue;
      const data = defaultPayloadConverter.fromPayload(payloadFromJson(command.headers[TRACER_HEADER])) as {
        spanId: string;
      };
      ids.push(data.spanId);
    }
  });
  return ids;
}

test("one trace from the client call through the workflow run, its activities and a child's run, each span once although every task replays", async () => {
  const { client, taskQueue } = await env();
  exporter.reset();
  const workflowId = uniqueId("otel");
  const handle = await client.startWorkflow("otelParent", { id: workflowId, taskQueue });
  assert.deepEqual(await handle.result(), ["parent", "local", "child"]);
  // The run's span is exported after the server accepted its last task, which may be after the result.
  await eventually(
    () => exporter.getFinishedSpans().find((s) => s.name === "RunWorkflow:otelParent"),
    "the parent's RunWorkflow span",
  );

  const spans = exporter.getFinishedSpans();
  const start = only(spans, "StartWorkflow:otelParent");
  assert.equal(start.kind, SpanKind.CLIENT);
  assert.equal(start.parentSpanContext, undefined, "the client span is the root");

  const run = only(spans, "RunWorkflow:otelParent");
  assertChildOf(run, start);
  assert.equal(run.kind, SpanKind.SERVER);
  assert.equal(run.attributes["temporal.workflow.id"], workflowId);
  assert.equal(run.status.code, SpanStatusCode.OK);
  assert.ok(
    run.duration[0] > 0 || run.duration[1] > 0,
    "the run's span lasts from its first task to its last",
  );

  const startRemote = only(spans, "StartActivity:step", {
    "temporal.workflow.type": "otelParent",
    "temporal.activity.local": undefined,
  });
  const startLocal = only(spans, "StartActivity:step", { "temporal.activity.local": true });
  const startChild = only(spans, "StartChildWorkflow:otelChild");
  for (const span of [startRemote, startLocal, startChild]) {
    assertChildOf(span, run);
    assert.equal(span.kind, SpanKind.CLIENT);
  }
  const childRun = only(spans, "RunWorkflow:otelChild");
  assertChildOf(childRun, startChild);
  const childStart = only(spans, "StartActivity:step", { "temporal.workflow.type": "otelChild" });
  assertChildOf(childStart, childRun);

  const activities = spans.filter((s) => s.name === "RunActivity:step");
  assert.equal(activities.length, 3, names(spans));
  const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;
  assert.deepEqual(
    activities.map(parentOf).sort(),
    [startRemote, startLocal, childStart].map((s) => s.spanContext().spanId).sort(),
    "each activity execution is a child of the span that scheduled it",
  );
  // Exactly these spans, in one trace, none duplicated by the replays.
  assert.equal(spans.length, 10, names(spans));
  assert.equal(new Set(spans.map((s) => s.spanContext().spanId)).size, 10);
  assert.equal(new Set(spans.map((s) => s.spanContext().traceId)).size, 1);

  // History holds the ids of the exported spans, and replaying it writes the same headers again.
  const history = await handle.fetchHistory();
  const scheduled = history.events.find((e) => e.attributes.case === "activityTaskScheduledEventAttributes");
  assert.ok(scheduled?.attributes.case === "activityTaskScheduledEventAttributes");
  assert.equal(headerSpanId(scheduled.attributes.value.header), startRemote.spanContext().spanId);
  const child = history.events.find((e) =>
    e.attributes.case === "startChildWorkflowExecutionInitiatedEventAttributes"
  );
  assert.ok(child?.attributes.case === "startChildWorkflowExecutionInitiatedEventAttributes");
  assert.equal(headerSpanId(child.attributes.value.header), startChild.spanContext().spanId);
  const replayed = await replayedHeaderSpanIds(history);
  assert.deepEqual(
    replayed,
    [startRemote, startLocal, startChild].map((s) => s.spanContext().spanId),
    "the replayed workflow writes the recorded headers",
  );
  assert.equal(exporter.getFinishedSpans().length, 10, "replay exported nothing");
});

test("signal and update handling, continue-as-new and a signal to a child are spans in the callers' traces", async () => {
  const { client, taskQueue } = await env();
  exporter.reset();
  const workflowId = uniqueId("otel-handlers");
  const handle = await client.startWorkflow("otelHandlers", { id: workflowId, taskQueue, args: [0] });
  await handle.signal("poke", "hello");
  assert.equal(await handle.executeUpdate("bump", { args: [2] }), 2);
  assert.equal(await client.getWorkflowHandle(workflowId).result(), "continued:released");
  await eventually(() => {
    const runs = exporter.getFinishedSpans().filter((s) => s.name === "RunWorkflow:otelHandlers");
    return runs.length === 2 ? runs : undefined;
  }, "both runs' RunWorkflow spans");

  const spans = exporter.getFinishedSpans();
  const start = only(spans, "StartWorkflow:otelHandlers");
  const runs = spans.filter((s) => s.name === "RunWorkflow:otelHandlers");
  const first = runs.find((s) => s.parentSpanContext?.spanId === start.spanContext().spanId);
  const second = runs.find((s) => s !== first);
  assert.ok(first !== undefined && second !== undefined, names(spans));
  assertChildOf(first, start);

  const signal = only(spans, "SignalWorkflow:poke");
  const handleSignal = only(spans, "HandleSignal:poke");
  assertChildOf(handleSignal, signal);
  assert.equal(handleSignal.kind, SpanKind.SERVER);

  const update = only(spans, "StartWorkflowUpdate:bump");
  const handleUpdate = only(spans, "HandleUpdate:bump");
  assertChildOf(handleUpdate, update);
  assert.equal(handleUpdate.attributes["temporal.update.name"], "bump");
  // The validation step is a span even without a validator of the workflow's (interceptors may reject).
  assertChildOf(only(spans, "ValidateUpdate:bump"), update);

  const continued = only(spans, "ContinueAsNew:otelHandlers");
  assertChildOf(continued, first);
  assertChildOf(second, continued);
  assert.notEqual(second.attributes["temporal.run.id"], first.attributes["temporal.run.id"]);

  assertChildOf(only(spans, "StartActivity:step"), second);
  assertChildOf(only(spans, "RunActivity:step"), only(spans, "StartActivity:step"));
  const startWaiter = only(spans, "StartChildWorkflow:otelWaiter");
  assertChildOf(startWaiter, second);
  const waiter = only(spans, "RunWorkflow:otelWaiter");
  assertChildOf(waiter, startWaiter);
  const signalChild = only(spans, "SignalChildWorkflow:go");
  assertChildOf(signalChild, second);
  assertChildOf(only(spans, "HandleSignal:go"), signalChild);
  assert.equal(spans.length, 15, names(spans));
  assert.equal(new Set(spans.map((s) => s.spanContext().spanId)).size, 15);

  // Both runs' histories replay with the tracing module (and the continued run's start header is the
  // ContinueAsNew span).
  const firstHistory = await client.getWorkflowHandle(workflowId, {
    runId: String(first.attributes["temporal.run.id"]),
  }).fetchHistory();
  const continuedEvent = firstHistory.events.at(-1);
  assert.ok(continuedEvent?.attributes.case === "workflowExecutionContinuedAsNewEventAttributes");
  assert.equal(headerSpanId(continuedEvent.attributes.value.header), continued.spanContext().spanId);
  await replayHistory(firstHistory, workflowsPath, [TRACING_WORKFLOW_MODULE]);
  await replayHistory(await client.getWorkflowHandle(workflowId).fetchHistory(), workflowsPath, [
    TRACING_WORKFLOW_MODULE,
  ]);
});

/** A span's start and end in ms since the epoch. */
function spanMs(span: ReadableSpan): { start: number; end: number } {
  const ms = ([s, ns]: [number, number]) => s * 1000 + ns / 1e6;
  return { start: ms(span.startTime), end: ms(span.endTime) };
}

test("query handlers and update validators are spans in the callers' traces, and leave the run's replay-stable ids alone", async () => {
  const { client, taskQueue } = await env();
  exporter.reset();
  const workflowId = uniqueId("otel-queried");
  const handle = await client.startWorkflow("otelQueried", { id: workflowId, taskQueue });
  assert.equal(await handle.executeUpdate("add", { args: [3] }), "add 3");
  await assert.rejects(handle.executeUpdate("add", { args: [-1] }), /Only positive amounts, not -1/);
  // The workflow clock stays at the last task's time; query spans use the worker's clock.
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.equal(await handle.query("total"), 3);
  assert.equal(await handle.query("total"), 3);
  // A query from a client that does not trace carries no context, and makes no span.
  const { address, namespace } = await devServer();
  const plain = await Client.connect(address, { namespace });
  try {
    assert.equal(await plain.getWorkflowHandle(workflowId).query("total"), 3);
  } finally {
    await plain.connection.close();
  }
  await handle.signal("finish");
  assert.equal(await handle.result(), 3);
  await eventually(
    () => exporter.getFinishedSpans().find((s) => s.name === "RunWorkflow:otelQueried"),
    "the RunWorkflow span",
  );

  const spans = exporter.getFinishedSpans();
  const run = only(spans, "RunWorkflow:otelQueried");
  const queries = spans.filter((s) => s.name === "QueryWorkflow:total");
  const handled = spans.filter((s) => s.name === "HandleQuery:total");
  assert.equal(queries.length, 2, names(spans));
  assert.equal(handled.length, 2, `one HandleQuery per traced query: ${names(spans)}`);
  for (const query of queries) {
    const span = handled.find((h) => h.parentSpanContext?.spanId === query.spanContext().spanId);
    assert.ok(span !== undefined, "each HandleQuery is a child of its QueryWorkflow span");
    assertChildOf(span, query);
    assert.equal(span.kind, SpanKind.SERVER);
    assert.equal(span.status.code, SpanStatusCode.OK);
    assert.equal(span.attributes["temporal.query.name"], "total");
    assert.equal(span.attributes["temporal.workflow.id"], workflowId);
    assert.equal(span.attributes["temporal.run.id"], run.attributes["temporal.run.id"]);
    const inner = spanMs(span);
    const outer = spanMs(query);
    assert.ok(
      inner.start >= outer.start - 1 && inner.end <= outer.end + 1,
      `HandleQuery (${inner.start}-${inner.end}) lies within QueryWorkflow (${outer.start}-${outer.end})`,
    );
  }

  const updates = spans.filter((s) => s.name === "StartWorkflowUpdate:add");
  const validations = spans.filter((s) => s.name === "ValidateUpdate:add");
  assert.equal(updates.length, 2, names(spans));
  assert.equal(validations.length, 2, `one ValidateUpdate per update: ${names(spans)}`);
  const accepted = validations.find((s) => s.status.code === SpanStatusCode.OK);
  const rejected = validations.find((s) => s.status.code === SpanStatusCode.ERROR);
  assert.ok(accepted !== undefined && rejected !== undefined, "one validation passed, one failed");
  assert.match(rejected.status.message ?? "", /Only positive amounts, not -1/);
  assert.equal(rejected.events[0]?.name, "exception");
  const updateOf = (span: ReadableSpan) => {
    const update = updates.find((u) => u.spanContext().spanId === span.parentSpanContext?.spanId);
    assert.ok(update !== undefined, `${span.name} is a child of a StartWorkflowUpdate span`);
    return update;
  };
  assert.notEqual(updateOf(accepted), updateOf(rejected));
  assert.equal(accepted.kind, SpanKind.SERVER);
  assert.equal(accepted.attributes["temporal.update.name"], "add");
  assert.equal(typeof accepted.attributes["temporal.update.id"], "string");
  assertChildOf(only(spans, "HandleUpdate:add"), updateOf(accepted));

  // The update handler's activity, scheduled in the same task as the validator ran, is a child of the
  // run; replaying the history writes its recorded header, so the validator drew none of the run's ids.
  const startActivity = only(spans, "StartActivity:step");
  assertChildOf(startActivity, run);
  assertChildOf(only(spans, "RunActivity:step"), startActivity);
  assert.equal(new Set(spans.map((s) => s.spanContext().spanId)).size, spans.length);
  const history = await handle.fetchHistory();
  const scheduled = history.events.find((e) => e.attributes.case === "activityTaskScheduledEventAttributes");
  assert.ok(scheduled?.attributes.case === "activityTaskScheduledEventAttributes");
  assert.equal(headerSpanId(scheduled.attributes.value.header), startActivity.spanContext().spanId);
  assert.deepEqual(await replayedHeaderSpanIds(history), [startActivity.spanContext().spanId]);
});

test("workflow spans go through the provider only with Sandglass's id generator, keeping the workflow's ids, times, status and events", () => {
  const span = {
    name: "RunWorkflow:unit",
    kind: "SERVER" as const,
    traceId: "0af7651916cd43dd8448eb211c80319c",
    spanId: "b7ad6b7169203331",
    parentSpanId: "00f067aa0ba902b7",
    traceFlags: 1,
    startTime: Date.UTC(2026, 0, 1),
    endTime: Date.UTC(2026, 0, 1) + 1500,
    attributes: { "temporal.workflow.id": "unit" },
    status: { code: "ERROR" as const, message: "boom" },
    events: [{
      name: "exception",
      time: Date.UTC(2026, 0, 1) + 1500,
      attributes: { "exception.message": "boom" },
    }],
  };
  const memory = new InMemorySpanExporter();
  const plain = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] });
  createTracingWorkflowSpanExporter({ tracer: plain.getTracer("t") })([span], {
    namespace: "default",
    taskQueue: "q",
    workflowId: "unit",
    runId: "r",
    workflowType: "unit",
  });
  assert.deepEqual(memory.getFinishedSpans(), [], "a provider with its own ids cannot export them: dropped");

  const withIds = new BasicTracerProvider({
    idGenerator: createTracingIdGenerator(),
    spanProcessors: [new SimpleSpanProcessor(memory)],
  });
  createTracingWorkflowSpanExporter({ tracer: withIds.getTracer("t") })([span], {
    namespace: "default",
    taskQueue: "q",
    workflowId: "unit",
    runId: "r",
    workflowType: "unit",
  });
  const [exported] = memory.getFinishedSpans();
  assert.ok(exported !== undefined);
  assert.equal(exported.spanContext().traceId, span.traceId);
  assert.equal(exported.spanContext().spanId, span.spanId);
  assert.equal(exported.parentSpanContext?.spanId, span.parentSpanId);
  assert.equal(exported.kind, SpanKind.SERVER);
  assert.deepEqual(exported.startTime, [Math.floor(span.startTime / 1000), 0]);
  assert.deepEqual(exported.duration, [1, 500_000_000]);
  assert.deepEqual(exported.status, { code: SpanStatusCode.ERROR, message: "boom" });
  assert.equal(exported.events[0]?.name, "exception");
  assert.equal(exported.attributes["temporal.workflow.id"], "unit");
  // Other spans of that provider still get random ids.
  const other = withIds.getTracer("t").startSpan("other");
  assert.notEqual(other.spanContext().spanId, span.spanId);
  assert.match(other.spanContext().spanId, /^[0-9a-f]{16}$/);
  other.end();
});

test("a failed client call ends its span with an error status", async () => {
  const { client, taskQueue } = await env();
  const handle = await client.startWorkflow("otelParent", { id: uniqueId("otel-sig"), taskQueue });
  await handle.result();
  await eventually(
    () => exporter.getFinishedSpans().find((s) => s.name === "RunWorkflow:otelParent"),
    "the RunWorkflow span",
  );
  exporter.reset();
  // The run has completed: the signal is refused by the server.
  await assert.rejects(handle.signal("late"));
  const spans = exporter.getFinishedSpans();
  assert.deepEqual(spans.map((s) => s.name), ["SignalWorkflow:late"]);
  assert.equal(spans[0]!.kind, SpanKind.CLIENT);
  assert.equal(spans[0]!.status.code, SpanStatusCode.ERROR);
  assert.equal(spans[0]!.events[0]?.name, "exception");
});
