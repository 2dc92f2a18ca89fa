/**
 * Workflows for the official SDK's side of `bench/sandbox.ts`, equivalent to `sleepy` and `ticker` in
 * `tests/sandbox/fixtures/real_workflows.ts` (same names, same commands).
 * @module
 */
import { sleep } from "@temporalio/workflow";

/** Waits on one timer, then greets. */
export async function sleepy(name: string): Promise<string> {
  await sleep(1000);
  return `Hello, ${name}!`;
}

/** Sleeps forever, one timer per activation (for steady-state measurements). */
export async function ticker(): Promise<never> {
  for (;;) await sleep(1000);
}
