import assert from "node:assert/strict";
import { after, test } from "node:test";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { Client } from "../../client/client.ts";
import { createTracingClientInterceptor } from "../../client/otel/tracing_client_interceptor.ts";
import { createTracingActivityInterceptor } from "../../worker/otel/tracing_activity_interceptor.ts";
import { TRACING_WORKFLOW_MODULE } from "../../worker/otel/tracing_workflow_module.ts";
import { Worker } from "../../worker/worker.ts";
import { devServer, uniqueId } from "../support/servers.ts";
import { quietLogger } from "./e2e_support.ts";

const workflowsPath = new URL("./workflows/otel.ts", import.meta.url);
const exporter = new InMemorySpanExporter();
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
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
      interceptors: {
        workflowModules: [TRACING_WORKFLOW_MODULE],
        activity: [createTracingActivityInterceptor({ tracer })],
      },
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

test("one trace from the client call through the workflow's activities, local activities and a child's activities, without duplicates on replay", async () => {
  const { client, taskQueue } = await env();
  exporter.reset();
  const handle = await client.startWorkflow("otelParent", { id: uniqueId("otel"), taskQueue });
  assert.deepEqual(await handle.result(), ["parent", "local", "child"]);

  const spans = exporter.getFinishedSpans();
  const start = spans.find((s) => s.name === "StartWorkflow:otelParent");
  assert.ok(start !== undefined, `spans: ${spans.map((s) => s.name).join(", ")}`);
  assert.equal(start.kind, SpanKind.CLIENT);
  assert.equal(start.parentSpanContext, undefined, "the client span is the root");
  const traceId = start.spanContext().traceId;

  const activities = spans.filter((s) => s.name === "RunActivity:step");
  // One span per activity execution although every task was replayed (no cache).
  assert.equal(activities.length, 3, `spans: ${spans.map((s) => s.name).join(", ")}`);
  for (const span of activities) {
    assert.equal(span.spanContext().traceId, traceId, "same trace");
    assert.equal(span.parentSpanContext?.spanId, start.spanContext().spanId, "child of the client call");
    assert.equal(span.kind, SpanKind.SERVER);
  }
  assert.deepEqual(
    activities.map((s) => s.attributes["temporal.activity.local"]).sort(),
    [false, false, true],
  );
  const workflowIds = new Set(activities.map((s) => s.attributes["temporal.workflow.id"]));
  assert.equal(workflowIds.size, 2, "the parent's and the child's activities");
  assert.equal(spans.length, 4, `spans: ${spans.map((s) => s.name).join(", ")}`);
});

test("a failed client call ends its span with an error status", async () => {
  const { client, taskQueue } = await env();
  const handle = await client.startWorkflow("otelParent", { id: uniqueId("otel-sig"), taskQueue });
  await handle.result();
  exporter.reset();
  // The run has completed: the signal is refused by the server.
  await assert.rejects(handle.signal("late"));
  const spans = exporter.getFinishedSpans();
  assert.deepEqual(spans.map((s) => s.name), ["SignalWorkflow:late"]);
  assert.equal(spans[0]!.kind, SpanKind.CLIENT);
  assert.equal(spans[0]!.status.code, SpanStatusCode.ERROR);
  assert.equal(spans[0]!.events[0]?.name, "exception");
});
