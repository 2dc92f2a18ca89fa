/** Workflows of the Replayer's interceptor test (bundled with `routing_module.ts`, or without it). */
import { proxyActivities } from "../../../sandbox/workflow/mod.ts";

const { greet } = proxyActivities<{ greet(name: string): string }>({ startToCloseTimeout: "30s" });

/** Greets through the `greet` activity (which the routing module renames). */
export async function routedGreeting(name: string): Promise<string> {
  return await greet(name);
}
