import { test } from "node:test";
import assert from "node:assert/strict";
import { WithStartWorkflowOperation } from "../../client/with_start.ts";
import { WorkflowAlreadyStartedError } from "../../common/client_errors.ts";
import { acceptAndComplete, completeWorkflowTask } from "../support/raw_worker.ts";
import { fromPayload, nextTask, payload, testClient, uniqueId } from "./client_support.ts";

test("executeUpdateWithStartWorkflow starts the workflow with the update in its first task", async () => {
  const { client, namespace, taskQueue } = await testClient();
  try {
    const id = uniqueId("cart");
    const op = new WithStartWorkflowOperation("cart", {
      id,
      taskQueue,
      args: ["customer-1"],
      idConflictPolicy: "USE_EXISTING",
    });
    const pending = client.executeUpdateWithStartWorkflow("addItem", {
      args: ["apple"],
      startWorkflowOperation: op,
    });
    const task = await nextTask(client, taskQueue);
    const started = task.response.history?.events[0];
    assert.ok(started?.attributes.case === "workflowExecutionStartedEventAttributes");
    assert.deepEqual(started.attributes.value.input?.payloads.map(fromPayload), ["customer-1"]);
    const update = task.updates[0]!;
    assert.equal(update.request.input?.name, "addItem");
    const reply = acceptAndComplete(update, { success: [payload(1)] });
    await completeWorkflowTask(client.workflowService, namespace, task, reply.commands, reply.messages);
    assert.equal(await pending, 1);
    const handle = await op.workflowHandle();
    assert.equal(handle.workflowId, id);
    assert.equal((await handle.describe()).runId, handle.resultRunId);

    // A second call with USE_EXISTING goes to the same run.
    const op2 = new WithStartWorkflowOperation("cart", { id, taskQueue, idConflictPolicy: "USE_EXISTING" });
    const pending2 = client.startUpdateWithStartWorkflow("addItem", {
      args: ["pear"],
      waitForStage: "ACCEPTED",
      startWorkflowOperation: op2,
    });
    const task2 = await nextTask(client, taskQueue);
    const reply2 = acceptAndComplete(task2.updates[0]!, { success: [payload(2)] });
    await completeWorkflowTask(client.workflowService, namespace, task2, reply2.commands, reply2.messages);
    const updateHandle = await pending2;
    assert.equal(await updateHandle.result(), 2);
    assert.equal((await op2.workflowHandle()).resultRunId, handle.resultRunId);

    // FAIL on a running workflow: the start fails and so does the operation's handle.
    const op3 = new WithStartWorkflowOperation("cart", { id, taskQueue, idConflictPolicy: "FAIL" });
    await assert.rejects(
      client.executeUpdateWithStartWorkflow("addItem", { args: ["fig"], startWorkflowOperation: op3 }),
      (err: unknown) => err instanceof WorkflowAlreadyStartedError && err.workflowId === id,
    );
    await assert.rejects(op3.workflowHandle(), (err: unknown) => err instanceof WorkflowAlreadyStartedError);
    await handle.terminate();
  } finally {
    await client.connection.close();
  }
});

test("update-with-start requires a conflict policy and a fresh operation", async () => {
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
