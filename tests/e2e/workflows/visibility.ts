/** Workflows of the search attribute and memo tests (bundled by the worker, never imported by the host). */
import {
  condition,
  defineSignal,
  setHandler,
  upsertMemo,
  upsertSearchAttributes,
  workflowInfo,
} from "../../../sandbox/workflow/mod.ts";

export const next = defineSignal("next");

/** Upserts every test search attribute type and the memo, then changes and removes some on `next`. */
export async function tagged(tag: string): Promise<Record<string, unknown>> {
  let stage = 0;
  setHandler(next, () => {
    stage++;
  });
  const initial = { searchAttributes: workflowInfo().searchAttributes, memo: workflowInfo().memo };
  upsertSearchAttributes({
    SandglassKeyword: tag,
    SandglassText: "quick brown fox",
    SandglassInt: 42,
    SandglassDouble: 1.5,
    SandglassBool: true,
    SandglassDatetime: new Date("2025-01-02T03:04:05.000Z"),
    SandglassKeywordList: ["red", "green"],
  });
  upsertMemo({ note: "first", nested: { x: 1 } });
  await condition(() => stage >= 1);
  upsertSearchAttributes({ SandglassInt: null, SandglassKeywordList: ["blue"] });
  upsertMemo({ note: null, other: "o" });
  await condition(() => stage >= 2);
  return { initial, final: { searchAttributes: workflowInfo().searchAttributes, memo: workflowInfo().memo } };
}
