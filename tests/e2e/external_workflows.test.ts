import assert from "node:assert/strict";
import { test } from "node:test";
import { assertReplays, sharedEnv, uniqueId, waitForStatus, WorkflowExecutionStatus } from "./e2e_support.ts";

const workflowsPath = new URL("./workflows/children.ts", import.meta.url);
const { env } = sharedEnv({ workflowsPath });

test("a workflow signals another workflow by id", async () => {
  const { client, taskQueue } = await env();
  const target = await client.startWorkflow("childWaitsForSignal", { id: uniqueId("target"), taskQueue });
  const sender = await client.startWorkflow("signalsExternal", {
    args: [target.workflowId],
    id: uniqueId("sender"),
    taskQueue,
  });
  assert.equal(await sender.result(), "signalled");
  assert.equal(await target.result(), "child got from external");
  await assertReplays(sender, workflowsPath);
  await assertReplays(target, workflowsPath);
});

test("a workflow signals a specific run of another workflow by id and run id", async () => {
  const { client, taskQueue } = await env();
  const target = await client.startWorkflow("childWaitsForSignal", { id: uniqueId("target"), taskQueue });
  const runId = (await target.describe()).runId;
  const sender = await client.startWorkflow("signalsExternal", {
    args: [target.workflowId, runId],
    id: uniqueId("sender"),
    taskQueue,
  });
  assert.equal(await sender.result(), "signalled");
  assert.equal(await target.result(), "child got from external");
  await assertReplays(sender, workflowsPath);
});

test("a workflow cancels another workflow by id; the target sees the cancellation", async () => {
  const { client, taskQueue } = await env();
  const target = await client.startWorkflow("waitsForCancel", { id: uniqueId("target"), taskQueue });
  const sender = await client.startWorkflow("cancelsExternal", {
    args: [target.workflowId],
    id: uniqueId("sender"),
    taskQueue,
  });
  assert.equal(await sender.result(), "cancel requested");
  assert.equal(await target.result(), "cancelled and cleaned up");
  await assertReplays(sender, workflowsPath);
  await assertReplays(target, workflowsPath);
});

test("a workflow cancels a specific run by id and run id", async () => {
  const { client, taskQueue } = await env();
  const target = await client.startWorkflow("childWaitsForever", { id: uniqueId("target"), taskQueue });
  const runId = (await target.describe()).runId;
  const sender = await client.startWorkflow("cancelsExternal", {
    args: [target.workflowId, runId],
    id: uniqueId("sender"),
    taskQueue,
  });
  assert.equal(await sender.result(), "cancel requested");
  await waitForStatus(client, target.workflowId, WorkflowExecutionStatus.CANCELED);
  await assertReplays(sender, workflowsPath);
});

for (const action of ["signal", "cancel"] as const) {
  test(`to ${action} a workflow that does not exist fails with ExternalWorkflowExecutionNotFound`, async () => {
    const { client, taskQueue } = await env();
    const missing = uniqueId("missing");
    const handle = await client.startWorkflow("externalMissing", {
      args: [missing, action],
      id: uniqueId("sender"),
      taskQueue,
    });
    const result = await handle.result() as Record<string, unknown>;
    assert.equal(result["failed"], true);
    assert.equal(result["isApplicationFailure"], true);
    assert.equal(result["type"], "ExternalWorkflowExecutionNotFound");
    assert.match(String(result["message"]), new RegExp(missing));
    await assertReplays(handle, workflowsPath);
  });
}
