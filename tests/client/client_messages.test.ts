import { test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "../../client/client.ts";
import type { HandlerDefinition } from "../../client/types.ts";
import {
  WorkflowQueryFailedError,
  WorkflowQueryRejectedError,
  WorkflowUpdateFailedError,
} from "../../common/client_errors.ts";
import { ApplicationFailure } from "../../common/failures.ts";
import { EventType } from "../../gen/temporal/api/enums/v1/event_type_pb.ts";
import type { History } from "../../gen/temporal/api/history/v1/message_pb.ts";
import { assertReplays, sharedEnv } from "../e2e/e2e_support.ts";
import { devServer } from "../support/servers.ts";
import { fromPayload, uniqueId } from "./client_support.ts";
import { addItem, collector, inbox, slowUpdate, wake } from "./workflows/messages.ts";

const workflowsPath = new URL("./workflows/messages.ts", import.meta.url);
const { env } = sharedEnv({ workflowsPath, taskQueue: uniqueId("client-messages") });

function acceptedUpdates(history: History) {
  return history.events.flatMap((e) =>
    e.attributes.case === "workflowExecutionUpdateAcceptedEventAttributes"
      ? [e.attributes.value.acceptedRequest]
      : []
  );
}

function completedUpdateIds(history: History): string[] {
  return history.events.flatMap((e) =>
    e.attributes.case === "workflowExecutionUpdateCompletedEventAttributes"
      ? [e.attributes.value.meta?.updateId ?? ""]
      : []
  );
}

test("signal delivers its name and arguments to the workflow", async () => {
  const { client, taskQueue } = await env();
  const handle = await client.startWorkflow(inbox, { id: uniqueId("wf"), taskQueue });
  const approve: HandlerDefinition<[string, number]> = { name: "approve" };
  await handle.signal(approve, "ada", 2);
  await handle.signalWithOptions("nudge", { args: [], rpcMetadata: { "x-test": "1" } });
  await handle.signal("finish");
  assert.deepEqual(await handle.result(), { signals: [["approve", "ada", 2], ["nudge"]], items: [] });
  const history = await assertReplays(handle, workflowsPath);
  const signals = history.events.filter((e) => e.eventType === EventType.WORKFLOW_EXECUTION_SIGNALED);
  assert.equal(signals.length, 3);
  const [first, second] = signals;
  assert.ok(first?.attributes.case === "workflowExecutionSignaledEventAttributes");
  assert.equal(first.attributes.value.signalName, "approve");
  assert.deepEqual(first.attributes.value.input?.payloads.map(fromPayload), ["ada", 2]);
  assert.ok(second?.attributes.case === "workflowExecutionSignaledEventAttributes");
  assert.equal(second.attributes.value.signalName, "nudge");
});

test("startWorkflow with startSignal uses signal-with-start: it starts once, then signals the running run", async () => {
  const { client, taskQueue } = await env();
  const id = uniqueId("wf");
  const first = await client.startWorkflow(collector, {
    id,
    taskQueue,
    args: ["start-arg"],
    startSignal: "add",
    startSignalArgs: [1],
  });
  const second = await client.startWorkflow(collector, {
    id,
    taskQueue,
    args: ["ignored"],
    startSignal: "add",
    startSignalArgs: [2],
  });
  assert.equal(second.resultRunId, first.resultRunId);
  // The run started by the first call got both signals, in order, and the first call's argument.
  assert.deepEqual(await first.result(), { startArg: "start-arg", values: [1, 2] });
  const history = await assertReplays(first, workflowsPath);
  const started = history.events[0];
  assert.ok(started?.attributes.case === "workflowExecutionStartedEventAttributes");
  assert.deepEqual(started.attributes.value.input?.payloads.map(fromPayload), ["start-arg"]);
  assert.equal(
    history.events[1]?.eventType,
    EventType.WORKFLOW_EXECUTION_SIGNALED,
    "signalled with the start",
  );
  const signalArgs = history.events.flatMap((e) =>
    e.attributes.case === "workflowExecutionSignaledEventAttributes"
      ? [e.attributes.value.signalName, ...(e.attributes.value.input?.payloads.map(fromPayload) ?? [])]
      : []
  );
  assert.deepEqual(signalArgs, ["add", 1, "add", 2]);
});

test("query returns the workflow's answer; a failing or unknown query throws WorkflowQueryFailedError", async () => {
  const { client, taskQueue } = await env();
  const handle = await client.startWorkflow(inbox, { id: uniqueId("wf"), taskQueue });
  const status: HandlerDefinition<[string], { state: string; detail: string; signals: number }> = {
    name: "status",
  };
  await handle.signal("nudge");
  const answer: { state: string; detail: string; signals: number } = await handle.query(status, "verbose");
  assert.deepEqual(answer, { state: "waiting", detail: "verbose", signals: 1 });

  await assert.rejects(handle.query("broken"), (err: unknown) => {
    assert.ok(err instanceof WorkflowQueryFailedError);
    assert.match(err.message, /The status store is unavailable/);
    return true;
  });
  await assert.rejects(handle.query("noSuchQuery"), (err: unknown) => {
    assert.ok(err instanceof WorkflowQueryFailedError);
    assert.match(err.message, /no handler for query 'noSuchQuery'/);
    return true;
  });
  await handle.signal("finish");
  await handle.result();
  await assertReplays(handle, workflowsPath);
});

test("a query with a reject condition on a closed workflow throws WorkflowQueryRejectedError with its status", async () => {
  const { client, taskQueue } = await env();
  const handle = await client.startWorkflow(inbox, { id: uniqueId("wf"), taskQueue });
  await handle.signal("finish");
  await handle.result();
  await assert.rejects(
    handle.queryWithOptions("status", { args: ["after"], rejectCondition: "NOT_OPEN" }),
    (err: unknown) => {
      assert.ok(err instanceof WorkflowQueryRejectedError);
      assert.equal(err.status, "COMPLETED");
      return true;
    },
  );
  // Without a reject condition the worker answers from the replayed history of the closed run.
  assert.deepEqual(await handle.query("status", "after"), { state: "finished", detail: "after", signals: 0 });
  // The client-wide default applies to queries that set none.
  const strict = await Client.connect((await devServer()).address, {
    namespace: client.namespace,
    defaultWorkflowQueryRejectCondition: "NOT_OPEN",
  });
  try {
    await assert.rejects(
      strict.getWorkflowHandle(handle.workflowId).query("status", "after"),
      (err: unknown) => err instanceof WorkflowQueryRejectedError,
    );
  } finally {
    await strict.connection.close();
  }
  await assertReplays(handle, workflowsPath);
});

test("executeUpdate returns the handler's result; the same update id returns the first outcome without running again", async () => {
  const { client, taskQueue } = await env();
  const handle = await client.startWorkflow(inbox, { id: uniqueId("wf"), taskQueue });
  const count: number = await handle.executeUpdate(addItem, { args: ["apple"], updateId: "upd-1" });
  assert.equal(count, 1);
  assert.equal(await handle.executeUpdate(addItem, { args: ["apple"], updateId: "upd-1" }), 1);
  assert.equal(await handle.getUpdateHandle<number>("upd-1").result(), 1);
  assert.equal(await handle.executeUpdate(addItem, { args: ["pear"] }), 2);
  await handle.signal("finish");
  assert.deepEqual(await handle.result(), { signals: [], items: ["apple", "pear"] });
  const history = await assertReplays(handle, workflowsPath);
  const accepted = acceptedUpdates(history);
  assert.equal(accepted.length, 2, "the repeated update id was not delivered again");
  const request = accepted[0];
  assert.equal(request?.input?.name, "addItem");
  assert.equal(request?.meta?.updateId, "upd-1");
  assert.deepEqual(request?.input?.args?.payloads.map(fromPayload), ["apple"]);
});

test("startUpdate returns at ACCEPTED; the update handle's result waits for the later completion", async () => {
  const { client, taskQueue } = await env();
  const handle = await client.startWorkflow(inbox, { id: uniqueId("wf"), taskQueue });
  const updateHandle = await handle.startUpdate(slowUpdate, { args: [5], waitForStage: "ACCEPTED" });
  assert.equal(updateHandle.workflowId, handle.workflowId);
  // Accepted, and still running: its handler waits for the wake signal.
  const before = await handle.fetchHistory();
  assert.deepEqual(acceptedUpdates(before).map((r) => r?.meta?.updateId), [updateHandle.updateId]);
  assert.deepEqual(completedUpdateIds(before), []);
  const byId = handle.getUpdateHandle<number>(updateHandle.updateId);
  const result = byId.result();
  await handle.signal(wake);
  assert.equal(await result, 50);
  assert.equal(await updateHandle.result(), 50);
  // Waiting for COMPLETED returns a handle whose outcome is already known.
  const completed = await handle.startUpdate(slowUpdate, { args: [7], waitForStage: "COMPLETED" });
  assert.equal(await completed.result(), 70);
  await handle.signal("finish");
  await handle.result();
  const history = await assertReplays(handle, workflowsPath);
  assert.deepEqual(completedUpdateIds(history), [updateHandle.updateId, completed.updateId]);
});

test("a rejected update throws WorkflowUpdateFailedError with the validator's failure as cause", async () => {
  const { client, taskQueue } = await env();
  const handle = await client.startWorkflow(inbox, { id: uniqueId("wf"), taskQueue });
  await assert.rejects(handle.executeUpdate("addItem", { args: [""] }), (err: unknown) => {
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
  await handle.signal("finish");
  assert.deepEqual(await handle.result(), { signals: [], items: [] });
  const history = await assertReplays(handle, workflowsPath);
  assert.deepEqual(acceptedUpdates(history), [], "a rejected update leaves no trace in history");
});
