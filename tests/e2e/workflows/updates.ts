/**
 * Workflows of the update and signal tests (bundled by the worker, never imported by the host).
 */
import {
  allHandlersFinished,
  ApplicationFailure,
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  executeActivity,
  setHandler,
} from "../../../sandbox/workflow/mod.ts";

export const addItem = defineUpdate<number, [string]>("addItem");
export const setDiscount = defineUpdate<number, [number]>("setDiscount");
export const checkout = defineSignal("checkout");
export const contents = defineQuery<string[]>("contents");
export const add = defineSignal<[number]>("add");

/**
 * A cart: `addItem` prices the item with an activity (async handler, validated), `setDiscount`
 * is synchronous and validated, `checkout` ends the workflow once every handler has finished.
 */
export async function cart(): Promise<{ items: string[]; discount: number }> {
  const items: string[] = [];
  let discount = 0;
  let done = false;
  setHandler(addItem, async (item) => {
    if (item === "broken") {
      throw ApplicationFailure.create({ message: "Cannot price 'broken'", type: "Unpriceable" });
    }
    const price = await executeActivity<(item: string) => Promise<number>>("price", {
      args: [item],
      startToCloseTimeout: "10s",
    });
    items.push(`${item}=${price}`);
    return items.length;
  }, {
    validator: (item) => {
      if (typeof item !== "string" || item === "") throw new Error("An item needs a name");
    },
  });
  setHandler(setDiscount, (percent) => {
    discount = percent;
    return discount;
  }, {
    validator: (percent) => {
      if (!(percent >= 0 && percent <= 50)) {
        throw new RangeError(`Invalid discount ${percent}: expected 0 to 50`);
      }
    },
  });
  setHandler(checkout, () => {
    done = true;
  });
  setHandler(contents, () => items);
  await condition(() => done);
  await condition(allHandlersFinished);
  return { items, discount };
}

/** Sums `add` signals in arrival order until it has `count` of them; returns them all. */
export async function accumulate(count: number): Promise<{ values: number[]; startArgs: unknown[] }> {
  const values: number[] = [];
  setHandler(add, (value) => {
    values.push(value);
  });
  await condition(() => values.length >= count);
  return { values, startArgs: [count] };
}
