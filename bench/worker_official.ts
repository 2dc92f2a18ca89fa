/**
 * Child of `bench/worker.ts`: an official TypeScript SDK worker (1.24.0) of `BENCH_TASK_QUEUE`
 * on `BENCH_ADDRESS` running `bench/official/workflows.ts` and a no-op activity, until SIGTERM.
 * @module
 */
import process from "node:process";
import { fileURLToPath } from "node:url";
import { DefaultLogger, NativeConnection, Runtime, Worker } from "@temporalio/worker";

Runtime.install({ logger: new DefaultLogger("WARN") });
const worker = await Worker.create({
  connection: await NativeConnection.connect({
    address: process.env["BENCH_ADDRESS"]!,
  }),
  namespace: "default",
  taskQueue: process.env["BENCH_TASK_QUEUE"]!,
  workflowsPath: fileURLToPath(
    new URL("./official/workflows.ts", import.meta.url),
  ),
  activities: { noop: async () => {} },
  maxCachedWorkflows: Number(process.env["BENCH_MAX_CACHED"] ?? 2000),
});
await worker.run(); // Runtime shuts the worker down on SIGTERM.
process.exit(0);
