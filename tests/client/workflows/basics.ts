/**
 * Workflows of the Client's workflow tests (bundled by the worker; the tests import them only for
 * their names and types, as an application's client code would).
 */
import {
  ApplicationFailure,
  condition,
  continueAsNew,
  defineSignal,
  setHandler,
  sleep,
  workflowInfo,
} from "../../../sandbox/workflow/mod.ts";

/** Ends {@linkcode untilFinished}. */
export const finish = defineSignal("finish");

/** Greets `name`. */
export function greet(name: string): Promise<string> {
  return Promise.resolve(`Hello, ${name}`);
}

/** Runs until the `finish` signal, then returns the arguments it was started with. */
export async function untilFinished(...args: unknown[]): Promise<unknown[]> {
  let done = false;
  setHandler(finish, () => {
    done = true;
  });
  await condition(() => done);
  return args;
}

/** Fails with a non-retryable application failure that has details and a cause. */
export function declined(): Promise<never> {
  return Promise.reject(ApplicationFailure.create({
    message: "Card declined",
    type: "CardDeclined",
    nonRetryable: true,
    details: [{ last4: "4242" }],
    cause: ApplicationFailure.create({ message: "Issuer down", type: "Upstream" }),
  }));
}

/** Continues as new with the next iteration until it reaches 2, then returns. */
export function loop(iteration = 1): Promise<string> {
  if (iteration < 2) continueAsNew<typeof loop>(iteration + 1);
  return Promise.resolve(`done after ${iteration} runs`);
}

/** Fails its first attempt (retried by the workflow's retry policy) and returns the attempt that succeeded. */
export function flaky(): Promise<number> {
  const { attempt } = workflowInfo();
  if (attempt < 2) return Promise.reject(ApplicationFailure.retryable(`Attempt ${attempt} failed`, "Flaky"));
  return Promise.resolve(attempt);
}

/** Sleeps for a day: a cancel request cancels the timer, and the workflow ends cancelled. */
export async function sleeper(): Promise<void> {
  await sleep("1 day");
}
