/** Workflows of the OpenTelemetry tests (bundled by the worker, never imported by the host). */
import {
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  defineUpdate,
  executeChild,
  proxyActivities,
  proxyLocalActivities,
  setHandler,
  sleep,
  startChild,
  workflowInfo,
} from "../../../sandbox/workflow/mod.ts";

type Activities = { step(label: string): string };
const { step } = proxyActivities<Activities>({ startToCloseTimeout: "30s" });
const local = proxyLocalActivities<Activities>({ startToCloseTimeout: "30s" });

export const poke = defineSignal<[string]>("poke");
export const go = defineSignal("go");
export const bump = defineUpdate<number, [number]>("bump");
export const total = defineQuery<number>("total");
export const add = defineUpdate<string, [number]>("add");
export const finish = defineSignal("finish");

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

/** Waits for the parent's signal. */
export async function otelWaiter(): Promise<string> {
  let released = false;
  setHandler(go, () => {
    released = true;
  });
  await condition(() => released);
  return "released";
}

/**
 * Round 0: handles a signal and an update from the client, then continues as new. Round 1: runs an
 * activity and signals a child it started.
 */
export async function otelHandlers(round: number): Promise<string> {
  if (round === 0) {
    let poked = "";
    let total = 0;
    setHandler(poke, (value) => {
      poked = value;
    });
    setHandler(bump, (by) => (total += by));
    await condition(() => poked !== "" && total > 0);
    return continueAsNew<typeof otelHandlers>(1);
  }
  const label = await step("continued");
  const child = await startChild(otelWaiter, { workflowId: `${workflowInfo().workflowId}-waiter` });
  await child.signal(go);
  return `${label}:${await child.result()}`;
}

/**
 * Answers `total` queries; `add` (validated: positive amounts only) adds an amount and runs an activity
 * from the handler; `finish` ends the run with the total.
 */
export async function otelQueried(): Promise<number> {
  let sum = 0;
  let done = false;
  setHandler(total, () => sum);
  setHandler(add, async (amount) => {
    sum += amount;
    return await step(`add ${amount}`);
  }, {
    validator: (amount) => {
      if (amount <= 0) throw new Error(`Only positive amounts, not ${amount}`);
    },
  });
  setHandler(finish, () => {
    done = true;
  });
  await condition(() => done);
  return sum;
}
