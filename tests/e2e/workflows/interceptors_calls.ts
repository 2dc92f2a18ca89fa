/**
 * Workflows of the tests of the interception points for queries, updates, continue-as-new and
 * signals and cancellation to other workflows (bundled with `interceptors_calls_module.ts`).
 */
import {
  condition,
  continueAsNew,
  decodeHeader,
  defineQuery,
  defineSignal,
  defineUpdate,
  getExternalWorkflowHandle,
  isCancellation,
  setHandler,
  startChild,
  workflowInfo,
} from "../../../sandbox/workflow/mod.ts";
import { callsSeen } from "./interceptors_calls_module.ts";

export const state = defineQuery<string>("state");
export const add = defineUpdate<number, [number]>("add");
export const go = defineSignal("go");
export const note = defineSignal<[string]>("note");

/** Notes signals until it is cancelled; returns them and what its interceptors saw. */
export async function callsTarget(): Promise<{ notes: string[]; seen: string[]; cancelled: boolean }> {
  const notes: string[] = [];
  setHandler(note, (text) => {
    notes.push(text);
  });
  try {
    await condition(() => false);
  } catch (error) {
    if (!isCancellation(error)) throw error;
    return { notes, seen: callsSeen(), cancelled: true };
  }
  return { notes, seen: callsSeen(), cancelled: false };
}

/**
 * Round 0: answers `state`, takes `add` updates, waits for `go`; then signals a child (through its
 * handle and as an external workflow), cancels it, and continues as new with what happened. Round 1
 * reports it, with the header the new run was started with.
 */
export async function callsMain(round: number, previous?: unknown): Promise<unknown> {
  if (round === 1) {
    return { previous, startTenant: decodeHeader(workflowInfo().headers["tenant"]), seen: callsSeen() };
  }
  let total = 0;
  let going = false;
  setHandler(state, () => `total=${total}`);
  setHandler(add, (by) => (total += by));
  setHandler(go, () => {
    going = true;
  });
  await condition(() => going && total > 0);
  const childId = `${workflowInfo().workflowId}-target`;
  const child = await startChild(callsTarget, { workflowId: childId });
  await child.signal(note, "by-handle");
  const external = getExternalWorkflowHandle(childId);
  await external.signal(note, "by-id");
  await external.cancel();
  const target = await child.result();
  return continueAsNew<typeof callsMain>(1, { total, target, seen: callsSeen() });
}
