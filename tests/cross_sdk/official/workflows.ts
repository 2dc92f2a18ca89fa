/**
 * Workflows the official TypeScript SDK's worker (`@temporalio/workflow` 1.24.0 from
 * tests/cross_sdk/node_modules, bundled by its webpack) runs for the cross-SDK tests; twins of
 * `../workflows/sandglass.ts`: same names, same behaviour, so one test body fits either worker.
 */
import { ApplicationFailure, condition, defineQuery, defineSignal, setHandler } from "@temporalio/workflow";

/** How a workflow saw one argument: `{ bytes: [..] }`, `{ null: true }`, `{ undefined: true }` or `{ json: value }`. */
export type SeenValue = { bytes: number[] } | { null: true } | {
  undefined: true;
} | { json: unknown };

function see(value: unknown): SeenValue {
  if (value instanceof Uint8Array) return { bytes: Array.from(value) };
  if (value === null) return { null: true };
  if (value === undefined) return { undefined: true };
  return { json: value };
}

/** Returns how each argument arrived. */
export function describeArgs(...args: unknown[]): Promise<SeenValue[]> {
  return Promise.resolve(args.map(see));
}

/** Returns its argument as it is. */
export function echo(value: unknown): Promise<unknown> {
  return Promise.resolve(value);
}

/** Returns `null` (which every SDK's client must read as its null). */
export function returnNull(): Promise<null> {
  return Promise.resolve(null);
}

/** Fails with a non-retryable ApplicationFailure of the given message, type and details. */
export function failWith(
  message: string,
  type: string,
  ...details: unknown[]
): Promise<never> {
  return Promise.reject(
    ApplicationFailure.create({ message, type, details, nonRetryable: true }),
  );
}

export const add = defineSignal<[number]>("add");
export const finish = defineSignal<[string]>("finish");
export const total = defineQuery<{ total: number; adds: number[] }>("total");
export const greet = defineQuery<string, [string]>("greet");

/** Sums `add` signals until `finish`; `total` and `greet` queries read its state. */
export async function counter(): Promise<
  { total: number; finishedBy: string }
> {
  const adds: number[] = [];
  let finishedBy: string | undefined;
  setHandler(add, (n) => {
    adds.push(n);
  });
  setHandler(finish, (by) => {
    finishedBy = by;
  });
  setHandler(total, () => ({ total: adds.reduce((a, b) => a + b, 0), adds }));
  setHandler(greet, (name) => `¡Hola, ${name}! 👋`);
  await condition(() => finishedBy !== undefined);
  return { total: adds.reduce((a, b) => a + b, 0), finishedBy: finishedBy! };
}
