/**
 * The SayHello example: a worker runs the `SayHello` workflow and its `say_hello` activity, the
 * client executes the workflow with "Temporal" and prints `Result: Hello, Temporal!`.
 *
 * Run it with `npm run demo`, `deno run -A examples/hello_activity.ts` or
 * `bun run examples/hello_activity.ts`. It uses `TEMPORAL_ADDRESS` (or a configured profile) when
 * set, else starts a local dev server.
 *
 * @module
 */

import { randomUUID } from "node:crypto";
import type { Client } from "../client/client.ts";
import { Worker } from "../worker/mod.ts";
import * as activities from "./activities/hello.ts";
import { connectForExample } from "./connect.ts";

/**
 * Runs a worker and the SayHello workflow; returns the workflow's result.
 *
 * @example
 * ```ts
 * console.log(`Result: ${await helloActivity(client)}`);
 * ```
 */
export async function helloActivity(client: Client, name = "Temporal"): Promise<string> {
  const taskQueue = `hello-activity-${randomUUID()}`;
  const worker = new Worker(client, {
    taskQueue,
    workflowsPath: new URL("./workflows/hello.ts", import.meta.url),
    activities,
  });
  const result = await worker.runUntil(
    client.executeWorkflow("SayHello", { args: [name], id: `hello-activity-${randomUUID()}`, taskQueue }),
  );
  return result as string;
}

if (import.meta.main ?? isEntryPoint()) {
  await using connection = await connectForExample();
  const result = await helloActivity(connection.client);
  console.log(`Result: ${result}`);
}

function isEntryPoint(): boolean {
  const script = globalThis.process?.argv?.[1];
  return script !== undefined && new URL(import.meta.url).pathname === new URL(`file://${script}`).pathname;
}
