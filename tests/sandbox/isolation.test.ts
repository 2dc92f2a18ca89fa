import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { bundleWorkflows, stopBundler } from "../../sandbox/bundler.ts";
import { createWorkflowHost, type PoisonedEvent, type WorkflowHost } from "../../sandbox/host.ts";
import type { IsolationStrategy } from "../../sandbox/strategy.ts";
import { lineOf, resultOf, startActivation, T0, workflowFailureOf } from "./fixtures/activations.ts";

const WORKFLOWS = new URL("./fixtures/adversarial_workflows.ts", import.meta.url);
const RUNTIME = new URL("./fixtures/runtime.ts", import.meta.url);

async function withHost(
  strategy: IsolationStrategy,
  fn: (host: WorkflowHost, poisoned: PoisonedEvent[]) => Promise<void>,
  limits = {},
): Promise<void> {
  const bundle = await bundleWorkflows(WORKFLOWS, { runtimeModule: RUNTIME });
  const poisoned: PoisonedEvent[] = [];
  const host = await createWorkflowHost({
    bundle,
    strategy,
    limits: { activationTimeoutMs: 300, ...limits },
    onPoisoned: (event) => poisoned.push(event),
  });
  try {
    await fn(host, poisoned);
  } finally {
    host.dispose();
    await stopBundler();
  }
}

