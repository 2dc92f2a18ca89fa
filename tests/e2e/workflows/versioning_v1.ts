/** Version 1 of the versioned workflow (bundled by a worker with build id "1.x"). */
import { condition, defineSignal, setHandler, workflowInfo } from "../../../sandbox/workflow/mod.ts";

export const finish = defineSignal("finish");

/** Waits for `finish`, then reports this code's version and the build id that ran the last task. */
export async function versioned(): Promise<string> {
  let done = false;
  setHandler(finish, () => {
    done = true;
  });
  await condition(() => done);
  return `v1@${workflowInfo().currentBuildId ?? "none"}`;
}
