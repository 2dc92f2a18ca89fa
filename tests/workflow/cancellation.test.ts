import assert from "node:assert/strict";
import { test } from "node:test";
import { CancelledFailure } from "../../common/failures.ts";
import { command, failure, kinds, only, payload, result, start } from "./harness.ts";

test("cancelling the workflow cancels its timer and ends it as cancelled", async () => {
  const { run } = await start("cancellable");
  const completion = await run.activate([{ kind: "cancelWorkflow", reason: "user asked" }]);
  assert.deepEqual(completion.commands, [{ kind: "cancelTimer", seq: 1 }, { kind: "cancelWorkflow" }]);
});

test("a workflow may swallow its cancellation and complete", async () => {
  const { run } = await start("swallowCancel");
  const completion = await run.activate([{ kind: "cancelWorkflow" }]);
  assert.deepEqual(kinds(completion), ["cancelTimer", "completeWorkflow"]);
  assert.equal(result({ ...completion, commands: completion.commands.slice(1) }), "swallowed");
});

test("cleanup in a non-cancellable scope runs after cancellation, then the workflow ends cancelled", async () => {
  const { run } = await start("cleanupOnCancel");
  const requested = await run.activate([{ kind: "cancelWorkflow" }]);
  assert.deepEqual(requested.commands, [{ kind: "requestCancelActivity", seq: 1 }]);
  const cancelled = failure(new CancelledFailure("cancelled"));
  const wrapped = {
    message: "Activity cancelled",
    activityFailureInfo: { activityType: { name: "greet" }, activityId: "1" },
    cause: cancelled,
  };
  const cleanup = await run.activate([{
    kind: "resolveActivity",
    seq: 1,
    result: { status: "cancelled", failure: wrapped },
  }]);
  const scheduled = only(cleanup, "scheduleActivity");
  assert.equal(scheduled.activityType, "cleanup");
  assert.equal(scheduled.seq, 2);
  const done = await run.activate([{
    kind: "resolveActivity",
    seq: 2,
    result: { status: "completed", result: payload(null) },
  }]);
  assert.deepEqual(done.commands, [{ kind: "cancelWorkflow" }]);
});

test("withTimeout cancels the scope's work when its timer fires (scope follows await)", async () => {
  const { run, completion } = await start("withTimeout");
  assert.deepEqual(completion.commands, [
    { kind: "startTimer", seq: 1, durationMs: 5000 },
    { kind: "startTimer", seq: 2, durationMs: 1 },
  ]);
  const scheduled = await run.activate([{ kind: "fireTimer", seq: 2 }]);
  assert.equal(only(scheduled, "scheduleActivity").seq, 1);
  const timedOut = await run.activate([{ kind: "fireTimer", seq: 1 }]);
  assert.deepEqual(timedOut.commands, [{ kind: "requestCancelActivity", seq: 1 }]);
  const done = await run.activate([
    {
      kind: "resolveActivity",
      seq: 1,
      result: { status: "cancelled", failure: failure(new CancelledFailure("timed out")) },
    },
  ]);
  assert.equal(result(done), "timed out");
});

test("a non-cancellable scope inside a cancelled scope keeps its timers; the others are cancelled", async () => {
  const { run } = await start("nestedScopes");
  const afterFirst = await run.activate([{ kind: "fireTimer", seq: 1 }]);
  assert.deepEqual(afterFirst.commands, [
    { kind: "startTimer", seq: 3, durationMs: 10 },
    { kind: "startTimer", seq: 4, durationMs: 20 },
  ]);
  const cancelled = await run.activate([{ kind: "fireTimer", seq: 2 }]);
  assert.deepEqual(cancelled.commands, [{ kind: "cancelTimer", seq: 4 }]);
  const done = await run.activate([{ kind: "fireTimer", seq: 3 }]);
  assert.equal(result(done), "exposed cancelled;shielded timer fired");
});

test("a cancelled child workflow scope sends cancelChildWorkflow and the cancellation reaches the workflow", async () => {
  const { run, completion } = await start("childCancelled");
  assert.deepEqual(kinds(completion), ["startChildWorkflow", "startTimer"]);
  await run.activate([{
    kind: "resolveChildWorkflowStart",
    seq: 1,
    result: { status: "started", runId: "child-run" },
  }]);
  const cancel = await run.activate([{ kind: "fireTimer", seq: 1 }]);
  assert.equal(command(cancel, "cancelChildWorkflow").seq, 1);
  const done = await run.activate([
    {
      kind: "resolveChildWorkflow",
      seq: 1,
      result: {
        status: "cancelled",
        failure: {
          message: "cancelled",
          childWorkflowExecutionFailureInfo: {
            workflowType: { name: "hello" },
            workflowExecution: { workflowId: "c", runId: "child-run" },
          },
          cause: failure(new CancelledFailure("x")),
        },
      },
    },
  ]);
  assert.equal(result(done), "cancelled");
});
