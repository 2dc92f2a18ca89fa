/** The `pricing` workflow once every run has the patch (patching tests): the old path is gone. */
import { condition, defineSignal, deprecatePatch, setHandler, sleep } from "../../../sandbox/workflow/mod.ts";

export const go = defineSignal("go");

export async function pricing(): Promise<string> {
  let released = false;
  setHandler(go, () => {
    released = true;
  });
  deprecatePatch("two-step-pricing");
  await sleep(10);
  await sleep(10);
  await condition(() => released);
  return "v2";
}
