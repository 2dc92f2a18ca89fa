import { test } from "node:test";
import assert from "node:assert/strict";
import { bundleWorkflows, stopBundler } from "../../sandbox/bundler.ts";
import { createWorkflowHost, type WorkflowHost } from "../../sandbox/host.ts";
import { resultOf, startActivation } from "./fixtures/activations.ts";

const WORKFLOWS = new URL("./fixtures/shared_runtime_workflows.ts", import.meta.url);

async function withHost(fn: (host: WorkflowHost) => Promise<void>): Promise<void> {
  const bundle = await bundleWorkflows(WORKFLOWS);
  const host = await createWorkflowHost({ bundle, strategy: "shared" });
  try {
    await fn(host);
  } finally {
    host.dispose();
    await stopBundler();
  }
}

test("the workflow runtime shared by a context's runs is frozen and holds no mutable built-ins", async () => {
  await withHost(async (host) => {
    const found = resultOf(await host.activate(startActivation("inspect", "inspectShared"))) as {
      exports: number;
      unfrozen: string[];
      stateful: string[];
    };
    assert.ok(found.exports > 30, `the API exports many values (${found.exports})`);
    assert.deepEqual({ unfrozen: found.unfrozen, stateful: found.stateful }, { unfrozen: [], stateful: [] });
  });
});

test("a run cannot change the shared workflow API for other runs, and user module state stays per run", async () => {
  await withHost(async (host) => {
    assert.deepEqual(resultOf(await host.activate(startActivation("tamper", "tamperShared"))), []);
    for (const runId of ["observer-1", "observer-2"]) {
      assert.deepEqual(resultOf(await host.activate(startActivation(runId, "observeShared"))), {
        loads: 1,
        run: true,
        current: true,
        extra: null,
        logInfo: "original",
        subclassName: "MyFailure",
        subclassInstance: true,
      });
    }
  });
});
