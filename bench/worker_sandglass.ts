/**
 * Child of `bench/worker.ts`: a Sandglass worker of `BENCH_TASK_QUEUE` on `BENCH_ADDRESS`
 * running `bench/workflows.ts` and a no-op activity, until SIGTERM.
 * @module
 */
import process from "node:process";
import { Client } from "../client/client.ts";
import { Worker } from "../worker/mod.ts";

const client = await Client.connect(process.env["BENCH_ADDRESS"]!, {
  namespace: "default",
});
const worker = new Worker(client, {
  taskQueue: process.env["BENCH_TASK_QUEUE"]!,
  workflowsPath: new URL("./workflows.ts", import.meta.url),
  activities: { noop: async () => {} },
  maxCachedWorkflows: Number(process.env["BENCH_MAX_CACHED"] ?? 2000),
});
const stop = new AbortController();
process.on("SIGTERM", () => stop.abort());
await worker.run({ signal: stop.signal });
await client.connection.close();
process.exit(0);
