/**
 * Workflows of the Client's message tests: signals, queries and updates (bundled by the worker;
 * the tests import the definitions only for their names and types).
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  setHandler,
} from "../../../sandbox/workflow/mod.ts";

export const approve = defineSignal<[string, number]>("approve");
export const nudge = defineSignal("nudge");
/** Lets a waiting `slowUpdate` handler finish. */
export const wake = defineSignal("wake");
export const finish = defineSignal("finish");
export const add = defineSignal<[number]>("add");
export const status = defineQuery<{ state: string; detail: string; signals: number }, [string]>("status");
/** A query whose handler always throws. */
export const broken = defineQuery<never>("broken");
/** Adds an item and returns how many there are; its validator rejects an empty name. */
export const addItem = defineUpdate<number, [string]>("addItem");
/** Waits for the `wake` signal, then returns its argument times ten. */
export const slowUpdate = defineUpdate<number, [number]>("slowUpdate");

/** What {@linkcode inbox} received, returned when it finishes. */
export interface Inbox {
  signals: unknown[][];
  items: string[];
}

/** Records signals, answers queries and updates, and returns what it received once `finish` arrives. */
export async function inbox(): Promise<Inbox> {
  const signals: unknown[][] = [];
  const items: string[] = [];
  let awake = false;
  let done = false;
  setHandler(approve, (name, count) => {
    signals.push(["approve", name, count]);
  });
  setHandler(nudge, () => {
    signals.push(["nudge"]);
  });
  setHandler(wake, () => {
    awake = true;
  });
  setHandler(finish, () => {
    done = true;
  });
  setHandler(status, (detail) => ({ state: done ? "finished" : "waiting", detail, signals: signals.length }));
  setHandler(broken, () => {
    throw new Error("The status store is unavailable");
  });
  setHandler(addItem, (item) => {
    items.push(item);
    return items.length;
  }, {
    validator: (item) => {
      if (item === "") {
        throw ApplicationFailure.create({
          message: "Item name is empty",
          type: "Validation",
          nonRetryable: true,
        });
      }
    },
  });
  setHandler(slowUpdate, async (value) => {
    await condition(() => awake);
    return value * 10;
  });
  await condition(() => done);
  await condition(allHandlersFinished);
  return { signals, items };
}

/** Signal-with-start target: collects `add` values until it has two; returns them with its argument. */
export async function collector(startArg: string): Promise<{ startArg: string; values: number[] }> {
  const values: number[] = [];
  setHandler(add, (value) => {
    values.push(value);
  });
  await condition(() => values.length >= 2);
  return { startArg, values };
}
