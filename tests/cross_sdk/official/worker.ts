/**
 * A child process of the cross-SDK tests: the official TypeScript SDK's worker
 * (`@temporalio/worker` 1.24.0) runs `./workflows.ts` on a task queue until its stdin closes (or
 * it gets SIGTERM/SIGINT). Prints `{"ready":true}` once the workflows are bundled and it polls.
 * Runs on Node 24 only (the official SDK's runtime).
 *
 *   node tests/cross_sdk/official/worker.ts '{"address":"127.0.0.1:7233","namespace":"default","taskQueue":"tq"}'
 */
import process from "node:process";
import { fileURLToPath } from "node:url";
import { DefaultLogger, NativeConnection, Runtime, Worker } from "@temporalio/worker";

interface Request {
  address: string;
  namespace: string;
  taskQueue: string;
}

const request = JSON.parse(process.argv[2] ?? "{}") as Request;
Runtime.install({ logger: new DefaultLogger("WARN") });
const connection = await NativeConnection.connect({ address: request.address });
try {
  const worker = await Worker.create({
    connection,
    namespace: request.namespace,
    taskQueue: request.taskQueue,
    workflowsPath: fileURLToPath(new URL("./workflows.ts", import.meta.url)),
  });
  const stop = () => {
    process.stdin.destroy();
    if (worker.getState() === "RUNNING") worker.shutdown();
  };
  process.stdin.on("end", stop);
  process.stdin.on("error", stop);
  process.stdin.resume();
  const running = worker.run();
  process.stdout.write(JSON.stringify({ ready: true }) + "\n");
  await running;
} finally {
  await connection.close();
}
