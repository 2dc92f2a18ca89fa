import { test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "../../client/client.ts";
import { defineSearchAttributeKey, SearchAttributeType } from "../../client/search_attributes.ts";
import { eventually, testClient, uniqueId } from "./client_support.ts";

const batch = defineSearchAttributeKey("SandglassKeyword", SearchAttributeType.KEYWORD);

test("listWorkflows is a lazy paged iterator with a limit; countWorkflows counts and groups", async () => {
  const { client, taskQueue } = await testClient();
  try {
    const tag = uniqueId("batch");
    const handles = [];
    for (let i = 0; i < 5; i++) {
      handles.push(
        await client.startWorkflow("listed", {
          id: uniqueId("wf"),
          taskQueue,
          memo: { i },
          searchAttributes: [{ key: batch, value: tag }],
        }),
      );
    }
    await handles[0]!.terminate();
    const query = `SandglassKeyword = '${tag}'`;
    const count = await eventually(async () => {
      const c = await client.countWorkflows(query);
      return c.count === 5 ? c : undefined;
    });
    assert.equal(count.count, 5);
    assert.deepEqual(count.groups, []);
    const grouped = await eventually(async () => {
      const c = await client.countWorkflows(`${query} GROUP BY ExecutionStatus`);
      return c.groups.length === 2 ? c : undefined;
    });
    const byStatus = Object.fromEntries(grouped.groups.map((g) => [String(g.groupValues[0]), g.count]));
    assert.deepEqual(byStatus, { Running: 4, Terminated: 1 });

    const all = await eventually(async () => {
      const list = await client.listWorkflows(query, { pageSize: 2 }).toArray();
      return list.length === 5 ? list : undefined;
    });
    assert.deepEqual(new Set(all.map((w) => w.workflowId)), new Set(handles.map((h) => h.workflowId)));
    for (const wf of all) {
      assert.equal(wf.workflowType, "listed");
      assert.equal(wf.taskQueue, taskQueue);
      assert.equal(wf.searchAttributes.get(batch), tag);
      assert.equal(typeof (await wf.memo())["i"], "number");
    }
    const limited = [];
    for await (const wf of client.listWorkflows(query, { limit: 3, pageSize: 2 })) limited.push(wf);
    assert.equal(limited.length, 3);
    for (const h of handles.slice(1)) await h.terminate();
  } finally {
    await client.connection.close();
  }
});

test("listWorkflows makes no request until iterated, and checks its options at once", async () => {
  // A lazy client on a port nobody listens on: creating the iterator must not call it.
  const client = await Client.connect("127.0.0.1:1", { lazy: true, retry: false });
  try {
    const iterator = client.listWorkflows("WorkflowType = 'x'");
    assert.equal(iterator.nextPageToken, undefined);
    await assert.rejects(iterator.toArray());
    assert.throws(() => client.listWorkflows("", { limit: 0 }), /Invalid limit '0'/);
    assert.throws(() => client.listWorkflows("", { pageSize: -1 }), /Invalid pageSize '-1'/);
  } finally {
    await client.connection.close();
  }
});
