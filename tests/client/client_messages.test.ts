import { test } from "node:test";
import assert from "node:assert/strict";
import {
  WorkflowQueryFailedError,
  WorkflowQueryRejectedError,
  WorkflowUpdateFailedError,
} from "../../common/client_errors.ts";
import { ApplicationFailure } from "../../common/failures.ts";
import { EventType } from "../../gen/temporal/api/enums/v1/event_type_pb.ts";
import type { HandlerDefinition } from "../../client/types.ts";
import {
  acceptAndComplete,
  acceptOnly,
  answerQuery,
  completeUpdate,
  completeWorkflowTask,
  rejectUpdate,
} from "../support/raw_worker.ts";
import {
  ackNext,
  completeNext,
  fromPayload,
  nextTask,
  payload,
  testClient,
  uniqueId,
} from "./client_support.ts";

test("signal delivers its name and arguments to the workflow", async () => {
  const { client, taskQueue } = await testClient();
  try {
    const handle = await client.startWorkflow("signalled", { id: uniqueId("wf"), taskQueue });
    await ackNext(client, taskQueue);
    const approve: HandlerDefinition<[string, number]> = { name: "approve" };
    await handle.signal(approve, "ada", 2);
    await handle.signalWithOptions("nudge", { args: [], rpcMetadata: { "x-test": "1" } });
    const task = await nextTask(client, taskQueue);
    const signals = (task.response.history?.events ?? []).filter((e) =>
      e.eventType === EventType.WORKFLOW_EXECUTION_SIGNALED
    );
    assert.equal(signals.length, 2);
    const [first, second] = signals;
    assert.ok(first?.attributes.case === "workflowExecutionSignaledEventAttributes");
    assert.equal(first.attributes.value.signalName, "approve");
    assert.deepEqual(first.attributes.value.input?.payloads.map(fromPayload), ["ada", 2]);
    assert.ok(second?.attributes.case === "workflowExecutionSignaledEventAttributes");
    assert.equal(second.attributes.value.signalName, "nudge");
    await handle.terminate();
  } finally {
    await client.connection.close();
  }
});

test("startWorkflow with startSignal uses signal-with-start: it starts once, then signals the running run", async () => {
  const { client, taskQueue } = await testClient();
  try {
    const id = uniqueId("wf");
    const first = await client.startWorkflow("sws", {
      id,
      taskQueue,
      args: ["start-arg"],
      startSignal: "add",
      startSignalArgs: [1],
    });
    const second = await client.startWorkflow("sws", {
      id,
      taskQueue,
      startSignal: "add",
      startSignalArgs: [2],
    });
    assert.equal(second.resultRunId, first.resultRunId);
    const task = await nextTask(client, taskQueue);
    const events = task.response.history?.events ?? [];
    const started = events[0];
    assert.ok(started?.attributes.case === "workflowExecutionStartedEventAttributes");
    assert.deepEqual(started.attributes.value.input?.payloads.map(fromPayload), ["start-arg"]);
    const signalArgs = events.flatMap((e) =>
      e.attributes.case === "workflowExecutionSignaledEventAttributes"
        ? [e.attributes.value.signalName, ...(e.attributes.value.input?.payloads.map(fromPayload) ?? [])]
        : []
    );
    assert.deepEqual(signalArgs, ["add", 1, "add", 2]);
    await first.terminate();
  } finally {
    await client.connection.close();
  }
});

test("query returns the worker's answer; a failing query throws WorkflowQueryFailedError", async () => {
  const { client, namespace, taskQueue } = await testClient();
  try {
    const handle = await client.startWorkflow("queried", { id: uniqueId("wf"), taskQueue });
    await ackNext(client, taskQueue);
    const status: HandlerDefinition<[string], { state: string }> = { name: "status" };
    const pending = handle.query(status, "verbose");
    const task = await nextTask(client, taskQueue);
    assert.equal(task.response.query?.queryType, "status");
    assert.deepEqual(task.response.query?.queryArgs?.payloads.map(fromPayload), ["verbose"]);
    await answerQuery(client.workflowService, namespace, task, { result: [payload({ state: "waiting" })] });
    const answer: { state: string } = await pending;
    assert.deepEqual(answer, { state: "waiting" });

    const failing = handle.query("broken");
    failing.catch(() => {}); // asserted below, after the worker's answer
    const failTask = await nextTask(client, taskQueue);
    await answerQuery(client.workflowService, namespace, failTask, { error: "no handler for 'broken'" });
    await assert.rejects(failing, (err: unknown) => {
      assert.ok(err instanceof WorkflowQueryFailedError);
      assert.match(err.message, /no handler for 'broken'/);
      return true;
    });
    await handle.terminate();
  } finally {
    await client.connection.close();
  }
});

