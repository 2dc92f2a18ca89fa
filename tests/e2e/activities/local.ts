/**
 * Activities of the local activity tests; `createLocalActivities` returns fresh ones with a
 * record of every call, so that a test can count executions.
 */
import { ApplicationFailure } from "../../../common/failures.ts";
import { cancellationSignal, info, sleep } from "../../../worker/activity/mod.ts";

/** Creates the activities and the record of their calls. */
export function createLocalActivities() {
  const calls: { type: string; key?: string; attempt: number; isLocal: boolean; at: number }[] = [];
  const note = (type: string, key?: string) =>
    calls.push({
      type,
      ...(key === undefined ? {} : { key }),
      attempt: info().attempt,
      isLocal: info().isLocal,
      at: Date.now(),
    });
  return {
    calls,
    activities: {
      greet(name: string): string {
        note("greet", name);
        return `Hello, ${name}!`;
      },
      flaky(key: string): number {
        note("flaky", key);
        if (info().attempt < 3) throw new Error(`attempt ${info().attempt} of ${key} failed`);
        return info().attempt;
      },
      async slow(): Promise<string> {
        note("slow");
        await sleep(5_000).catch(() => {});
        return "slow done";
      },
      fail(): never {
        note("fail");
        throw ApplicationFailure.create({ message: "Card declined", type: "Declined", nonRetryable: true });
      },
      async sleepFor(key: string, ms: number): Promise<string> {
        note("sleepFor", key);
        await sleep(ms);
        return `slept ${ms} ms`;
      },
      async waitForCancel(key?: string): Promise<string> {
        note("waitForCancel", key);
        const signal = cancellationSignal();
        await new Promise<void>((resolve) => {
          if (signal.aborted) resolve();
          else signal.addEventListener("abort", () => resolve(), { once: true });
        });
        note("waitForCancel:aborted", key);
        throw signal.reason;
      },
    },
  };
}
