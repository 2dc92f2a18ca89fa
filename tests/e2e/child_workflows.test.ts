import assert from "node:assert/strict";
import { test } from "node:test";
import { WorkflowFailedError } from "../../common/client_errors.ts";
import { ApplicationFailure, CancelledFailure, ChildWorkflowFailure } from "../../common/failures.ts";
import {
  assertReplays,
  eventually,
  sharedEnv,
  startWorker,
  uniqueId,
  waitForStatus,
  WorkflowExecutionStatus,
} from "./e2e_support.ts";

const workflowsPath = new URL("./workflows/children.ts", import.meta.url);
const { env } = sharedEnv({ workflowsPath });

test("a child started with every option sees them, on another task queue, and reports its parent", async () => {
  const { client, taskQueue } = await env();
  const otherQueue = uniqueId("e2e-child-queue");
  const other = await startWorker(client, { taskQueue: otherQueue, workflowsPath });
  try {
    const childId = uniqueId("child");
    const handle = await client.startWorkflow("parentWithOptions", {
      args: [childId, otherQueue],
      id: uniqueId("parent"),
      taskQueue,
    });
    const result = await handle.result();
    assert.deepEqual(result, {
      value: "hi",
      workflowId: childId,
      taskQueue: otherQueue,
      parentWorkflowId: handle.workflowId,
      memo: { purpose: "options", nested: { n: 1 } },
      searchAttributes: { SandglassKeyword: "child-of-options" },
      executionTimeoutMs: 60_000,
      runTimeoutMs: 30_000,
      taskTimeoutMs: 5_000,
      retryMaximumAttempts: 2,
    });
    const child = await client.getWorkflowHandle(childId).describe();
    assert.equal(child.parent?.workflowId, handle.workflowId);
    assert.equal(child.taskQueue, otherQueue);
    assert.deepEqual(await child.memo(), { purpose: "options", nested: { n: 1 } });
    assert.equal(
      child.searchAttributes.get({ name: "SandglassKeyword", type: "Keyword" }),
      "child-of-options",
    );
    await assertReplays(handle, workflowsPath);
    await assertReplays(client.getWorkflowHandle(childId), workflowsPath);
  } finally {
    await other.shutdown();
  }
});

test("the parent signals its child through the child handle", async () => {
  const { client, taskQueue } = await env();
  const handle = await client.startWorkflow("parentSignalsChild", {
    args: [uniqueId("child")],
    id: uniqueId("parent"),
    taskQueue,
  });
  assert.equal(await handle.result(), "child got from parent");
  await assertReplays(handle, workflowsPath);
});

test("a child's failure reaches the parent as a ChildWorkflowFailure caused by the child's ApplicationFailure", async () => {
  const { client, taskQueue } = await env();
  const childId = uniqueId("child");
  const handle = await client.startWorkflow("parentCatchesChildFailure", {
    args: [childId],
    id: uniqueId("parent"),
    taskQueue,
  });
  assert.deepEqual(await handle.result(), {
    caught: true,
    childWorkflowId: childId,
    childRunIdSet: true,
    workflowType: "childFails",
    causeIsApplicationFailure: true,
    causeType: "ChildBroke",
    causeMessage: "child broke",
    causeDetails: [7],
  });
  await assertReplays(handle, workflowsPath);
});

test("an uncaught child failure fails the parent; the client sees the chain", async () => {
  const { client, taskQueue } = await env();
  const childId = uniqueId("child");
  const handle = await client.startWorkflow("parentFailsWithChild", {
    args: [childId],
    id: uniqueId("parent"),
    taskQueue,
  });
  const error = await handle.result().then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof WorkflowFailedError, `expected WorkflowFailedError, got ${String(error)}`);
  assert.ok(error.cause instanceof ChildWorkflowFailure, `cause: ${String(error.cause)}`);
  assert.equal(error.cause.execution.workflowId, childId);
  assert.ok(error.cause.cause instanceof ApplicationFailure);
  assert.equal(error.cause.cause.type, "ChildBroke");
  await assertReplays(handle, workflowsPath);
});

test("a child's retry policy retries it until it succeeds", async () => {
  const { client, taskQueue } = await env();
  const handle = await client.startWorkflow("parentRetriesChild", {
    args: [uniqueId("child")],
    id: uniqueId("parent"),
    taskQueue,
  });
  assert.equal(await handle.result(), 3);
  await assertReplays(handle, workflowsPath);
});

test("a child's run timeout reaches the parent as a ChildWorkflowFailure caused by a TimeoutFailure", async () => {
  const { client, taskQueue } = await env();
  const handle = await client.startWorkflow("parentChildTimesOut", {
    args: [uniqueId("child")],
    id: uniqueId("parent"),
    taskQueue,
  });
  assert.deepEqual(await handle.result(), { timedOut: true, timeoutType: "START_TO_CLOSE" });
  await assertReplays(handle, workflowsPath);
});

for (
  const cancellationType of [
    "TRY_CANCEL",
    "WAIT_CANCELLATION_COMPLETED",
    "WAIT_CANCELLATION_REQUESTED",
  ] as const
) {
  test(`cancelling a child's scope (${cancellationType}) cancels the child and rejects its result with a cancellation`, async () => {
    const { client, taskQueue } = await env();
    const childId = uniqueId("child");
    const handle = await client.startWorkflow("parentCancelsChild", {
      args: [childId, cancellationType],
      id: uniqueId("parent"),
      taskQueue,
    });
    await waitForStatus(client, childId, WorkflowExecutionStatus.CANCELED);
    await handle.signal("finish");
    const result = await handle.result() as Record<string, unknown>;
    assert.deepEqual(result, {
      settled: "rejected",
      isCancellation: true,
      isChildWorkflowFailure: true,
      causeIsCancelled: true,
    });
    await assertReplays(handle, workflowsPath);
  });
}

