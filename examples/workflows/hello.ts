/**
 * The SayHello workflow: calls the `say_hello` activity with its argument and returns the
 * greeting. Workflow code runs in the deterministic sandbox; the activity runs on the host.
 *
 * In your own project, import from `sandglass/workflow`.
 *
 * @module
 */

import { proxyActivities } from "../../sandbox/workflow/mod.ts";
import type * as activities from "../activities/hello.ts";

const { say_hello } = proxyActivities<typeof activities>({ startToCloseTimeout: "10 seconds" });

/**
 * Returns `Hello, <name>!`, computed by the `say_hello` activity.
 *
 * @example
 * ```ts
 * await client.executeWorkflow("SayHello", { args: ["Temporal"], id: "hello", taskQueue: "hello" });
 * ```
 */
export async function SayHello(name: string): Promise<string> {
  return await say_hello(name);
}