test("a query with a reject condition on a closed workflow throws WorkflowQueryRejectedError with its status", async () => {
  const { client, address, namespace, taskQueue } = await testClient();
  try {
    const handle = await client.startWorkflow("closed", { id: uniqueId("wf"), taskQueue });
    await completeNext(client, taskQueue, "done");
    await handle.result();
    await assert.rejects(
      handle.queryWithOptions("status", { rejectCondition: "NOT_OPEN" }),
      (err: unknown) => {
        assert.ok(err instanceof WorkflowQueryRejectedError);
        assert.equal(err.status, "COMPLETED");
        return true;
      },
    );
    // The client-wide default applies to queries that set none.
    const strict = await (await import("../../client/client.ts")).Client.connect(address, {
      namespace,
      defaultWorkflowQueryRejectCondition: "NOT_OPEN",
    });
    try {
      await assert.rejects(
        strict.getWorkflowHandle(handle.workflowId).query("status"),
        (err: unknown) => err instanceof WorkflowQueryRejectedError,
      );
    } finally {
      await strict.connection.close();
    }
  } finally {
    await client.connection.close();
  }
});

test("executeUpdate sends the update in a workflow task and returns the worker's result", async () => {
  const { client, namespace, taskQueue } = await testClient();
  try {
    const handle = await client.startWorkflow("updatable", { id: uniqueId("wf"), taskQueue });
    await ackNext(client, taskQueue);
    const addItem: HandlerDefinition<[string], number> = { name: "addItem" };
    const pending = handle.executeUpdate(addItem, { args: ["apple"], updateId: "upd-1" });
    const task = await nextTask(client, taskQueue);
    const update = task.updates[0];
    assert.ok(update);
    assert.equal(update.request.input?.name, "addItem");
    assert.equal(update.request.meta?.updateId, "upd-1");
    assert.deepEqual(update.request.input?.args?.payloads.map(fromPayload), ["apple"]);
    const { messages, commands } = acceptAndComplete(update, { success: [payload(1)] });
    await completeWorkflowTask(client.workflowService, namespace, task, commands, messages);
    const count: number = await pending;
    assert.equal(count, 1);
    await handle.terminate();
  } finally {
    await client.connection.close();
  }
});

test("startUpdate returns at ACCEPTED; the update handle's result waits for the later completion", async () => {
  const { client, namespace, taskQueue } = await testClient();
  try {
    const handle = await client.startWorkflow("updatable", { id: uniqueId("wf"), taskQueue });
    await ackNext(client, taskQueue);
    const pending = handle.startUpdate("slowUpdate", { args: [5], waitForStage: "ACCEPTED" });
    const task = await nextTask(client, taskQueue);
    const update = task.updates[0]!;
    const accepted = acceptOnly(update);
    await completeWorkflowTask(client.workflowService, namespace, task, accepted.commands, accepted.messages);
    const updateHandle = await pending;
    assert.equal(updateHandle.workflowId, handle.workflowId);
    assert.equal(updateHandle.updateId, update.request.meta?.updateId);
    const byId = handle.getUpdateHandle<number>(updateHandle.updateId);
    const result = byId.result();
    // Complete it in a later task, which a signal brings.
    await handle.signal("wake");
    const later = await nextTask(client, taskQueue);
    const done = completeUpdate(update.message.protocolInstanceId, updateHandle.updateId, [payload(50)]);
    await completeWorkflowTask(client.workflowService, namespace, later, done.commands, done.messages);
    assert.equal(await result, 50);
    assert.equal(await updateHandle.result(), 50);
    await handle.terminate();
  } finally {
    await client.connection.close();
  }
});

test("a rejected update throws WorkflowUpdateFailedError with the worker's failure as cause", async () => {
  const { client, namespace, taskQueue } = await testClient();
  try {
    const handle = await client.startWorkflow("updatable", { id: uniqueId("wf"), taskQueue });
    await ackNext(client, taskQueue);
    const pending = handle.executeUpdate("addItem", { args: [""] });
    pending.catch(() => {}); // asserted below, after the worker's answer
    const task = await nextTask(client, taskQueue);
    const reject = rejectUpdate(task.updates[0]!, {
      message: "Item name is empty",
      source: "raw-worker",
      failureInfo: { case: "applicationFailureInfo", value: { type: "Validation", nonRetryable: true } },
    } as never);
    await completeWorkflowTask(client.workflowService, namespace, task, [], [reject]);
    await assert.rejects(pending, (err: unknown) => {
      assert.ok(err instanceof WorkflowUpdateFailedError);
      assert.ok(err.cause instanceof ApplicationFailure);
      assert.equal(err.cause.message, "Item name is empty");
      assert.equal(err.cause.type, "Validation");
      return true;
    });
    await assert.rejects(
      handle.startUpdate("x", { waitForStage: undefined as never }),
      /Missing waitForStage/,
    );
    await handle.terminate();
  } finally {
    await client.connection.close();
  }
});
