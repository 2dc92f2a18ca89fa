/**
 * The YourWorkflow example: passes a parameters object to its activity.
 *
 * In your own project, import from `sandglass/workflow`.
 *
 * @module
 */

import { proxyActivities } from "../../sandbox/workflow/mod.ts";
import type * as activities from "../activities/your_activity.ts";

const { your_activity } = proxyActivities<typeof activities>({ startToCloseTimeout: "10 seconds" });

/**
 * Greets `name` through the `your_activity` activity.
 *
 * @example
 * ```ts
 * await client.executeWorkflow("YourWorkflow", { args: ["your name"], id, taskQueue }); // "Hello, your name!"
 * ```
 */
export async function YourWorkflow(name: string): Promise<string> {
  return await your_activity({ greeting: "Hello", name });
}
