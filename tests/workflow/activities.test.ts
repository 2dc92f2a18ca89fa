import assert from "node:assert/strict";
import { test } from "node:test";
import { ApplicationFailure, CancelledFailure } from "../../common/failures.ts";
import { command, failure, kinds, only, payload, result, start, value } from "./harness.ts";

test("proxyActivities schedules an activity with every option in the command", async () => {
  const { run, completion } = await start("greetActivity", ["Ada"]);
  const scheduled = only(completion, "scheduleActivity");
  assert.deepEqual({ ...scheduled, args: scheduled.args.map(value), summary: value(scheduled.summary) }, {
    kind: "scheduleActivity",
    seq: 1,
    activityId: "1",
    activityType: "greet",
    taskQueue: "activities",
    args: ["Ada"],
    scheduleToCloseTimeoutMs: 600_000,
    scheduleToStartTimeoutMs: 5000,
    startToCloseTimeoutMs: 60_000,
    heartbeatTimeoutMs: 10_000,
    retryPolicy: {
      initialInterval: "1s",
      backoffCoefficient: 3,
      maximumInterval: "60s",
      maximumAttempts: 5,
      nonRetryableErrorTypes: ["Fatal"],
    },
    cancellationType: "WAIT_CANCELLATION_COMPLETED",
    doNotEagerlyExecute: true,
    summary: "greeting",
  });
  const done = await run.activate([{
    kind: "resolveActivity",
    seq: 1,
    result: { status: "completed", result: payload("Hi Ada") },
  }]);
  assert.equal(result(done), "Hi Ada");
});

test("an activity failure reaches the workflow as an ActivityFailure caused by the activity's error", async () => {
  const { run, completion } = await start("activityFailure");
  const scheduled = only(completion, "scheduleActivity");
  assert.equal(scheduled.taskQueue, "tq");
  assert.deepEqual(scheduled.args.map(value), [10, "EUR"]);
  const activityFailure = failure(ApplicationFailure.create({ message: "declined", type: "Declined" }));
  const wrapped = {
    message: "Activity task failed",
    activityFailureInfo: {
      activityType: { name: "charge" },
      activityId: "1",
      retryState: "RETRY_STATE_NON_RETRYABLE_FAILURE",
    },
    cause: activityFailure,
  };
  const done = await run.activate([{
    kind: "resolveActivity",
    seq: 1,
    result: { status: "failed", failure: wrapped },
  }]);
  assert.equal(result(done), "ActivityFailure:ApplicationFailure:Declined:declined");
});

test("an activity without a timeout is refused before any command", async () => {
  const { completion } = await start("activityNoTimeout");
  assert.match(
    String(result(completion)),
    /Activity 'greet' has no timeout: set 'startToCloseTimeout' or 'scheduleToCloseTimeout'/,
  );
});

for (const type of ["TRY_CANCEL", "ABANDON"] as const) {
  test(`cancelling an activity's scope (${type}) requests cancellation and waits for the resolution`, async () => {
    const { run, completion } = await start("activityCancelledByScope", [type]);
    assert.equal(command(completion, "scheduleActivity").cancellationType, type);
    const cancel = await run.activate([{ kind: "fireTimer", seq: 1 }]);
    assert.deepEqual(cancel.commands, [{ kind: "requestCancelActivity", seq: 1 }]);
    const cancelled = failure(new CancelledFailure("Activity cancelled"));
    const wrapped = {
      message: "Activity cancelled",
      activityFailureInfo: { activityType: { name: "greet" }, activityId: "1" },
      cause: cancelled,
    };
    const done = await run.activate([{
      kind: "resolveActivity",
      seq: 1,
      result: { status: "cancelled", failure: wrapped },
    }]);
    assert.equal(result(done), "cancelled");
  });
}

test("startActivity returns a handle whose cancel() cancels only that activity", async () => {
  const { run, completion } = await start("activityHandle");
  assert.deepEqual(kinds(completion), ["scheduleActivity", "scheduleActivity", "startTimer"]);
  assert.equal(command(completion, "scheduleActivity", 0).activityId, "custom-id");
  assert.equal(command(completion, "scheduleActivity", 1).activityId, "2");
  const cancel = await run.activate([{ kind: "fireTimer", seq: 1 }]);
  assert.deepEqual(cancel.commands, [{ kind: "requestCancelActivity", seq: 1 }]);
  const done = await run.activate([
    {
      kind: "resolveActivity",
      seq: 1,
      result: { status: "cancelled", failure: failure(new CancelledFailure("x")) },
    },
    { kind: "resolveActivity", seq: 2, result: { status: "completed", result: payload("b!") } },
  ]);
  assert.equal(result(done), "cancelled,b!");
});

test("local activities are scheduled with attempt 1 and retried after a backoff timer", async () => {
  const { run, completion } = await start("localActivity", ["Ada"]);
  const first = only(completion, "scheduleLocalActivity");
  assert.deepEqual({ ...first, args: first.args.map(value) }, {
    kind: "scheduleLocalActivity",
    seq: 1,
    activityId: "1",
    activityType: "greet",
    attempt: 1,
    args: ["Ada"],
    startToCloseTimeoutMs: 5000,
    localRetryThresholdMs: 10_000,
    cancellationType: "TRY_CANCEL",
  });
  const backoff = await run.activate([
    {
      kind: "resolveLocalActivity",
      seq: 1,
      result: { status: "backoff", attempt: 4, backoffMs: 30_000, originalScheduleTime: 1000 },
    },
  ]);
  assert.deepEqual(backoff.commands, [{ kind: "startTimer", seq: 1, durationMs: 30_000 }]);
  const retry = await run.activate([{ kind: "fireTimer", seq: 1 }]);
  const second = only(retry, "scheduleLocalActivity");
  assert.equal(second.seq, 2);
  assert.equal(second.attempt, 4);
  assert.equal(second.originalScheduleTime, 1000);
  assert.equal(second.activityId, "1");
  const done = await run.activate([{
    kind: "resolveLocalActivity",
    seq: 2,
    result: { status: "completed", result: payload("hi") },
  }]);
  assert.equal(result(done), "hi");
});

test("executeLocalActivity takes the type name and options", async () => {
  const { completion } = await start("localActivityExplicit");
  const scheduled = only(completion, "scheduleLocalActivity");
  assert.equal(scheduled.activityType, "greet");
  assert.equal(scheduled.scheduleToCloseTimeoutMs, 60_000);
});

test("resolving an activity the workflow never scheduled fails the workflow task", async () => {
  const { run } = await start("cancellable");
  const completion = await run.activate([{
    kind: "resolveActivity",
    seq: 9,
    result: { status: "completed" },
  }]);
  assert.deepEqual(completion.commands, []);
  assert.match(completion.failure?.message ?? "", /resolves activity 9/);
});
