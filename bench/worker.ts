/**
 * `npm run bench:worker`: Sandglass's worker against the official TypeScript SDK's worker on one
 * dev server, in one run. Each worker runs in its own child process (a fresh one per run),
 * measured from outside through /proc (CPU time of all its threads, RSS and peak RSS):
 *
 * 1. `activity`: N workflows with one no-op activity (default 5,000), driven by a closed loop of
 *    200 concurrent start-and-wait clients: throughput, p50/p99 end-to-end latency, worker
 *    CPU-seconds per workflow, peak RSS.
 * 2. `timers`: N workflows with 10 sequential 1 ms timers (default 2,000), same figures.
 * 3. `idle`: N workflows waiting for a signal, each cached after its first task (default 1,000):
 *    RSS growth per cached workflow.
 * 4. start-up: from spawning the worker process to the completion of a workflow that was queued
 *    before it started (the first workflow task), measured in every run and in `STARTUP_ONLY`
 *    more starts of their own (median of all shown).
 *
 * The throughput scenarios also report the CPU the dev server (when the bench started it) and the
 * driver (this process) spent per workflow: on a machine where the three share the cores, the sum
 * bounds the throughput any worker can reach.
 *
 * Each throughput scenario runs in `--rounds R` rounds (default 2) of N/R workflows, the two SDKs
 * taking turns to go first, and each run begins once the dev server is idle again (under 10 % of a
 * core for 2 s, at most 60 s), so neither SDK pays for the other's leftovers or for the server's drift
 * over the run; the figures pool the rounds, and each round's throughput is printed too.
 *
 * On Node, Sandglass's worker runs from the compiled npm package (dist/, built by `npm run build` at the
 * start of the run), as npm users get it and as the official SDK ships; `--from-source` runs it from the
 * TypeScript sources instead (type stripping at every start). Deno and Bun run the sources. The Node
 * children themselves (`worker_official.ts`, `worker_sandglass.ts`) run compiled to JavaScript, so
 * that neither start includes Node loading its TypeScript stripper.
 *
 * Options: `--scale F` multiplies the counts (env BENCH_SCALE, e.g. 0.05 for a quick run);
 * `--address host:port` uses a running dev server (env BENCH_ADDRESS; default: start one through
 * testing/); `--runtimes node,deno,bun` for Sandglass's worker (env BENCH_RUNTIMES, default node);
 * `--rounds R` (env BENCH_ROUNDS, default 2).
 * @module
 */
import { spawn, spawnSync } from "node:child_process";
import { loadavg } from "node:os";
import process from "node:process";
import { fileURLToPath } from "node:url";
import { Client } from "../client/client.ts";
import { startDevServer } from "../testing/mod.ts";
import {
  commandFor,
  compiledForNode,
  cpuSeconds,
  hasRuntime,
  memory,
  ratio,
  type Runtime,
} from "./_child.ts";

function option(
  name: string,
  env: string,
  fallback: string | undefined,
): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return (i >= 0 ? process.argv[i + 1] : undefined) ?? process.env[env] ??
    fallback;
}

const scale = Number(option("scale", "BENCH_SCALE", "1"));
const counts = {
  activity: Math.max(1, Math.round(5000 * scale)),
  timers: Math.max(1, Math.round(2000 * scale)),
  idle: Math.max(1, Math.round(1000 * scale)),
};
const runtimes = option("runtimes", "BENCH_RUNTIMES", "node")!.split(
  ",",
) as Runtime[];
const CONCURRENCY = 200;
const ROUNDS = Math.max(1, Number(option("rounds", "BENCH_ROUNDS", "2")));
/** Starts measured on their own (no scenario), besides the start of every run. */
const STARTUP_ONLY = 4;

const given = option("address", "BENCH_ADDRESS", undefined);
const server = given === undefined ? await startDevServer() : undefined;
const address = given ?? server!.address;
const client = await Client.connect(address, { namespace: "default" });

interface Figures {
  startupMs?: number;
  wallS?: number;
  throughput?: number;
  p50Ms?: number;
  p99Ms?: number;
  cpuSPerWorkflow?: number;
  serverCpuSPerWorkflow?: number;
  driverCpuSPerWorkflow?: number;
  peakRssMiB?: number;
  rssPerCachedKiB?: number;
}

