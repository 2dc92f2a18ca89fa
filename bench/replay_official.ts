/**
 * Child of `bench/replay.ts`: replays the history file `argv[2]` with the official TypeScript
 * SDK's replayer (`Worker.runReplayHistory`, workflows bundled once beforehand) `argv[3]` times
 * after one warm-up replay, and prints one JSON line of figures.
 * @module
 */
import { readFile } from "node:fs/promises";
import process from "node:process";
import { fileURLToPath } from "node:url";
import proto from "@temporalio/proto";
import { bundleWorkflowCode, DefaultLogger, Runtime, Worker } from "@temporalio/worker";

Runtime.install({ logger: new DefaultLogger("WARN") });
const history = proto.temporal.api.history.v1.History.decode(
  await readFile(process.argv[2]!),
);
const repeats = Number(process.argv[3] ?? 3);
let t = performance.now();
const workflowBundle = await bundleWorkflowCode({
  workflowsPath: fileURLToPath(
    new URL("./official/workflows.ts", import.meta.url),
  ),
  logger: new DefaultLogger("WARN"),
});
const createMs = performance.now() - t;
const options = { workflowBundle };
t = performance.now();
await Worker.runReplayHistory(options, history, "bench-replay-warmup");
const firstMs = performance.now() - t;
const times: number[] = [];
const cpu = process.cpuUsage();
for (let i = 0; i < repeats; i++) {
  t = performance.now();
  await Worker.runReplayHistory(options, history, `bench-replay-${i}`);
  times.push(performance.now() - t);
}
const events = history.events.length;
const used = process.cpuUsage(cpu);
const cpuMs = (used.user + used.system) / 1000 / repeats;
const bestMs = Math.min(...times);
const medianMs = times.toSorted((a, b) => a - b)[Math.floor(times.length / 2)]!;
console.log(
  JSON.stringify({
    sdk: "official",
    runtime: `node ${process.versions.node}`,
    events,
    createMs,
    firstMs,
    bestMs,
    medianMs,
    eventsPerSecond: events / (medianMs / 1000),
    cpuMsPerReplay: cpuMs,
    eventsPerCpuSecond: events / (cpuMs / 1000),
  }),
);
