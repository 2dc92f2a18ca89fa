/** The `pricing` workflow before the change (patching tests): one timer, then waits for `go`. */
import { condition, defineSignal, setHandler, sleep } from "../../../sandbox/workflow/mod.ts";

export const go = defineSignal("go");

export async function pricing(): Promise<string> {
  let released = false;
  setHandler(go, () => {
    released = true;
  });
  await sleep(10);
  await condition(() => released);
  return "v1";
}