for (const strategy of ["shared", "context"] as const) {
  test(`[${strategy}] module-level state is fresh for every run`, async () => {
    await withHost(strategy, async (host) => {
      for (let i = 0; i < 3; i++) {
        assert.equal(resultOf(await host.activate(startActivation(`count-${i}`, "countModuleState"))), 1);
      }
    });
  });

  test(`[${strategy}] a run cannot change globals, built-in prototypes or injected sources for another run`, async () => {
    await withHost(strategy, async (host) => {
      assert.deepEqual(resultOf(await host.activate(startActivation("attacker", "mutateShared"))), []);
      const seen = resultOf(await host.activate(startActivation("victim", "observeShared"))) as Record<
        string,
        unknown
      >;
      assert.deepEqual(seen, {
        push: 2,
        polluted: null,
        polluted2: null,
        shared: null,
        json: [1],
        upper: "ABC",
        message: "",
        spread: [1, 2],
        then: "ok",
        now: T0,
      });
    });
  });

  test(`[${strategy}] assigning over inherited built-in properties still works (no override mistake)`, async () => {
    await withHost(strategy, async (host) => {
      const result = resultOf(await host.activate(startActivation("override", "overridePatterns")));
      assert.deepEqual(result, ["MyError", "custom", "assigned", "function"]);
    });
  });

  test(`[${strategy}] workflow code cannot reach the host or load code`, async () => {
    await withHost(strategy, async (host) => {
      const out = resultOf(await host.activate(startActivation("reach", "reachHost"))) as Record<
        string,
        string
      >;
      for (const [key, value] of Object.entries(out)) {
        if (key.startsWith("typeof ")) assert.equal(value, "undefined", key);
      }
      for (
        const key of [
          "eval",
          "directEval",
          "Function",
          "newFunction",
          "constructorOfFunction",
          "constructorOfConstructor",
          "asyncFunction",
          "generatorFunction",
          "asyncGeneratorFunction",
        ]
      ) {
        assert.match(
          out[key]!,
          /^DeterminismViolationError: .* is not available in workflow code: .*Import the code you need/,
          key,
        );
      }
      assert.match(out.stringTimer!, /^DeterminismViolationError: setTimeout needs a function, got string/);
      assert.equal(out.instanceofFunction, "true");
      assert.match(
        out.dynamicImport!,
        /Dynamic import\('(\.\/)?other\.js'\) is not available in workflow code/,
      );
    });
  });

  test(`[${strategy}] an infinite loop fails only its own task, naming the source line`, async () => {
    const source = await readFile(WORKFLOWS, "utf8");
    const line = lineOf(source, "INFINITE-LOOP-LINE");
    const fnLine = lineOf(source, "function infiniteLoop");
    await withHost(strategy, async (host) => {
      await host.activate(startActivation("sleeper", "sleeper"));
      const completion = await host.activate(startActivation("looper", "infiniteLoop"));
      assert.deepEqual(completion.commands, []);
      assert.match(
        completion.failure?.message ?? "",
        /^Workflow code blocked for 300 ms in tests\/sandbox\/fixtures\/adversarial_workflows\.ts:\d+: /,
      );
      // QuickJS reports the loop's line or, when it has not saved the loop's position, the function's.
      const reported = Number(/\.ts:(\d+)/.exec(completion.failure?.message ?? "")?.[1]);
      assert.ok(reported >= fnLine && reported <= line, `reported line ${reported}`);
      assert.equal(host.has("looper"), false);
      assert.equal(host.has("sleeper"), true);
      const resumed = await host.activate({
        runId: "sleeper",
        timestamp: T0 + 1000,
        isReplaying: false,
        historyLength: 8,
        jobs: [{ kind: "fireTimer", seq: 1 }],
      });
      assert.equal(resultOf(resumed), "slept");
      assert.equal(resultOf(await host.activate(startActivation("after-loop", "countModuleState"))), 1);
    });
  });

  test(`[${strategy}] unbounded recursion fails only its own workflow`, async () => {
    await withHost(strategy, async (host) => {
      const completion = await host.activate(startActivation("recursion", "unboundedRecursion"));
      assert.match(workflowFailureOf(completion), /stack overflow/);
      assert.equal(resultOf(await host.activate(startActivation("after-recursion", "countModuleState"))), 1);
    });
  });

  test(`[${strategy}] a 1 GiB allocation fails only its own workflow`, async () => {
    await withHost(strategy, async (host) => {
      const completion = await host.activate(startActivation("gigabyte", "allocateGigabyte"));
      assert.deepEqual(completion.commands, []);
      assert.match(
        completion.failure?.message ?? "",
        /^Workflow code ran out of memory in tests\/sandbox\/fixtures\/adversarial_workflows\.ts:\d+/,
      );
      assert.equal(resultOf(await host.activate(startActivation("after-gigabyte", "countModuleState"))), 1);
    });
  });

  test(`[${strategy}] filling the heap fails only its own task; other runs continue`, async () => {
    await withHost(strategy, async (host, poisoned) => {
      await host.activate(startActivation("bystander", "sleeper"));
      const completion = await host.activate(startActivation("grower", "growForever"));
      assert.deepEqual(completion.commands, []);
      assert.match(completion.failure?.message ?? "", /^Workflow code ran out of memory/);
      assert.deepEqual(poisoned, []);
      assert.equal(host.has("grower"), false);
      const resumed = await host.activate({
        runId: "bystander",
        timestamp: T0 + 1000,
        isReplaying: false,
        historyLength: 8,
        jobs: [{ kind: "fireTimer", seq: 1 }],
      });
      assert.equal(resultOf(resumed), "slept");
      assert.equal(resultOf(await host.activate(startActivation("after-grower", "countModuleState"))), 1);
    }, { memoryLimitBytes: 64 * 1024 * 1024 });
  });

  test(`[${strategy}] a throwing workflow fails only itself, with a stack trace in the TypeScript source`, async () => {
    const source = await readFile(WORKFLOWS, "utf8");
    const line = lineOf(source, "THROW-LINE");
    await withHost(strategy, async (host) => {
      const completion = await host.activate(startActivation("thrower", "throwing"));
      const failure = completion.commands.find((c) => c.kind === "failWorkflow");
      assert.ok(failure?.kind === "failWorkflow");
      assert.equal(failure.failure.message, "boom from workflow");
      assert.match(
        failure.failure.stackTrace ?? "",
        new RegExp(`tests/sandbox/fixtures/adversarial_workflows\\.ts:${line}:\\d+`),
      );
      assert.equal(resultOf(await host.activate(startActivation("after-throw", "countModuleState"))), 1);
    });
  });
}
