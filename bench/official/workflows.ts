/**
 * Workflows for the official TypeScript SDK's worker (`@temporalio/workflow`, installed in
 * bench/node_modules), equivalent to Sandglass's in `tests/fixtures/histories/workflows.ts` and
 * `bench/workflows.ts`: same names, same commands in the same order.
 */
import {
  condition,
  defineSignal,
  defineUpdate,
  proxyActivities,
  setHandler,
  sleep,
} from "@temporalio/workflow";

const { echo } = proxyActivities<{ echo(value: string): Promise<string> }>({
  startToCloseTimeout: "10s",
});
const { noop } = proxyActivities<{ noop(): Promise<void> }>({
  startToCloseTimeout: "10s",
});

/** Calls `echo` twice in sequence. */
export async function officialActivities(name: string): Promise<string[]> {
  return [await echo(`a-${name}`), await echo(`b-${name}`)];
}

/** Three 10 ms timers in sequence. */
export async function officialTimers(): Promise<number> {
  for (let i = 0; i < 3; i++) await sleep(10);
  return 3;
}

export const addSignal = defineSignal<[number]>("add");
export const finishSignal = defineSignal("finish");
export const addUpdate = defineUpdate<number, [number]>("addUpdate");

/** Sums `add` signals and `addUpdate` updates until `finish`, then returns the sum. */
export async function officialSignals(): Promise<number> {
  let total = 0;
  let finished = false;
  setHandler(addSignal, (n) => {
    total += n;
  });
  setHandler(finishSignal, () => {
    finished = true;
  });
  setHandler(addUpdate, (n) => {
    total += n;
    return total;
  });
  await condition(() => finished);
  return total;
}

// ---- benchmark workflows (bench/worker.ts, bench/replay.ts) -----------------------------------

/** One no-op activity. */
export async function benchActivity(): Promise<void> {
  await noop();
}

/** `count` sequential timers of `ms` milliseconds. */
export async function benchTimers(count: number, ms: number): Promise<void> {
  for (let i = 0; i < count; i++) await sleep(ms);
}

export const wakeSignal = defineSignal("wake");

/** Waits for the `wake` signal (an idle cached workflow). */
export async function benchIdle(): Promise<void> {
  let woken = false;
  setHandler(wakeSignal, () => {
    woken = true;
  });
  await condition(() => woken);
}
