/**
 * The GreetingWorkflow example: start the workflow with "my name", change its salutation to
 * "Aloha" by signal, query the current greeting, tell it to complete, and print the result,
 * `Result: Aloha, my name!`.
 *
 * Run it with `node examples/greeting.ts` (Node 24), `deno run -A examples/greeting.ts` or
 * `bun run examples/greeting.ts`.
 *
 * @module
 */

import { randomUUID } from "node:crypto";
import type { Client } from "../client/client.ts";
import { Worker } from "../worker/mod.ts";
import * as activities from "./activities/greeting.ts";
import { connectForExample } from "./connect.ts";

/** What the example observed. */
export interface GreetingOutcome {
  /** The `current_greeting` query's answer once the first greeting was built. */
  firstGreeting: string;
  /** The workflow's result. */
  result: string;
}

/**
 * Runs a worker and drives one GreetingWorkflow through its signals and query.
 *
 * @example
 * ```ts
 * const { result } = await greeting(client); // "Aloha, my name!"
 * ```
 */
export async function greeting(client: Client): Promise<GreetingOutcome> {
  const taskQueue = `greeting-${randomUUID()}`;
  const worker = new Worker(client, {
    taskQueue,
    workflowsPath: new URL("./workflows/greeting.ts", import.meta.url),
    activities,
  });
  return await worker.runUntil(async () => {
    const handle = await client.startWorkflow("GreetingWorkflow", {
      args: ["my name"],
      id: `greeting-${randomUUID()}`,
      taskQueue,
    });
    // Wait until the first greeting is built (queries answer from the workflow's current state).
    let firstGreeting = "<unset>";
    while (firstGreeting === "<unset>") {
      firstGreeting = (await handle.query("current_greeting")) as string;
      if (firstGreeting === "<unset>") await new Promise((resolve) => setTimeout(resolve, 50));
    }
    await handle.signal("update_salutation", "Aloha");
    await handle.signal("complete_with_greeting");
    return { firstGreeting, result: (await handle.result()) as string };
  });
}

if (import.meta.main ?? isEntryPoint()) {
  await using connection = await connectForExample();
  const { firstGreeting, result } = await greeting(connection.client);
  console.log(`Current greeting: ${firstGreeting}`);
  console.log(`Result: ${result}`);
}

function isEntryPoint(): boolean {
  const script = globalThis.process?.argv?.[1];
  return script !== undefined && new URL(import.meta.url).pathname === new URL(`file://${script}`).pathname;
}
