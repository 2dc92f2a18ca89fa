/**
 * The workflow of the Client's update-with-start tests (bundled by the worker; the tests import
 * it only for its name and types).
 */
import { condition, defineSignal, defineUpdate, setHandler } from "../../../sandbox/workflow/mod.ts";

/** Adds an item and returns how many the cart holds. */
export const addItem = defineUpdate<number, [string]>("addItem");
/** Ends the cart. */
export const checkout = defineSignal("checkout");

/** A customer's cart: takes `addItem` updates until `checkout`, then returns its items. */
export async function cart(customer: string): Promise<{ customer: string; items: string[] }> {
  const items: string[] = [];
  let done = false;
  setHandler(addItem, (item) => {
    items.push(item);
    return items.length;
  });
  setHandler(checkout, () => {
    done = true;
  });
  await condition(() => done);
  return { customer, items };
}
