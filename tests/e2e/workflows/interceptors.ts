/**
 * Workflows of the interceptor tests (bundled by the worker with the interceptor modules, never
 * imported by the host).
 */
import {
  condition,
  defineSignal,
  executeChild,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  workflowInfo,
} from "../../../sandbox/workflow/mod.ts";
import { signalTenantsSeen, startTenant } from "./interceptors_module.ts";

const { echoTenant } = proxyActivities<{ echoTenant(label: string): string }>({
  startToCloseTimeout: "30s",
});
const local = proxyLocalActivities<{ echoTenant(label: string): string }>({ startToCloseTimeout: "30s" });

export const poke = defineSignal<[string]>("poke");

/** What a child sees: its start tenant and what its activity saw. */
export async function tenantChild(): Promise<{ workflow: unknown; activity: string }> {
  return { workflow: startTenant(), activity: await echoTenant("child") };
}

/** Reports the tenant as seen by the workflow, its activities, a local activity, a child and signals. */
export async function tenantParent(): Promise<Record<string, unknown>> {
  const pokes: string[] = [];
  setHandler(poke, (value) => {
    pokes.push(value);
  });
  await condition(() => pokes.length > 0);
  return {
    workflow: startTenant(),
    activity: await echoTenant("parent"),
    local: await local.echoTenant("local"),
    child: await executeChild(tenantChild, { workflowId: `${workflowInfo().workflowId}-child` }),
    signals: signalTenantsSeen(),
    pokes,
  };
}
