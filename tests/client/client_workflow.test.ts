import { test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "../../client/client.ts";
import { RPCError } from "../../client/rpc_error.ts";
import {
  WorkflowAlreadyStartedError,
  WorkflowContinuedAsNewError,
  WorkflowFailedError,
  WorkflowNotFoundError,
} from "../../common/client_errors.ts";
import { ApplicationFailure, CancelledFailure, TerminatedFailure } from "../../common/failures.ts";
import { EventType } from "../../gen/temporal/api/enums/v1/event_type_pb.ts";
import { assertReplays, sharedEnv } from "../e2e/e2e_support.ts";
import { fromPayload, testClient, uniqueId } from "./client_support.ts";
import { declined, flaky, greet, loop, sleeper, untilFinished } from "./workflows/basics.ts";

const workflowsPath = new URL("./workflows/basics.ts", import.meta.url);
const { env } = sharedEnv({ workflowsPath, taskQueue: uniqueId("client-workflow") });

test("executeWorkflow starts a typed workflow with its arguments and returns the workflow's result", async () => {
  const { client, taskQueue } = await env();
  const id = uniqueId("wf");
  const result: string = await client.executeWorkflow(greet, { args: ["Ada"], id, taskQueue });
  assert.equal(result, "Hello, Ada");
  const history = await assertReplays(client.getWorkflowHandle(id), workflowsPath);
  const started = history.events[0];
  assert.ok(started?.attributes.case === "workflowExecutionStartedEventAttributes");
  assert.equal(started.attributes.value.workflowType?.name, "greet");
  assert.deepEqual(started.attributes.value.input?.payloads.map(fromPayload), ["Ada"]);
});

test("startWorkflow returns a handle whose ids, describe and history match the server's", async () => {
  const { client, taskQueue } = await env();
  const id = uniqueId("wf");
  const handle = await client.startWorkflow("untilFinished", {
    args: [1, { a: "b" }],
    id,
    taskQueue,
    memo: { team: "payments", n: 3 },
    staticSummary: "A summary",
    staticDetails: "Some **details**",
    executionTimeout: "1 hour",
    runTimeout: "30m",
    taskTimeout: 5_000,
  });
  assert.equal(handle.workflowId, id);
  assert.equal(handle.runId, undefined);
  assert.ok(handle.resultRunId);
  assert.equal(handle.firstExecutionRunId, handle.resultRunId);
  const description = await handle.describe();
  assert.equal(description.workflowId, id);
  assert.equal(description.runId, handle.resultRunId);
  assert.equal(description.workflowType, "untilFinished");
  assert.equal(description.taskQueue, taskQueue);
  assert.equal(description.status, "RUNNING", "the workflow waits for its finish signal");
  assert.ok(description.startTime instanceof Date);
  assert.deepEqual(await description.memo(), { team: "payments", n: 3 });
  assert.equal(await description.staticSummary(), "A summary");
  assert.equal(await description.staticDetails(), "Some **details**");

  await handle.signal("finish");
  assert.deepEqual(await handle.result(), [1, { a: "b" }]);
  const history = await assertReplays(handle, workflowsPath);
  const started = history.events[0];
  assert.equal(started?.eventType, EventType.WORKFLOW_EXECUTION_STARTED);
  assert.ok(started?.attributes.case === "workflowExecutionStartedEventAttributes");
  const attrs = started.attributes.value;
  assert.equal(attrs.workflowExecutionTimeout?.seconds, 3600n);
  assert.equal(attrs.workflowRunTimeout?.seconds, 1800n);
  assert.equal(attrs.workflowTaskTimeout?.seconds, 5n);
  assert.equal(history.events.at(-1)?.eventType, EventType.WORKFLOW_EXECUTION_COMPLETED);
  // The run is closed, so its history no longer changes: paging one event at a time reads the same.
  const iterated = [];
  for await (const event of handle.fetchHistoryEvents({ pageSize: 1 })) iterated.push(event.eventId);
  assert.deepEqual(iterated, history.events.map((e) => e.eventId));
});

test("missing or invalid start options fail with a clear TypeError before any RPC", async () => {
  // A lazy client on a port nobody listens on: any RPC would fail with an RPCError instead.
  const client = await Client.connect("127.0.0.1:1", { lazy: true, retry: false });
  try {
    await assert.rejects(client.startWorkflow("wf", { id: "", taskQueue: "q" }), (err: Error) => {
      assert.ok(err instanceof TypeError);
      assert.match(err.message, /Missing workflow id/);
      return true;
    });
    await assert.rejects(client.startWorkflow("wf", { id: "x" } as never), /Missing task queue/);
    await assert.rejects(client.startWorkflow("", { id: "x", taskQueue: "q" }), /Invalid workflow ''/);
    await assert.rejects(
      client.startWorkflow("wf", { id: "x", taskQueue: "q", runTimeout: "5q" }),
      /Invalid runTimeout/,
    );
    await assert.rejects(
      client.startWorkflow("wf", { id: "x", taskQueue: "q", idReusePolicy: "NOPE" as never }),
      /Invalid idReusePolicy 'NOPE'/,
    );
    await assert.rejects(
      client.startWorkflow("wf", { id: "x", taskQueue: "q", cronSchedule: "* * * * *", startDelay: "1m" }),
      /startDelay: it cannot be combined with cronSchedule/,
    );
    await assert.rejects(
      client.startWorkflow("wf", { id: "x", taskQueue: "q", retryPolicy: { backoffCoefficient: 0.5 } }),
      /retryPolicy.backoffCoefficient '0.5'/,
    );
    await assert.rejects(
      client.startWorkflow("wf", { id: "x", taskQueue: "q", startSignalArgs: [1] }),
      /set startSignal/,
    );
    assert.throws(() => client.getWorkflowHandle(""), /Missing workflow id/);
    // And an RPC really does fail on this client, so the errors above came before any call.
    await assert.rejects(
      client.startWorkflow("wf", { id: "x", taskQueue: "q" }),
      (err) => err instanceof RPCError,
    );
  } finally {
    await client.connection.close();
  }
});

test("starting a running workflow id again throws WorkflowAlreadyStartedError with the running run id", async () => {
  const { client, taskQueue } = await env();
  const id = uniqueId("wf");
  const first = await client.startWorkflow(untilFinished, { id, taskQueue });
  await assert.rejects(client.startWorkflow(untilFinished, { id, taskQueue }), (err: unknown) => {
    assert.ok(err instanceof WorkflowAlreadyStartedError);
    assert.equal(err.workflowId, id);
    assert.equal(err.workflowType, "untilFinished");
    assert.equal(err.runId, first.resultRunId);
    return true;
  });
  // USE_EXISTING returns the running run instead.
  const again = await client.startWorkflow(untilFinished, {
    args: ["ignored"],
    id,
    taskQueue,
    idConflictPolicy: "USE_EXISTING",
  });
  assert.equal(again.resultRunId, first.resultRunId);
  await again.signal("finish");
  assert.deepEqual(await first.result(), [], "the run started by the first call finished");
  await assertReplays(first, workflowsPath);
});

test("describe of an unknown workflow throws WorkflowNotFoundError", async () => {
  const { client } = await testClient();
  try {
    const id = uniqueId("missing");
    await assert.rejects(client.getWorkflowHandle(id).describe(), (err: unknown) => {
      assert.ok(err instanceof WorkflowNotFoundError);
      assert.equal(err.workflowId, id);
      assert.ok(err.cause instanceof RPCError);
      return true;
    });
  } finally {
    await client.connection.close();
  }
});

test("result of a failed workflow throws WorkflowFailedError with the converted cause chain", async () => {
  const { client, taskQueue } = await env();
  const handle = await client.startWorkflow(declined, { id: uniqueId("wf"), taskQueue });
  await assert.rejects(handle.result(), (err: unknown) => {
    assert.ok(err instanceof WorkflowFailedError);
    assert.ok(err.cause instanceof ApplicationFailure);
    assert.equal(err.cause.message, "Card declined");
    assert.equal(err.cause.type, "CardDeclined");
    assert.equal(err.cause.nonRetryable, true);
    assert.deepEqual(err.cause.details, [{ last4: "4242" }]);
    assert.ok(err.cause.cause instanceof ApplicationFailure);
    assert.equal(err.cause.cause.message, "Issuer down");
    assert.equal(err.cause.cause.type, "Upstream");
    assert.equal(err.retryState, "RETRY_POLICY_NOT_SET");
    return true;
  });
  await assertReplays(handle, workflowsPath);
});

test("result follows continue-as-new, and with followRuns: false throws WorkflowContinuedAsNewError", async () => {
  const { client, taskQueue } = await env();
  const id = uniqueId("wf");
  const handle = await client.startWorkflow(loop, { id, taskQueue });
  let secondRunId = "";
  await assert.rejects(handle.result({ followRuns: false }), (err: unknown) => {
    assert.ok(err instanceof WorkflowContinuedAsNewError);
    assert.ok(err.newExecutionRunId);
    assert.notEqual(err.newExecutionRunId, handle.resultRunId);
    secondRunId = err.newExecutionRunId;
    return true;
  });
  assert.equal(await handle.result(), "done after 2 runs");
  const firstRun = client.getWorkflowHandle(id, { runId: handle.resultRunId! });
  const firstHistory = await assertReplays(firstRun, workflowsPath);
  assert.equal(firstHistory.events.at(-1)?.eventType, EventType.WORKFLOW_EXECUTION_CONTINUED_AS_NEW);
  const secondHistory = await assertReplays(
    client.getWorkflowHandle(id, { runId: secondRunId }),
    workflowsPath,
  );
  const secondStarted = secondHistory.events[0];
  assert.ok(secondStarted?.attributes.case === "workflowExecutionStartedEventAttributes");
  assert.deepEqual(secondStarted.attributes.value.input?.payloads.map(fromPayload), [2]);
});

test("result follows a workflow retry to the attempt that succeeded", async () => {
  const { client, taskQueue } = await env();
  const id = uniqueId("wf");
  const handle = await client.startWorkflow(flaky, {
    id,
    taskQueue,
    retryPolicy: { initialInterval: "1s", maximumAttempts: 3 },
  });
  assert.equal(await handle.result(), 2);
  const first = await assertReplays(
    client.getWorkflowHandle(id, { runId: handle.resultRunId! }),
    workflowsPath,
  );
  const failed = first.events.at(-1);
  assert.ok(failed?.attributes.case === "workflowExecutionFailedEventAttributes");
  assert.equal(failed.attributes.value.failure?.message, "Attempt 1 failed");
  assert.ok(failed.attributes.value.newExecutionRunId, "the failed attempt links to its retry");
  const retried = client.getWorkflowHandle(id, { runId: failed.attributes.value.newExecutionRunId });
  const last = await assertReplays(retried, workflowsPath);
  assert.equal(last.events.at(-1)?.eventType, EventType.WORKFLOW_EXECUTION_COMPLETED);
  // Not following runs, the first attempt's own outcome: a failure, not a continue-as-new (the
  // client tells the server it follows newExecutionRunId on close events).
  await assert.rejects(
    client.getWorkflowHandle(id, { runId: handle.resultRunId! }).result({ followRuns: false }),
    (err: unknown) => {
      assert.ok(err instanceof WorkflowFailedError, String(err));
      assert.equal((err.cause as Error).message, "Attempt 1 failed");
      return true;
    },
  );
});

test("cancel records a cancel request; a workflow that accepts it makes result throw CancelledFailure", async () => {
  const { client, taskQueue } = await env();
  const handle = await client.startWorkflow(sleeper, { id: uniqueId("wf"), taskQueue });
  await handle.cancel({ reason: "user asked" });
  await assert.rejects(handle.result(), (err: unknown) => {
    assert.ok(err instanceof WorkflowFailedError);
    assert.ok(err.cause instanceof CancelledFailure);
    return true;
  });
  assert.equal((await handle.describe()).status, "CANCELED");
  const history = await assertReplays(handle, workflowsPath);
  const requested = history.events.find((e) => e.eventType === EventType.WORKFLOW_EXECUTION_CANCEL_REQUESTED);
  assert.ok(requested?.attributes.case === "workflowExecutionCancelRequestedEventAttributes");
  assert.equal(requested.attributes.value.cause, "user asked");
});

test("terminate closes the workflow at once; result throws TerminatedFailure with the reason", async () => {
  const { client, taskQueue } = await env();
  const handle = await client.startWorkflow(untilFinished, { id: uniqueId("wf"), taskQueue });
  await handle.terminate("no longer needed", { details: ["audit-1"] });
  await assert.rejects(handle.result(), (err: unknown) => {
    assert.ok(err instanceof WorkflowFailedError);
    assert.ok(err.cause instanceof TerminatedFailure);
    assert.equal(err.cause.message, "no longer needed");
    return true;
  });
  const description = await handle.describe();
  assert.equal(description.status, "TERMINATED");
  const history = await assertReplays(handle, workflowsPath);
  const last = history.events.at(-1);
  assert.ok(last?.attributes.case === "workflowExecutionTerminatedEventAttributes");
  assert.deepEqual(last.attributes.value.details?.payloads.map(fromPayload), ["audit-1"]);
});

test("a handle from getWorkflowHandle with a typed workflow reads the result of an existing run", async () => {
  const { client, taskQueue } = await env();
  const id = uniqueId("wf");
  const started = await client.startWorkflow(greet, { args: ["Bo"], id, taskQueue });
  const handle = client.getWorkflowHandle<typeof greet>(id, { runId: started.resultRunId! });
  const result: string = await handle.result();
  assert.equal(result, "Hello, Bo");
  assert.equal(handle.runId, started.resultRunId);
  await assertReplays(handle, workflowsPath);
  await assert.rejects(
    client.getWorkflowHandle(id, { runId: "00000000-0000-0000-0000-000000000000" }).describe(),
    (err: unknown) => err instanceof WorkflowNotFoundError,
  );
});
