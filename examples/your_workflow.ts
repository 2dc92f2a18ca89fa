/**
 * The YourWorkflow example: execute `YourWorkflow` with "your name" and print
 * `Result: Hello, your name!`.
 *
 * Run it with `node examples/your_workflow.ts` (Node 24), `deno run -A examples/your_workflow.ts`
 * or `bun run examples/your_workflow.ts`.
 *
 * @module
 */

import { randomUUID } from "node:crypto";
import type { Client } from "../client/client.ts";
import { Worker } from "../worker/mod.ts";
import * as activities from "./activities/your_activity.ts";
import { connectForExample } from "./connect.ts";

/**
 * Runs a worker and YourWorkflow; returns the workflow's result.
 *
 * @example
 * ```ts
 * await yourWorkflow(client, "your name"); // "Hello, your name!"
 * ```
 */
export async function yourWorkflow(client: Client, name = "your name"): Promise<string> {
  const taskQueue = `your-task-queue-${randomUUID()}`;
  const worker = new Worker(client, {
    taskQueue,
    workflowsPath: new URL("./workflows/your_workflow.ts", import.meta.url),
    activities,
  });
  const result = await worker.runUntil(
    client.executeWorkflow("YourWorkflow", { args: [name], id: `your-workflow-${randomUUID()}`, taskQueue }),
  );
  return result as string;
}

if (import.meta.main ?? isEntryPoint()) {
  await using connection = await connectForExample();
  console.log(`Result: ${await yourWorkflow(connection.client)}`);
}

function isEntryPoint(): boolean {
  const script = globalThis.process?.argv?.[1];
  return script !== undefined && new URL(import.meta.url).pathname === new URL(`file://${script}`).pathname;
}
