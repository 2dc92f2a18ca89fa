/**
 * Child of `bench/replay.ts`: replays the history file `argv[2]` `argv[3]` times with Sandglass's
 * Replayer (after one warm-up replay) and prints one JSON line of figures.
 * @module
 */
import { readFile } from "node:fs/promises";
import process from "node:process";
import { Replayer } from "../worker/mod.ts";

const bytes = await readFile(process.argv[2]!);
const repeats = Number(process.argv[3] ?? 3);
let t = performance.now();
const replayer = await Replayer.create({
  workflowsPath: new URL("./workflows.ts", import.meta.url),
});
const createMs = performance.now() - t;
t = performance.now();
const { events } = await replayer.replayWorkflow(bytes);
const firstMs = performance.now() - t;
const times: number[] = [];
const cpu = process.cpuUsage();
for (let i = 0; i < repeats; i++) {
  t = performance.now();
  await replayer.replayWorkflow(bytes, { runId: `run-${i}` });
  times.push(performance.now() - t);
}
await replayer.dispose();
const g = globalThis as {
  Deno?: { version: { deno: string } };
  Bun?: { version: string };
};
const runtime = g.Deno
  ? `deno ${g.Deno.version.deno}`
  : g.Bun
  ? `bun ${g.Bun.version}`
  : `node ${process.versions.node}`;
const used = process.cpuUsage(cpu);
const cpuMs = (used.user + used.system) / 1000 / repeats;
const bestMs = Math.min(...times);
const medianMs = times.toSorted((a, b) => a - b)[Math.floor(times.length / 2)]!;
console.log(
  JSON.stringify({
    sdk: "sandglass",
    runtime,
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
