/** The `pricing` workflow with the change behind `patched` (patching tests): two timers on the new path. */
import { condition, defineSignal, patched, setHandler, sleep } from "../../../sandbox/workflow/mod.ts";

export const go = defineSignal("go");

export async function pricing(): Promise<string> {
  let released = false;
  setHandler(go, () => {
    released = true;
  });
  const v2 = patched("two-step-pricing");
  if (v2) {
    await sleep(10);
    await sleep(10);
  } else {
    await sleep(10);
  }
  await condition(() => released);
  return v2 ? "v2" : "v1";
}
