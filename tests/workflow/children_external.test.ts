import assert from "node:assert/strict";
import { test } from "node:test";
import { ApplicationFailure } from "../../common/failures.ts";
import { command, failure, kinds, only, payload, result, start, value } from "./harness.ts";

test("startChild sends every option, signals the child by id and returns its result", async () => {
  const { run, completion } = await start("parent");
  const started = only(completion, "startChildWorkflow");
  assert.deepEqual(
    {
      ...started,
      args: started.args.map(value),
      memo: { m: value(started.memo?.["m"]) },
      searchAttributes: value(started.searchAttributes?.indexedFields?.["CustomKeyword"]),
      summary: value(started.summary),
    },
    {
      kind: "startChildWorkflow",
      seq: 1,
      namespace: "default",
      workflowId: "child-1",
      workflowType: "hello",
      taskQueue: "child-tq",
      args: ["child"],
      workflowExecutionTimeoutMs: 3_600_000,
      workflowRunTimeoutMs: 1_800_000,
      workflowTaskTimeoutMs: 10_000,
      parentClosePolicy: "ABANDON",
      workflowIdReusePolicy: "WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE",
      retryPolicy: { maximumAttempts: 3 },
      cronSchedule: "* * * * *",
      memo: { m: "v" },
      searchAttributes: "k",
      cancellationType: "TRY_CANCEL",
      summary: "child summary",
    },
  );
  const signalled = await run.activate([{
    kind: "resolveChildWorkflowStart",
    seq: 1,
    result: { status: "started", runId: "r-child" },
  }]);
  const signal = only(signalled, "signalExternal");
  assert.deepEqual({ ...signal, args: signal.args.map(value) }, {
    kind: "signalExternal",
    seq: 1,
    target: { kind: "child", workflowId: "child-1" },
    signalName: "approve",
    args: ["parent"],
  });
  assert.deepEqual(kinds(await run.activate([{ kind: "resolveSignalExternal", seq: 1 }])), []);
  const done = await run.activate([{
    kind: "resolveChildWorkflow",
    seq: 1,
    result: { status: "completed", result: payload("Hello, child!") },
  }]);
  assert.equal(result(done), "child-1/r-child: Hello, child!");
});

test("executeChild defaults the workflow id to a deterministic UUID and the task queue to the parent's", async () => {
  const first = only((await start("executeChildDefaultId")).completion, "startChildWorkflow");
  const second = only((await start("executeChildDefaultId")).completion, "startChildWorkflow");
  assert.match(first.workflowId, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(first.workflowId, second.workflowId);
  assert.equal(first.taskQueue, "tq");
  assert.equal(first.cancellationType, "WAIT_CANCELLATION_COMPLETED");
});

test("a child that fails reaches the parent as a failure", async () => {
  const { run } = await start("executeChildDefaultId");
  await run.activate([{
    kind: "resolveChildWorkflowStart",
    seq: 1,
    result: { status: "started", runId: "r" },
  }]);
  const childFailure = {
    message: "Child workflow execution failed",
    childWorkflowExecutionFailureInfo: {
      namespace: "default",
      workflowType: { name: "hello" },
      workflowExecution: { workflowId: "x", runId: "r" },
      retryState: "RETRY_STATE_NON_RETRYABLE_FAILURE",
    },
    cause: failure(ApplicationFailure.create({ message: "boom" })),
  };
  const done = await run.activate([{
    kind: "resolveChildWorkflow",
    seq: 1,
    result: { status: "failed", failure: childFailure },
  }]);
  const failed = only(done, "failWorkflow");
  assert.equal(failed.failure.message, "Child workflow execution failed");
  assert.equal(failed.failure.cause?.message, "boom");
  assert.equal(
    failed.failure.childWorkflowExecutionFailureInfo?.retryState,
    "RETRY_STATE_NON_RETRYABLE_FAILURE",
  );
});

test("a child whose id is taken rejects startChild", async () => {
  const { run } = await start("childAlreadyStarted");
  const done = await run.activate([
    {
      kind: "resolveChildWorkflowStart",
      seq: 1,
      result: {
        status: "failed",
        workflowId: "taken",
        workflowType: "hello",
        cause: "workflowAlreadyExists",
      },
    },
  ]);
  assert.match(
    String(result(done)),
    /WorkflowExecutionAlreadyStartedError: Child workflow 'taken' of type 'hello' could not start/,
  );
});

test("an external workflow handle signals and requests cancellation of another execution", async () => {
  const { run, completion } = await start("external");
  const signal = only(completion, "signalExternal");
  assert.deepEqual({ ...signal, args: signal.args.map(value) }, {
    kind: "signalExternal",
    seq: 1,
    target: { kind: "execution", namespace: "default", workflowId: "other-wf", runId: "other-run" },
    signalName: "approve",
    args: ["from outside"],
  });
  const cancel = await run.activate([{ kind: "resolveSignalExternal", seq: 1 }]);
  assert.deepEqual(cancel.commands, [
    {
      kind: "requestCancelExternal",
      seq: 1,
      namespace: "default",
      workflowId: "other-wf",
      runId: "other-run",
    },
  ]);
  const done = await run.activate([
    {
      kind: "resolveRequestCancelExternal",
      seq: 1,
      failure: { message: "Unable to cancel: workflow not found" },
    },
  ]);
  assert.equal(result(done), "cancel failed: Unable to cancel: workflow not found");
  assert.ok(command(cancel, "requestCancelExternal"));
});
