import { test } from "node:test";
import assert from "node:assert/strict";
import { bundleWorkflows, stopBundler } from "../../sandbox/bundler.ts";
import { createWorkflowHost } from "../../sandbox/host.ts";
import { resultOf, startActivation, T0 } from "./fixtures/activations.ts";

const WORKFLOWS = new URL("./fixtures/real_workflows.ts", import.meta.url);

for (const strategy of ["shared", "context"] as const) {
  test(`[${strategy}] the real workflow runtime runs in the host: start, durable timer, completion`, async () => {
    const bundle = await bundleWorkflows(WORKFLOWS);
    const host = await createWorkflowHost({ bundle, strategy });
    try {
      assert.equal(
        resultOf(await host.activate(startActivation("hello-1", "hello", ["World"]))),
        "Hello, World!",
      );
      const started = await host.activate(startActivation("sleepy-1", "sleepy", ["Timer"]));
      assert.deepEqual(started.commands, [{ kind: "startTimer", seq: 1, durationMs: 1000 }]);
      assert.equal(host.has("sleepy-1"), true);
      const fired = await host.activate({
        runId: "sleepy-1",
        timestamp: T0 + 1000,
        isReplaying: false,
        historyLength: 8,
        jobs: [{ kind: "fireTimer", seq: 1 }],
      });
      assert.equal(resultOf(fired), "Hello, Timer!");

      const removed = await host.activate({
        runId: "sleepy-1",
        timestamp: T0 + 1000,
        isReplaying: false,
        historyLength: 8,
        jobs: [{ kind: "removeFromCache", message: "test" }],
      });
      assert.deepEqual(removed, { runId: "sleepy-1", commands: [] });
      assert.equal(host.has("sleepy-1"), false);
      const missing = await host.activate({
        runId: "sleepy-1",
        timestamp: T0,
        isReplaying: false,
        historyLength: 9,
        jobs: [{ kind: "fireTimer", seq: 2 }],
      });
      assert.match(
        missing.failure?.message ?? "",
        /Run 'sleepy-1' is not in the sandbox cache; evict it and replay its history from the start/,
      );
    } finally {
      host.dispose();
      await stopBundler();
    }
  });
}

const BLOCKS_WHILE_LOADING = new URL("./fixtures/blocks_while_loading.ts", import.meta.url);

for (const strategy of ["shared", "context"] as const) {
  test(`[${strategy}] describeWorkflows lists the workflow types, or reports modules that block while loading`, async () => {
    const host = await createWorkflowHost({ bundle: await bundleWorkflows(WORKFLOWS), strategy });
    const blocking = await createWorkflowHost({
      bundle: await bundleWorkflows(BLOCKS_WHILE_LOADING),
      strategy,
      limits: { activationTimeoutMs: 200 },
    });
    try {
      assert.deepEqual(await host.describeWorkflows(), {
        ok: true,
        types: ["hello", "sleepy", "ticker"],
        dynamic: false,
      });
      // Describing is not a run: the host holds none, and runs start as usual afterwards.
      assert.equal(host.stats().runs, 0);
      assert.equal(
        resultOf(await host.activate(startActivation("hello-2", "hello", ["World"]))),
        "Hello, World!",
      );
      const blocked = await blocking.describeWorkflows();
      assert.equal(blocked.ok, false);
      assert.equal(blocked.ok === false && blocked.stage, "load");
      assert.match(
        blocked.ok === false ? blocked.message : "",
        /^Workflow code blocked for 200 ms in .*blocks_while_loading\.ts:\d+/,
      );
    } finally {
      host.dispose();
      blocking.dispose();
      await stopBundler();
    }
  });
}
