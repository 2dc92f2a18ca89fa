/**
 * Sandglass's benchmark workflows, equivalent to the official SDK's in `official/workflows.ts`:
 * same names, same commands in the same order.
 * @module
 */
import { condition, defineSignal, proxyActivities, setHandler, sleep } from "../sandbox/workflow/mod.ts";

const { noop } = proxyActivities<{ noop(): Promise<void> }>({
  startToCloseTimeout: "10s",
});

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
