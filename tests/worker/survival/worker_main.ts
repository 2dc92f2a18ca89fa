/**
 * A worker in its own process, for the survival tests: runs `survivalWorkflow` and its `step`
 * activity on a task queue until SIGTERM (graceful) or SIGKILL (the point of the tests).
 *
 * Usage: `<runtime> worker_main.ts <address> <namespace> <taskQueue>`. Prints `ready` once it polls,
 * `step <n> <step>` as each activity runs, `stopped` after a graceful shutdown, and `failed <error>`
 * if the worker stops on its own.
 */
import process from "node:process";
import { Client } from "../../../client/client.ts";
import { Worker } from "../../../worker/mod.ts";

const [address, namespace, taskQueue] = process.argv.slice(2);
if (address === undefined || namespace === undefined || taskQueue === undefined) {
  console.error("Usage: worker_main.ts <address> <namespace> <taskQueue>");
  process.exit(2);
}

const say = (line: string) => process.stdout.write(`${line}\n`);

const client = await Client.connect(address, { namespace });
const worker = new Worker(client, {
  taskQueue,
  workflowsPath: new URL("./workflows.ts", import.meta.url),
  activities: {
    async step(n: number, step: number): Promise<string> {
      say(`step ${n} ${step}`);
      // Long enough that some activities are running when the process is killed.
      await new Promise((resolve) => setTimeout(resolve, 50));
      return `${n}:${step}`;
    },
  },
  // Polls fail while the server restarts; that is expected here and would only be noise.
  logger: {
    debug() {},
    info() {},
    warn() {},
    error: (message, attributes) => console.error(message, attributes),
  },
});

process.once("SIGTERM", () => {
  void worker.shutdown().finally(async () => {
    await client.connection.close();
    say("stopped");
    process.exit(0);
  });
});

try {
  await worker.start();
  say("ready");
} catch (error) {
  const detail = error instanceof Error
    ? `${error.message}${error.cause ? ` (cause: ${String(error.cause)})` : ""}`
    : String(error);
  say(`failed ${detail.replaceAll("\n", " | ")}`);
  process.exit(1);
}
