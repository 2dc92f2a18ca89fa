/**
 * The workflow of the Client's interceptor tests (bundled by the worker): it takes a signal, a
 * query and an update, and runs until `finish` (or until the test terminates it).
 */
import {
  condition,
  defineQuery,
  defineSignal,
  defineUpdate,
  setHandler,
} from "../../../sandbox/workflow/mod.ts";

export const ping = defineSignal("ping");
export const finish = defineSignal("finish");
/** How many pings arrived, as `ok:<count>`. */
export const state = defineQuery<string>("state");
/** Does nothing and returns null. */
export const u = defineUpdate<null>("u");

/** Counts pings and answers `state` and `u` until `finish`. */
export async function intercepted(): Promise<number> {
  let pings = 0;
  let done = false;
  setHandler(ping, () => {
    pings++;
  });
  setHandler(finish, () => {
    done = true;
  });
  setHandler(state, () => `ok:${pings}`);
  setHandler(u, () => null);
  await condition(() => done);
  return pings;
}
