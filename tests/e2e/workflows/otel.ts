/** Workflows of the OpenTelemetry tests (bundled by the worker, never imported by the host). */
import { executeChild, proxyActivities, proxyLocalActivities, sleep } from "../../../sandbox/workflow/mod.ts";

type Activities = { step(label: string): string };
const { step } = proxyActivities<Activities>({ startToCloseTimeout: "30s" });
const local = proxyLocalActivities<Activities>({ startToCloseTimeout: "30s" });

/** Runs one activity. */
export async function otelChild(): Promise<string> {
  return await step("child");
}

/** Runs an activity, a local activity and a child, with timers between them (so tasks are replayed). */
export async function otelParent(): Promise<string[]> {
  const first = await step("parent");
  await sleep(10);
  const second = await local.step("local");
  await sleep(10);
  const third = await executeChild(otelChild, {});
  return [first, second, third];
}
