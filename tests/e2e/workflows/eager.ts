/** Workflows of the eager execution tests (bundled by the worker, never imported by the host). */
import { proxyActivities, workflowInfo } from "../../../sandbox/workflow/mod.ts";

const { shout } = proxyActivities<{ shout(text: string): string }>({ startToCloseTimeout: "30s" });
const lazy = proxyActivities<{ shout(text: string): string }>({
  startToCloseTimeout: "30s",
  allowEagerDispatch: false,
});

/** Runs two activities at once (eligible for eager dispatch) and one that refuses it. */
export async function eagerActivities(text: string): Promise<string[]> {
  const both = await Promise.all([shout(`${text}-1`), shout(`${text}-2`)]);
  return [...both, await lazy.shout(`${text}-lazy`)];
}

/** Returns its attempt and run id (the first task of an eagerly started run is run from the start response). */
export function eagerStart(value: string): string {
  return `${value}:${workflowInfo().attempt}`;
}

/** A cron run: returns how many runs came before it (from the last completion result). */
export function cronCounter(): number {
  const last = workflowInfo().lastResult as number | undefined;
  return (last ?? 0) + 1;
}
