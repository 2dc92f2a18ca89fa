import { test } from "node:test";
import assert from "node:assert/strict";
import { WithStartWorkflowOperation } from "../../client/with_start.ts";
import { WorkflowAlreadyStartedError } from "../../common/client_errors.ts";
import { assertReplays, eventTypes, sharedEnv } from "../e2e/e2e_support.ts";
import { fromPayload, testClient, uniqueId } from "./client_support.ts";
import { addItem, cart } from "./workflows/cart.ts";

const workflowsPath = new URL("./workflows/cart.ts", import.meta.url);
const { env } = sharedEnv({ workflowsPath, taskQueue: uniqueId("client-with-start") });

test("executeUpdateWithStartWorkflow starts the workflow with the update in its first task", async () => {
  const { client, taskQueue } = await env();
  const id = uniqueId("cart");
  const op = new WithStartWorkflowOperation(cart, {
    id,
    taskQueue,
    args: ["customer-1"],
    idConflictPolicy: "USE_EXISTING",
  });
  const count: number = await client.executeUpdateWithStartWorkflow(addItem, {
    args: ["apple"],
    startWorkflowOperation: op,
  });
  assert.equal(count, 1);
  const handle = await op.workflowHandle();
  assert.equal(handle.workflowId, id);
  assert.equal((await handle.describe()).runId, handle.resultRunId);

  // A second call with USE_EXISTING goes to the same run.
  const op2 = new WithStartWorkflowOperation(cart, { id, taskQueue, idConflictPolicy: "USE_EXISTING" });
  const updateHandle = await client.startUpdateWithStartWorkflow(addItem, {
    args: ["pear"],
    waitForStage: "ACCEPTED",
    startWorkflowOperation: op2,
  });
  assert.equal(await updateHandle.result(), 2);
  assert.equal((await op2.workflowHandle()).resultRunId, handle.resultRunId);

  // FAIL on a running workflow: the start fails and so does the operation's handle.
  const op3 = new WithStartWorkflowOperation(cart, { id, taskQueue, idConflictPolicy: "FAIL" });
  await assert.rejects(
    client.executeUpdateWithStartWorkflow(addItem, { args: ["fig"], startWorkflowOperation: op3 }),
    (err: unknown) => err instanceof WorkflowAlreadyStartedError && err.workflowId === id,
  );
  await assert.rejects(op3.workflowHandle(), (err: unknown) => err instanceof WorkflowAlreadyStartedError);

  await handle.signal("checkout");
  assert.deepEqual(await handle.result(), { customer: "customer-1", items: ["apple", "pear"] });
  const history = await assertReplays(handle, workflowsPath);
  const started = history.events[0];
  assert.ok(started?.attributes.case === "workflowExecutionStartedEventAttributes");
  assert.deepEqual(started.attributes.value.input?.payloads.map(fromPayload), ["customer-1"]);
  // The first workflow task carried the update: the worker accepted and completed it in that task.
  assert.deepEqual(eventTypes(history).slice(0, 6), [
    "workflowExecutionStartedEventAttributes",
    "workflowTaskScheduledEventAttributes",
    "workflowTaskStartedEventAttributes",
    "workflowTaskCompletedEventAttributes",
    "workflowExecutionUpdateAcceptedEventAttributes",
    "workflowExecutionUpdateCompletedEventAttributes",
  ]);
  const accepted = history.events[4];
  assert.ok(accepted?.attributes.case === "workflowExecutionUpdateAcceptedEventAttributes");
  assert.equal(accepted.attributes.value.acceptedRequest?.input?.name, "addItem");
  assert.deepEqual(accepted.attributes.value.acceptedRequest?.input?.args?.payloads.map(fromPayload), [
    "apple",
  ]);
});

test("update-with-start requires a conflict policy and a fresh operation", async () => {
  // No worker polls this task queue, so the update is never accepted: the first call times out.
  const { client, taskQueue } = await testClient();
  try {
    assert.throws(
      () => new WithStartWorkflowOperation("cart", { id: "c", taskQueue } as never),
      /Missing idConflictPolicy/,
    );
    assert.throws(
      () => new WithStartWorkflowOperation("cart", { id: "", taskQueue, idConflictPolicy: "FAIL" }),
      /Missing workflow id/,
    );
    await assert.rejects(
      client.executeUpdateWithStartWorkflow("addItem", { startWorkflowOperation: {} as never }),
      /Missing startWorkflowOperation/,
    );
    const op = new WithStartWorkflowOperation("cart", {
      id: uniqueId("cart"),
      taskQueue,
      idConflictPolicy: "FAIL",
    });
    const first = client.startUpdateWithStartWorkflow("addItem", {
      waitForStage: "ACCEPTED",
      startWorkflowOperation: op,
      rpcTimeout: 300,
    });
    first.catch(() => {}); // nobody answers the update: it times out
    await assert.rejects(
      client.startUpdateWithStartWorkflow("addItem", {
        waitForStage: "ACCEPTED",
        startWorkflowOperation: op,
      }),
      /already used/,
    );
    await assert.rejects(first);
    await (await op.workflowHandle().catch(() => client.getWorkflowHandle(op.options.id))).terminate();
  } finally {
    await client.connection.close();
  }
});
