/**
 * Child of `bench/worker.ts`: a Sandglass worker of `BENCH_TASK_QUEUE` on `BENCH_ADDRESS`
 * running `bench/workflows.ts` and a no-op activity, until SIGTERM. With `BENCH_FROM_DIST=1`
 * (Node) it imports the compiled npm package in dist/, as npm users get it, like the official
 * SDK's compiled JavaScript; otherwise the TypeScript sources.
 * @module
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { pathToFileURL } from "node:url";
import type * as Sandglass from "../mod.ts";
import { distEntry } from "./dist_entry.ts";

const fromDist = process.env["BENCH_FROM_DIST"] === "1";
const { Client, Worker } =
  (await import(fromDist ? pathToFileURL(distEntry(".")!).href : "../mod.ts")) as typeof Sandglass;

/**
 * The workflows file. From dist/, its import of the workflow API must be `sandglass/workflow`, as in
 * an npm user's code, so that the bundler maps it to the package's shared runtime (the file imports
 * the sources relatively, for the type-checkers); a copy with that import is kept in a fixed temp
 * folder (rewritten only when it differs), so that, like a user's workflows file, it keeps its path
 * and contents from one start to the next and the on-disk bundle cache applies.
 */
function workflowsPath(): URL {
  const source = new URL("./workflows.ts", import.meta.url);
  if (!fromDist) return source;
  const text = readFileSync(source, "utf8").replace('"../sandbox/workflow/mod.ts"', '"sandglass/workflow"');
  const dir = join(tmpdir(), "sandglass-bench-workflows");
  const file = join(dir, "workflows.ts");
  let current: string | undefined;
  try {
    current = readFileSync(file, "utf8");
  } catch {
    current = undefined;
  }
  if (current !== text) {
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, text);
  }
  return pathToFileURL(file);
}

const workflows = workflowsPath();
const client = await Client.connect(process.env["BENCH_ADDRESS"]!, {
  namespace: "default",
});
const worker = new Worker(client, {
  taskQueue: process.env["BENCH_TASK_QUEUE"]!,
  workflowsPath: workflows,
  activities: { noop: async () => {} },
  maxCachedWorkflows: Number(process.env["BENCH_MAX_CACHED"] ?? 2000),
});
const stop = new AbortController();
process.on("SIGTERM", () => stop.abort());
await worker.run({ signal: stop.signal });
await client.connection.close();
process.exit(0);