test("cancelling a child's scope with ABANDON leaves the child running", async () => {
  const { client, taskQueue } = await env();
  const childId = uniqueId("child");
  const handle = await client.startWorkflow("parentCancelsChild", {
    args: [childId, "ABANDON"],
    id: uniqueId("parent"),
    taskQueue,
  });
  await handle.signal("finish");
  const result = await handle.result() as Record<string, unknown>;
  assert.equal(result["settled"], "rejected");
  assert.equal(result["isCancellation"], true);
  const child = client.getWorkflowHandle(childId);
  assert.equal((await child.describe()).status, WorkflowExecutionStatus.RUNNING);
  const history = await child.fetchHistory();
  assert.ok(
    !history.events.some((e) => e.attributes.case === "workflowExecutionCancelRequestedEventAttributes"),
  );
  await child.terminate("test over");
  await assertReplays(handle, workflowsPath);
});

test("cancelling the parent cancels its child; the parent ends cancelled", async () => {
  const { client, taskQueue } = await env();
  const childId = uniqueId("child");
  const handle = await client.startWorkflow("parentAwaitsChild", {
    args: [childId],
    id: uniqueId("parent"),
    taskQueue,
  });
  await waitForStatus(client, childId, WorkflowExecutionStatus.RUNNING);
  await handle.cancel();
  const error = await handle.result().then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof WorkflowFailedError, `expected WorkflowFailedError, got ${String(error)}`);
  assert.ok(error.cause instanceof CancelledFailure, `cause: ${String(error.cause)}`);
  await waitForStatus(client, childId, WorkflowExecutionStatus.CANCELED);
  await assertReplays(handle, workflowsPath);
});

for (
  const [policy, status] of [
    ["ABANDON", WorkflowExecutionStatus.RUNNING],
    ["TERMINATE", WorkflowExecutionStatus.TERMINATED],
    ["REQUEST_CANCEL", WorkflowExecutionStatus.CANCELED],
  ] as const
) {
  test(`parent close policy ${policy}: the child is ${status.toLowerCase()} after the parent completes`, async () => {
    const { client, taskQueue } = await env();
    const childId = uniqueId("child");
    const handle = await client.startWorkflow("parentLeavesChild", {
      args: [childId, policy],
      id: uniqueId("parent"),
      taskQueue,
    });
    const childRunId = await handle.result();
    assert.equal(typeof childRunId, "string");
    await waitForStatus(client, childId, status);
    if (status === WorkflowExecutionStatus.RUNNING) {
      await client.getWorkflowHandle(childId).terminate("test over");
    }
    await assertReplays(handle, workflowsPath);
  });
}

test("a cron child is started with its schedule, its first run waiting for the next cron time", async () => {
  const { client, taskQueue } = await env();
  const childId = uniqueId("child");
  const handle = await client.startWorkflow("parentStartsCronChild", {
    args: [childId],
    id: uniqueId("parent"),
    taskQueue,
  });
  const runId = await handle.result() as string;
  const child = client.getWorkflowHandle(childId, { runId });
  try {
    const history = await child.fetchHistory();
    const started = history.events[0]?.attributes;
    assert.equal(started?.case, "workflowExecutionStartedEventAttributes");
    if (started?.case !== "workflowExecutionStartedEventAttributes") return;
    assert.equal(started.value.cronSchedule, "0 0 1 1 *");
    assert.ok(
      Number(started.value.firstWorkflowTaskBackoff?.seconds ?? 0n) > 0,
      "first task waits for the cron time",
    );
    assert.equal((await child.describe()).status, WorkflowExecutionStatus.RUNNING);
  } finally {
    await child.terminate("test over");
  }
  await assertReplays(handle, workflowsPath);
});

test("starting a child whose id is running fails the start, and the parent can handle it", async () => {
  const { client, taskQueue } = await env();
  const takenId = uniqueId("taken");
  const running = await client.startWorkflow("childWaitsForever", { id: takenId, taskQueue });
  try {
    const handle = await client.startWorkflow("parentStartsTakenId", {
      args: [takenId],
      id: uniqueId("parent"),
      taskQueue,
    });
    const result = await handle.result() as Record<string, unknown>;
    assert.equal(result["started"], false);
    assert.equal(result["name"], "WorkflowExecutionAlreadyStartedError");
    assert.match(String(result["message"]), new RegExp(takenId));
    await assertReplays(handle, workflowsPath);
  } finally {
    await running.terminate("test over");
  }
});

test("the child's id reuse policy is honoured: REJECT_DUPLICATE refuses an id that already ran", async () => {
  const { client, taskQueue } = await env();
  const usedId = uniqueId("used");
  await client.executeWorkflow("childInfo", { args: ["first"], id: usedId, taskQueue });
  const allowed = await client.executeWorkflow("parentStartsTakenId", {
    args: [usedId, "WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE"],
    id: uniqueId("parent"),
    taskQueue,
  }) as Record<string, unknown>;
  assert.equal(allowed["started"], true);
  // Closed (completed, or terminated by the parent's close policy) before the next start.
  await eventually(async () => {
    const { status } = await client.getWorkflowHandle(usedId).describe();
    return status === WorkflowExecutionStatus.RUNNING ? undefined : status;
  }, "the second run to close");
  const handle = await client.startWorkflow("parentStartsTakenId", {
    args: [usedId, "WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE"],
    id: uniqueId("parent"),
    taskQueue,
  });
  const rejected = await handle.result() as Record<string, unknown>;
  assert.equal(rejected["started"], false);
  assert.equal(rejected["name"], "WorkflowExecutionAlreadyStartedError");
  await assertReplays(handle, workflowsPath);
});
