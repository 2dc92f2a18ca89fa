import { test } from "node:test";
import assert from "node:assert/strict";
import { bundleWorkflows, stopBundler } from "../../sandbox/bundler.ts";
import { createWorkflowHost, type WorkflowHost } from "../../sandbox/host.ts";
import type { Activation } from "../../sandbox/protocol.ts";
import type { IsolationStrategy } from "../../sandbox/strategy.ts";
import { resultOf, startActivation, T0 } from "./fixtures/activations.ts";

const WORKFLOWS = new URL("./fixtures/scope_slot_workflows.ts", import.meta.url);

async function withHost(
  strategy: IsolationStrategy,
  fn: (host: WorkflowHost) => Promise<void>,
): Promise<void> {
  const bundle = await bundleWorkflows(WORKFLOWS);
  const host = await createWorkflowHost({ bundle, strategy });
  try {
    await fn(host);
  } finally {
    host.dispose();
    await stopBundler();
  }
}

function fireTimer(runId: string, seq: number): Activation {
  return {
    runId,
    timestamp: T0 + 10,
    isReplaying: false,
    historyLength: 7,
    jobs: [{ kind: "fireTimer", seq }],
  };
}

for (const strategy of ["shared", "context"] as const) {
  test(`[${strategy}] workflow code cannot reach the slot that carries the cancellation scope`, async () => {
    await withHost(strategy, async (host) => {
      const found = resultOf(await host.activate(startActivation("finder", "findSlot")));
      assert.deepEqual(found, { paths: [], thenKeys: ["length", "name"], published: "undefined" });
    });
  });

  test(`[${strategy}] a scope planted by one run is never seen by another run`, async () => {
    await withHost(strategy, async (host) => {
      // The attacker plants scopes from everywhere it can run code during an activation, and its
      // run stays current until the prelude clears it: the victim's modules load right after.
      const attack = await host.activate(startActivation("attacker", "plantScope"));
      assert.deepEqual(attack, { runId: "attacker", commands: [] }, "the attacker's run keeps waiting");

      const started = await host.activate(startActivation("victim", "observeScope"));
      assert.deepEqual(started.commands, [{ kind: "startTimer", seq: 1, durationMs: 10 }]);
      const done = resultOf(await host.activate(fireTimer("victim", 1)));
      assert.deepEqual(done, {
        atLoad: { slot: "empty", scope: "throws ReferenceError", workflowId: "throws ReferenceError" },
        root: "a scope",
        rootIsOwn: true,
        afterAwait: "a scope",
        sameScopeAfterAwait: true,
        slotViaPrivateCopy: "empty",
      });
    });
  });
}
