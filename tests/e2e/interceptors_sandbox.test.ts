import assert from "node:assert/strict";
import { after, test } from "node:test";
import { defaultPayloadConverter } from "../../common/default_payload_converter.ts";
import { bundleWorkflows, stopBundler } from "../../sandbox/bundler.ts";
import { createWorkflowHost } from "../../sandbox/host.ts";
import { TRACING_WORKFLOW_MODULE } from "../../worker/otel/tracing_workflow_module.ts";
import { resolveWorkerOptions } from "../../worker/worker_options.ts";
import type { Activation, Completion, PayloadJson, StartWorkflowJob } from "../../sandbox/protocol.ts";
import { payloadFromJson, payloadToJson } from "../../sandbox/workflow/internal/json_form.ts";

const workflows = new URL("./workflows/interceptors_unit.ts", import.meta.url);
const tenantModule = new URL("./workflows/interceptors_module.ts", import.meta.url);
const T0 = Date.UTC(2026, 0, 1);

after(() => stopBundler());

function payload(value: unknown): PayloadJson {
  return payloadToJson(defaultPayloadConverter.toPayload(value));
}

function start(runId: string, tenant: string | undefined, workflowType = "callOnce"): Activation {
  const job: StartWorkflowJob = {
    kind: "startWorkflow",
    workflowType,
    workflowId: `wf-${runId}`,
    namespace: "default",
    taskQueue: "interceptor-tests",
    args: [payload(runId)],
    randomnessSeed: "7",
    firstExecutionRunId: runId,
    attempt: 1,
    startTime: T0,
    ...(tenant === undefined ? {} : { headers: { tenant: payload(tenant) } }),
  };
  return { runId, timestamp: T0, isReplaying: false, historyLength: 3, jobs: [job] };
}

function scheduledTenant(completion: Completion): unknown {
  const command = completion.commands.find((c) => c.kind === "scheduleActivity");
  assert.ok(command?.kind === "scheduleActivity", JSON.stringify(completion));
  const header = command.headers?.["tenant"];
  return header === undefined ? undefined : defaultPayloadConverter.fromPayload(payloadFromJson(header));
}

for (const strategy of ["shared", "context"] as const) {
  test(`[${strategy}] each run's interceptors keep their own state: interleaved runs copy their own start header`, async () => {
    const bundle = await bundleWorkflows(workflows, { interceptorModules: [tenantModule] });
    const host = await createWorkflowHost({ bundle, strategy });
    try {
      const a = await host.activate(start("run-a", "alpha"));
      const b = await host.activate(start("run-b", "beta"));
      const c = await host.activate(start("run-c", undefined));
      assert.equal(scheduledTenant(a), "alpha");
      assert.equal(scheduledTenant(b), "beta");
      assert.equal(scheduledTenant(c), undefined, "no header, none copied");
      const done = await host.activate({
        runId: "run-a",
        timestamp: T0 + 1000,
        isReplaying: false,
        historyLength: 9,
        jobs: [{ kind: "resolveActivity", seq: 1, result: { status: "completed", result: payload("ok") } }],
      });
      const complete = done.commands.find((cmd) => cmd.kind === "completeWorkflow");
      assert.ok(complete?.kind === "completeWorkflow");
      assert.equal(defaultPayloadConverter.fromPayload(payloadFromJson(complete.result!)), "ok");
    } finally {
      host.dispose();
    }
  });
}

test("a bundle without interceptor modules schedules activities without headers", async () => {
  const bundle = await bundleWorkflows(workflows);
  const host = await createWorkflowHost({ bundle });
  try {
    const completion = await host.activate(start("run-plain", "alpha"));
    const command = completion.commands.find((c) => c.kind === "scheduleActivity");
    assert.ok(command?.kind === "scheduleActivity");
    assert.equal(command.headers, undefined);
  } finally {
    host.dispose();
  }
});

test("an interceptors module without an interceptors() export fails the workflow task with a clear error", async () => {
  const missing = new URL("./workflows/interceptors_missing_factory.ts", import.meta.url);
  const bundle = await bundleWorkflows(workflows, { interceptorModules: [missing] });
  const host = await createWorkflowHost({ bundle });
  try {
    const completion = await host.activate(start("run-missing", undefined));
    assert.deepEqual(completion.commands, []);
    assert.match(completion.failure?.message ?? "", /module 1 has no 'interceptors' export/);
  } finally {
    host.dispose();
  }
});

