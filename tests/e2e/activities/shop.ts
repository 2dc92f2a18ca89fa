/**
 * Activities of the update and signal tests. `createShopActivities` returns fresh activities with
 * a gate the test opens, so that a test can hold an activity while it sends messages.
 */
import { info } from "../../../worker/activity/mod.ts";

/** Activities plus the controls the tests use. */
export interface ShopActivities {
  activities: {
    price(item: string): Promise<number>;
    record(entry: string): string;
  };
  /** Items priced so far (one entry per attempt). */
  priced: string[];
  /** Entries recorded so far. */
  recorded: string[];
  /** Holds `price` of the given item until {@linkcode ShopActivities.release} is called. */
  hold(item: string): void;
  /** Lets a held `price` call finish. */
  release(item: string): void;
}

/** Creates the activities with their own record and gates. */
export function createShopActivities(): ShopActivities {
  const priced: string[] = [];
  const recorded: string[] = [];
  const gates = new Map<string, { promise: Promise<void>; open: () => void }>();
  return {
    priced,
    recorded,
    hold(item) {
      let open!: () => void;
      const promise = new Promise<void>((resolve) => (open = resolve));
      gates.set(item, { promise, open });
    },
    release(item) {
      gates.get(item)?.open();
    },
    activities: {
      async price(item: string): Promise<number> {
        priced.push(item);
        await gates.get(item)?.promise;
        return item.length * 10 + info().attempt - 1;
      },
      record(entry: string): string {
        recorded.push(entry);
        return entry;
      },
    },
  };
}
