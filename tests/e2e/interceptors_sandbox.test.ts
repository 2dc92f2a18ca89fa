import assert from "node:assert/strict";
import { after, test } from "node:test";
import { defaultPayloadConverter } from "../../common/default_payload_converter.ts";
import { bundleWorkflows, stopBundler } from "../../sandbox/bundler.ts";
import { createWorkflowHost } from "../../sandbox/host.ts";
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

function start(runId: string, tenant: string | undefined): Activation {
  const job: StartWorkflowJob = {
    kind: "startWorkflow",
    workflowType: "callOnce",
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