test("an activity interceptor that awaits before calling next is refused (commands must keep their order)", async () => {
  const late = new URL("./workflows/interceptors_late_next.ts", import.meta.url);
  const bundle = await bundleWorkflows(workflows, { interceptorModules: [late] });
  const host = await createWorkflowHost({ bundle });
  try {
    const completion = await host.activate(start("run-late", undefined));
    assert.deepEqual(completion.commands, []);
    assert.match(completion.failure?.message ?? "", /did not call next synchronously/);
  } finally {
    host.dispose();
  }
});

test("a continueAsNew interceptor that swallows the error next throws fails the workflow task with a clear error", async () => {
  const swallow = new URL("./workflows/interceptors_swallow_continue.ts", import.meta.url);
  const bundle = await bundleWorkflows(workflows, { interceptorModules: [swallow] });
  const host = await createWorkflowHost({ bundle });
  try {
    const completion = await host.activate(start("run-swallow", undefined, "continueOnce"));
    assert.deepEqual(completion.commands, []);
    assert.match(completion.failure?.message ?? "", /'continueAsNew' returned instead of calling next/);
  } finally {
    host.dispose();
  }
});

test("the tracing module writes the same trace headers on replay and hands over spans only when not replaying", async () => {
  const bundle = await bundleWorkflows(workflows, { interceptorModules: [TRACING_WORKFLOW_MODULE] });
  const host = await createWorkflowHost({ bundle });
  const traced = (activation: Activation): Activation => {
    const job = activation.jobs[0] as StartWorkflowJob;
    const parent = { traceId: "0af7651916cd43dd8448eb211c80319c", spanId: "b7ad6b7169203331", traceFlags: 1 };
    return { ...activation, jobs: [{ ...job, headers: { "_tracer-data": payload(parent) } }] };
  };
  const tracerData = (completion: Completion) => {
    const command = completion.commands.find((c) => c.kind === "scheduleActivity");
    assert.ok(command?.kind === "scheduleActivity", JSON.stringify(completion));
    return defaultPayloadConverter.fromPayload(payloadFromJson(command.headers!["_tracer-data"]!));
  };
  try {
    const first = await host.activate(traced(start("run-traced", undefined)));
    host.evict("run-traced");
    const replayed = await host.activate({ ...traced(start("run-traced", undefined)), isReplaying: true });
    assert.deepEqual(tracerData(replayed), tracerData(first), "the replay writes the recorded header");
    assert.equal(replayed.spans, undefined, "nothing to export while replaying");
    const [startActivity] = first.spans ?? [];
    assert.equal(startActivity?.name, "StartActivity:echoTenant");
    assert.equal(startActivity.traceId, "0af7651916cd43dd8448eb211c80319c");
    assert.deepEqual(tracerData(first), {
      traceId: startActivity.traceId,
      spanId: startActivity.spanId,
      traceFlags: 1,
    });
    // Its parent is the run's span, which ends (and is handed over) with the run.
    const done = await host.activate({
      runId: "run-traced",
      timestamp: T0 + 1000,
      isReplaying: false,
      historyLength: 9,
      jobs: [{ kind: "resolveActivity", seq: 1, result: { status: "completed", result: payload("ok") } }],
    });
    const run = done.spans?.find((s) => s.name === "RunWorkflow:callOnce");
    assert.ok(run !== undefined, JSON.stringify(done.spans));
    assert.equal(startActivity.parentSpanId, run.spanId);
    assert.equal(run.parentSpanId, "b7ad6b7169203331");
    assert.deepEqual([run.startTime, run.endTime], [T0, T0 + 1000]);
  } finally {
    host.dispose();
  }
});

test("the worker refuses workflow interceptor modules that are not paths or file: URLs", () => {
  assert.throws(
    () => resolveWorkerOptions({ taskQueue: "q", interceptors: { workflowModules: [""] } }),
    /Invalid interceptors.workflowModules/,
  );
  assert.throws(
    () => resolveWorkerOptions({ taskQueue: "q", interceptors: { workflowModules: "./x.ts" as never } }),
    /Invalid interceptors.workflowModules '.\/x.ts'/,
  );
  const resolved = resolveWorkerOptions({
    taskQueue: "q",
    interceptors: { workflowModules: [tenantModule] },
  });
  assert.deepEqual(resolved.workflowInterceptorModules, [tenantModule]);
});
