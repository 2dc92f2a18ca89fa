/**
 * `npm run bench:replay`: events per second replaying a 10,000-event history (`benchTimers(1999, 1)`,
 * see timer_history.ts) with Sandglass's Replayer and with the official TypeScript SDK's
 * `Worker.runReplayHistory`, side by side in one run, each in its own child process.
 *
 * Options: `--repeats N` timed replays after one warm-up (default 5, env BENCH_REPEATS);
 * `--timers N` (default 1999 = 10,000 events, env BENCH_TIMERS);
 * `--runtimes node,deno,bun` for Sandglass (default node, env BENCH_RUNTIMES).
 * @module
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { toBinary } from "@bufbuild/protobuf";
import { HistorySchema } from "../gen/temporal/api/history/v1/message_pb.ts";
import { hasRuntime, ratio, runForJson, type Runtime } from "./_child.ts";
import { timerHistory } from "./timer_history.ts";

function option(name: string, env: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return (i >= 0 ? process.argv[i + 1] : undefined) ?? process.env[env] ??
    fallback;
}

const repeats = option("repeats", "BENCH_REPEATS", "5");
const timers = Number(option("timers", "BENCH_TIMERS", "1999"));
const runtimes = option("runtimes", "BENCH_RUNTIMES", "node").split(
  ",",
) as Runtime[];

const dir = mkdtempSync(join(tmpdir(), "sandglass-bench-replay-"));
try {
  const file = join(dir, "history.bin");
  const history = timerHistory(timers);
  writeFileSync(file, toBinary(HistorySchema, history));
  console.log(
    `History: benchTimers(${timers}, 1), ${history.events.length} events; ${repeats} timed replays after a warm-up`,
  );
  const official = await runForJson("node", "replay_official.ts", [
    file,
    repeats,
  ]);
  const rows = [official];
  for (const runtime of runtimes) {
    if (!hasRuntime(runtime)) continue;
    rows.push(
      await runForJson(runtime, "replay_sandglass.ts", [file, repeats]),
    );
  }
  const n = (x: unknown) => Number(x);
  console.log(
    "\n| SDK | runtime | events/s (median wall) | events/CPU-s | median ms | best ms | first replay ms | setup ms | vs official events/s |",
  );
  console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const r of rows) {
    console.log(
      `| ${r["sdk"]} | ${r["runtime"]} | ${n(r["eventsPerSecond"]).toFixed(0)} | ${
        n(r["eventsPerCpuSecond"]).toFixed(0)
      } | ${n(r["medianMs"]).toFixed(0)} | ${n(r["bestMs"]).toFixed(0)} | ${n(r["firstMs"]).toFixed(0)} | ${
        n(r["createMs"]).toFixed(0)
      } | ${ratio(n(r["eventsPerSecond"]), n(official["eventsPerSecond"]))} |`,
    );
  }
  console.log(
    `\nload average during the run: ${
      (await import("node:os")).loadavg().map((x) => x.toFixed(1)).join(" ")
    }`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
