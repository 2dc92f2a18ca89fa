/** Workflows of the sandbox-level interceptor tests (bundled with interceptor modules). */
import { continueAsNew, proxyActivities } from "../../../sandbox/workflow/mod.ts";

const { echoTenant } = proxyActivities<{ echoTenant(label: string): string }>({ startToCloseTimeout: "30s" });

/** Schedules one activity and returns its result. */
export async function callOnce(label: string): Promise<string> {
  return await echoTenant(label);
}

/** Continues as new at once. */
export function continueOnce(label: string): never {
  return continueAsNew<typeof continueOnce>(`${label}+`);
}
