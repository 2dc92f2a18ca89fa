import assert from "node:assert/strict";
import { test } from "node:test";
import { defineSearchAttributeKey, SearchAttributeType } from "../../client/search_attributes.ts";
import type { WorkflowExecutionDescription } from "../../client/workflow_execution.ts";
import { assertReplays, eventually, sharedEnv, uniqueId } from "./e2e_support.ts";

const workflowsPath = new URL("./workflows/visibility.ts", import.meta.url);
const { env } = sharedEnv({ workflowsPath });

const keyword = defineSearchAttributeKey("SandglassKeyword", SearchAttributeType.KEYWORD);
const text = defineSearchAttributeKey("SandglassText", SearchAttributeType.TEXT);
const int = defineSearchAttributeKey("SandglassInt", SearchAttributeType.INT);
const double = defineSearchAttributeKey("SandglassDouble", SearchAttributeType.DOUBLE);
const bool = defineSearchAttributeKey("SandglassBool", SearchAttributeType.BOOL);
const datetime = defineSearchAttributeKey("SandglassDatetime", SearchAttributeType.DATETIME);
const keywordList = defineSearchAttributeKey("SandglassKeywordList", SearchAttributeType.KEYWORD_LIST);

async function listed(query: string): Promise<WorkflowExecutionDescription[]> {
  const out: WorkflowExecutionDescription[] = [];
  for await (const wf of (await env()).client.listWorkflows(query)) out.push(wf);
  return out;
}

test("typed search attribute and memo upserts are visible through describe, list and count", async () => {
  const { client, taskQueue } = await env();
  const tag = uniqueId("tag");
  const handle = await client.startWorkflow("tagged", {
    args: [tag],
    id: uniqueId("sa"),
    taskQueue,
    searchAttributes: [{ key: keyword, value: "at-start" }],
    memo: { initial: true },
  });

  const described = await eventually(async () => {
    const d = await handle.describe();
    return d.searchAttributes.get(keyword) === tag ? d : undefined;
  }, "the upsert to be visible");
  assert.equal(described.searchAttributes.get(text), "quick brown fox");
  assert.equal(described.searchAttributes.get(int), 42);
  assert.equal(described.searchAttributes.get(double), 1.5);
  assert.equal(described.searchAttributes.get(bool), true);
  assert.deepEqual(described.searchAttributes.get(datetime), new Date("2025-01-02T03:04:05.000Z"));
  assert.deepEqual(described.searchAttributes.get(keywordList), ["red", "green"]);
  assert.deepEqual(await described.memo(), { initial: true, note: "first", nested: { x: 1 } });

  const query = `SandglassKeyword = '${tag}' AND SandglassInt = 42 AND SandglassBool = true ` +
    `AND SandglassDouble > 1 AND SandglassKeywordList = 'green' ` +
    // (the dev server's SQLite visibility does not match Datetime with =, so a range)
    `AND SandglassDatetime > '2025-01-02T03:04:04Z' AND SandglassDatetime < '2025-01-02T03:04:06Z'`;
  const found = await eventually(async () => {
    const list = await listed(query);
    return list.length === 1 ? list : undefined;
  }, "the list query to find the workflow");
  assert.equal(found[0]!.workflowId, handle.workflowId);
  assert.equal(found[0]!.searchAttributes.get(keyword), tag);
  assert.equal((await client.countWorkflows(query)).count, 1);
  assert.equal((await client.countWorkflows(`SandglassKeyword = '${tag}' AND SandglassInt = 41`)).count, 0);

  await handle.signal("next");
  const changed = await eventually(async () => {
    const d = await handle.describe();
    return d.searchAttributes.get(int) === undefined ? d : undefined;
  }, "the removal to be visible");
  assert.deepEqual(changed.searchAttributes.get(keywordList), ["blue"]);
  assert.equal(changed.searchAttributes.get(keyword), tag);
  assert.deepEqual(await changed.memo(), { initial: true, nested: { x: 1 }, other: "o" });
  await eventually(
    async () => ((await client.countWorkflows(query)).count === 0 ? true : undefined),
    "the old query to stop matching",
  );
  assert.equal(
    (await client.countWorkflows(`SandglassKeyword = '${tag}' AND SandglassKeywordList = 'blue'`)).count,
    1,
  );

  await handle.signal("next");
  const result = await handle.result() as Record<string, Record<string, unknown>>;
  assert.deepEqual(result["initial"], {
    searchAttributes: { SandglassKeyword: "at-start" },
    memo: { initial: true },
  });
  assert.deepEqual(result["final"]!["memo"], { initial: true, nested: { x: 1 }, other: "o" });
  const finalAttributes = result["final"]!["searchAttributes"] as Record<string, unknown>;
  assert.equal(finalAttributes["SandglassKeyword"], tag);
  assert.equal(finalAttributes["SandglassInt"], undefined);
  assert.deepEqual(finalAttributes["SandglassKeywordList"], ["blue"]);
  await assertReplays(handle, workflowsPath);
});
