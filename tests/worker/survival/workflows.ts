/**
 * The workflow of the survival tests: activities and a timer, so that many runs are in flight
 * (waiting on an activity, a timer or a workflow task) when the worker or the server goes down.
 * Bundled by the worker; never imported by the host.
 */
import {
  condition,
  defineSignal,
  executeActivity,
  setHandler,
  sleep,
} from "../../../sandbox/workflow/mod.ts";

/** Lets a gated run go on to its last step. */
export const release = defineSignal("release");

/**
 * Runs the `step` activity, sleeps, waits for `release` if `gated`, runs `step` again, and returns
 * what the activities returned, e.g. `["7:0", "7:1"]` for `n = 7`. Activities time out after 5 s,
 * so those lost with a killed worker are retried soon.
 */
export async function survivalWorkflow(n: number, gated: boolean): Promise<string[]> {
  let released = !gated;
  setHandler(release, () => {
    released = true;
  });
  const step = async (index: number) =>
    String(
      await executeActivity("step", {
        args: [n, index],
        startToCloseTimeout: "5s",
        retry: { initialInterval: "100ms", backoffCoefficient: 1 },
      }),
    );
  const results = [await step(0)];
  await sleep("300ms");
  await condition(() => released);
  results.push(await step(1));
  return results;
}