type Sdk = {
  name: string;
  runtime: Runtime;
  script: string;
  env?: Record<string, string>;
};

let uid = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++uid}`;

/** Runs `fn` over `items` with at most `limit` in flight. */
async function pool<T>(
  items: T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}

function percentile(sorted: number[], p: number): number {
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ]!;
}

/** Spawns the worker of `sdk`, measures its start-up, runs `drive`, stops the worker. */
async function withWorker<T extends object>(
  sdk: Sdk,
  drive: (taskQueue: string, pid: number) => Promise<T>,
): Promise<T & { startupMs: number }> {
  const taskQueue = unique("bench");
  const first = await client.startWorkflow("benchTimers", {
    id: unique("first"),
    taskQueue,
    args: [0, 0],
  });
  const [file, args] = commandFor(sdk.runtime, sdk.script, []);
  const began = performance.now();
  const child = spawn(file, args, {
    env: {
      ...process.env,
      BENCH_ADDRESS: address,
      BENCH_TASK_QUEUE: taskQueue,
      ...sdk.env,
    },
    stdio: ["ignore", "ignore", "inherit"],
  });
  const exited = new Promise<number | null>((resolve) => child.on("exit", resolve));
  try {
    await Promise.race([
      first.result(),
      exited.then((code) => Promise.reject(new Error(`${sdk.name} worker exited with ${code}`))),
    ]);
    const startupMs = performance.now() - began;
    return { startupMs, ...(await drive(taskQueue, child.pid!)) };
  } finally {
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
    await exited;
    clearTimeout(timer);
  }
}

/** One run of a throughput scenario, before the rounds are pooled. */
interface ThroughputRun {
  startupMs: number;
  count: number;
  wallS: number;
  latencies: number[];
  cpuS: number;
  serverCpuS?: number;
  driverCpuS: number;
  peakRssMiB: number;
}

async function throughputRun(
  sdk: Sdk,
  count: number,
  workflowType: string,
  args: unknown[],
): Promise<ThroughputRun> {
  return await withWorker(sdk, async (taskQueue, pid) => {
    const latencies: number[] = [];
    const cpu0 = cpuSeconds(pid);
    const server0 = server === undefined ? undefined : cpuSeconds(server.pid);
    const driver0 = process.cpuUsage();
    const began = performance.now();
    await pool(
      Array.from({ length: count }, (_, i) => i),
      CONCURRENCY,
      async (i) => {
        const t = performance.now();
        await client.executeWorkflow(workflowType, {
          id: unique(`${workflowType}-${i}`),
          taskQueue,
          args,
        });
        latencies.push(performance.now() - t);
      },
    );
    const wallS = (performance.now() - began) / 1000;
    const cpu = cpuSeconds(pid) - cpu0;
    const serverCpu = server0 === undefined ? undefined : cpuSeconds(server!.pid) - server0;
    const driver = process.cpuUsage(driver0);
    const driverCpu = (driver.user + driver.system) / 1e6;
    return {
      count,
      wallS,
      latencies,
      cpuS: cpu,
      ...(serverCpu === undefined ? {} : { serverCpuS: serverCpu }),
      driverCpuS: driverCpu,
      peakRssMiB: memory(pid).peakRss / 2 ** 20,
    };
  });
}

/** The figures of a throughput scenario's rounds, pooled: totals over totals, percentiles of all latencies. */
function pooled(runs: ThroughputRun[]): Figures {
  const sum = (pick: (r: ThroughputRun) => number) => runs.reduce((total, r) => total + pick(r), 0);
  const count = sum((r) => r.count);
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  const serverKnown = runs.every((r) => r.serverCpuS !== undefined);
  return {
    wallS: sum((r) => r.wallS),
    throughput: count / sum((r) => r.wallS),
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    cpuSPerWorkflow: sum((r) => r.cpuS) / count,
    ...(serverKnown ? { serverCpuSPerWorkflow: sum((r) => r.serverCpuS!) / count } : {}),
    driverCpuSPerWorkflow: sum((r) => r.driverCpuS) / count,
    peakRssMiB: Math.max(...runs.map((r) => r.peakRssMiB)),
  };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Waits until the dev server is idle (under 10 % of a core for 2 s; at most 60 s); 5 s for a server of someone else's. */
async function settle(): Promise<void> {
  if (server === undefined) return await sleep(5000);
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const before = cpuSeconds(server.pid);
    await sleep(2000);
    if (cpuSeconds(server.pid) - before < 0.2) return;
  }
  console.error("[bench] the dev server stayed busy for 60 s; going on");
}

async function idleScenario(sdk: Sdk, count: number): Promise<Figures & { startupMs: number }> {
  return await withWorker(sdk, async (taskQueue, pid) => {
    await sleep(1000);
    const before = memory(pid).rss;
    const ids = Array.from({ length: count }, (_, i) => unique(`idle-${i}`));
    await pool(ids, CONCURRENCY, async (id) => {
      await client.startWorkflow("benchIdle", { id, taskQueue });
    });
    // Wait until every run has completed its first workflow task (and so sits in the cache).
    await pool(ids, 50, async (id) => {
      for (;;) {
        const history = await client.getWorkflowHandle(id).fetchHistory();
        if (
          history.events.some((e) => e.attributes.case === "workflowTaskCompletedEventAttributes")
        ) return;
        await sleep(100);
      }
    });
    await sleep(2000);
    const after = memory(pid);
    await pool(ids, CONCURRENCY, async (id) => {
      const handle = client.getWorkflowHandle(id);
      await handle.signal("wake");
      await handle.result();
    });
    return {
      rssPerCachedKiB: (after.rss - before) / count / 1024,
      peakRssMiB: after.peakRss / 2 ** 20,
    };
  });
}

const fromSource = process.argv.includes("--from-source");
if (!fromSource && runtimes.includes("node")) {
  console.error("[bench] building dist/ (npm run build) for the Node worker");
  const built = spawnSync(process.execPath, [
    fileURLToPath(new URL("../scripts/build-npm.ts", import.meta.url)),
  ], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  if (built.status !== 0) {
    throw new Error(
      "npm run build failed; rerun with --from-source to bench the sources",
    );
  }
}

const sdks: Sdk[] = [
  { name: "official (node)", runtime: "node", script: await compiledForNode("worker_official.ts") },
  ...await Promise.all(
    runtimes.filter(hasRuntime).map(async (runtime) => ({
      name: `sandglass (${runtime})`,
      runtime,
      script: runtime === "node" ? await compiledForNode("worker_sandglass.ts") : "worker_sandglass.ts",
      ...(runtime === "node" && !fromSource ? { env: { BENCH_FROM_DIST: "1" } } : {}),
    })),
  ),
];

console.log(
  `Counts: ${
    JSON.stringify(counts)
  } in ${ROUNDS} round(s); ${CONCURRENCY} concurrent clients; dev server ${address}`,
);
const scenarios: [string, string, unknown[], number][] = [
  ["activity", "benchActivity", [], counts.activity],
  ["timers", "benchTimers", [10, 1], counts.timers],
];
const runs: Record<string, Record<string, ThroughputRun[]>> = Object.fromEntries(
  sdks.map((sdk) => [sdk.name, Object.fromEntries(scenarios.map(([name]) => [name, []]))]),
);
const starts: Record<string, number[]> = Object.fromEntries(sdks.map((sdk) => [sdk.name, []]));
for (const [scenario, workflowType, args, total] of scenarios) {
  const perRound = Math.max(1, Math.round(total / ROUNDS));
  for (let round = 1; round <= ROUNDS; round++) {
    const line: string[] = [];
    for (const sdk of round % 2 === 1 ? sdks : sdks.toReversed()) {
      await settle();
      console.error(`[bench] ${scenario}, round ${round}/${ROUNDS}: ${sdk.name}, ${perRound} workflows`);
      const run = await throughputRun(sdk, perRound, workflowType, args);
      runs[sdk.name]![scenario]!.push(run);
      starts[sdk.name]!.push(run.startupMs);
      line.push(`${sdk.name} ${(run.count / run.wallS).toFixed(1)}`);
    }
    console.log(`${scenario}, round ${round}: throughput (workflows/s) ${line.join(", ")}`);
  }
}
const results: Record<string, Record<string, Figures>> = {};
for (const sdk of sdks) {
  const r: Record<string, Figures> = {};
  for (const [scenario] of scenarios) r[scenario] = pooled(runs[sdk.name]![scenario]!);
  await settle();
  console.error(`[bench] ${sdk.name}: ${counts.idle} idle cached workflows`);
  const idle = await idleScenario(sdk, counts.idle);
  r["idle"] = idle;
  starts[sdk.name]!.push(idle.startupMs);
  results[sdk.name] = r;
}
for (let i = 0; i < STARTUP_ONLY; i++) {
  for (const sdk of sdks) {
    starts[sdk.name]!.push((await withWorker(sdk, () => Promise.resolve({}))).startupMs);
  }
}
for (const sdk of sdks) {
  console.error(`[bench] ${sdk.name}: ${JSON.stringify({ ...results[sdk.name], starts: starts[sdk.name] })}`);
}

const official = results["official (node)"]!;
const fmt = (
  x: number | undefined,
  digits = 1,
) => (x === undefined ? "n/a" : x.toFixed(digits));
const ms = (
  seconds: number | undefined,
) => (seconds === undefined ? undefined : seconds * 1000);
const median = (xs: number[]) => xs.toSorted((a, b) => a - b)[Math.floor(xs.length / 2)]!;
type Row = [
  string,
  (f: Record<string, Figures>, sdk: string) => number | undefined,
  number,
  boolean,
];
/** The rows of a throughput scenario. */
const throughputRows = (scenario: "activity" | "timers"): Row[] => [
  [
    `${scenario}: throughput (workflows/s)`,
    (f) => f[scenario]!.throughput,
    1,
    true,
  ],
  [`${scenario}: p50 latency (ms)`, (f) => f[scenario]!.p50Ms, 1, false],
  [`${scenario}: p99 latency (ms)`, (f) => f[scenario]!.p99Ms, 1, false],
  [
    `${scenario}: worker CPU ms per workflow`,
    (f) => ms(f[scenario]!.cpuSPerWorkflow),
    2,
    false,
  ],
  [
    `${scenario}: dev server CPU ms per workflow`,
    (f) => ms(f[scenario]!.serverCpuSPerWorkflow),
    2,
    false,
  ],
  [
    `${scenario}: driver CPU ms per workflow`,
    (f) => ms(f[scenario]!.driverCpuSPerWorkflow),
    2,
    false,
  ],
  [
    `${scenario}: worker peak RSS (MiB)`,
    (f) => f[scenario]!.peakRssMiB,
    0,
    false,
  ],
];
const rows: Row[] = [
  ...throughputRows("activity"),
  ...throughputRows("timers"),
  [
    `idle: RSS per cached workflow (KiB)`,
    (f) => f["idle"]!.rssPerCachedKiB,
    1,
    false,
  ],
  [`idle: worker peak RSS (MiB)`, (f) => f["idle"]!.peakRssMiB, 0, false],
  [
    `start to first completed workflow task (ms, median of ${2 * ROUNDS + 1 + STARTUP_ONLY})`,
    (_, name) => median(starts[name]!),
    0,
    false,
  ],
];
const ours = sdks.slice(1).map((s) => s.name);
console.log(
  `\n| metric | official (node) | ${ours.join(" | ")} | ${ours.map((n) => `${n} / official`).join(" | ")} |`,
);
console.log(
  `| --- | ---: | ${ours.map(() => "---:").join(" | ")} | ${ours.map(() => "---:").join(" | ")} |`,
);
for (const [label, get, digits] of rows) {
  const theirs = get(official, sdks[0]!.name);
  const values = ours.map((n) => get(results[n]!, n));
  console.log(
    `| ${label} | ${fmt(theirs, digits)} | ${values.map((v) => fmt(v, digits)).join(" | ")} | ${
      values.map((v) => ratio(v ?? NaN, theirs ?? NaN)).join(" | ")
    } |`,
  );
}
console.log(
  `\nRatios are Sandglass / official (higher is better for throughput, lower for the rest).`,
);
console.log(
  `Load average at the end: ${loadavg().map((x) => x.toFixed(1)).join(" ")}`,
);
await client.connection.close();
await server?.stop();
