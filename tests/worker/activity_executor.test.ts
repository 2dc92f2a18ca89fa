import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultDataConverter } from "../../common/data_converter.ts";
import { ApplicationFailure, CancelledFailure, TimeoutFailure } from "../../common/failures.ts";
import { Worker } from "../../worker/mod.ts";
import {
  type ActivityInfo,
  cancellationReason,
  cancellationSignal,
  CompleteAsyncError,
  heartbeat,
  info,
  sleep,
} from "../../worker/activity/mod.ts";
import { assertReplays } from "../e2e/e2e_support.ts";
import {
  activityOutcome,
  activityWorkflowsPath as workflowsPath,
  cancelActivity,
  startWithActivity,
} from "./activity_harness.ts";

const failureToError = (
  failure: Parameters<typeof defaultDataConverter.failureConverter.failureToError>[0],
) => defaultDataConverter.failureConverter.failureToError(failure, defaultDataConverter.payloadConverter);

test("an activity's result reaches the workflow's history, and info() describes the attempt", async () => {
  await using run = await startWithActivity({
    activityType: "greet",
    args: ["Temporal"],
    startToCloseTimeout: "10s",
  });
  let seen: ActivityInfo | undefined;
  const worker = new Worker(run.client, {
    taskQueue: run.taskQueue,
    workflowsPath,
    activities: {
      greet: (name: string) => {
        seen = info();
        return `Hello, ${name}!`;
      },
    },
  });
  const outcome = await worker.runUntil(activityOutcome(run));
  assert.equal(outcome.kind, "completed");
  assert.equal(outcome.kind === "completed" && outcome.result, "Hello, Temporal!");
  assert.ok(seen);
  assert.equal(seen.activityType, "greet");
  assert.equal(seen.activityId, "1");
  assert.equal(seen.attempt, 1);
  assert.equal(seen.taskQueue, run.taskQueue);
  assert.equal(seen.namespace, run.namespace);
  assert.equal(seen.workflowExecution.workflowId, run.workflowId);
  assert.equal(seen.workflowExecution.runId, run.runId);
  assert.equal(seen.workflowType, "runActivity");
  assert.equal(seen.startToCloseTimeoutMs, 10_000);
  assert.equal(seen.isLocal, false);
  assert.deepEqual(seen.heartbeatDetails, []);
  assert.ok(seen.taskToken.length > 0);
  assert.ok(seen.startedTime instanceof Date);
  assert.equal(worker.state, "STOPPED");
  await assertReplays(run.handle, workflowsPath);
});

test("an ApplicationFailure's type, message, details, nonRetryable and nextRetryDelay reach the history", async () => {
  await using run = await startWithActivity({
    activityType: "charge",
    maximumAttempts: 5,
    startToCloseTimeout: "10s",
  });
  let attempts = 0;
  const worker = new Worker(run.client, {
    taskQueue: run.taskQueue,
    workflowsPath,
    activities: {
      charge: () => {
        attempts++;
        throw ApplicationFailure.create({
          message: "Card declined",
          type: "CardDeclined",
          nonRetryable: true,
          details: [{ last4: "4242" }, 7],
          nextRetryDelay: "3s",
        });
      },
    },
  });
  const outcome = await worker.runUntil(activityOutcome(run));
  assert.equal(outcome.kind, "failed");
  assert.equal(attempts, 1, "a non-retryable failure is not retried");
  const error = failureToError(outcome.kind === "failed" ? outcome.failure : assert.fail());
  assert.ok(error instanceof ApplicationFailure);
  assert.equal(error.message, "Card declined");
  assert.equal(error.type, "CardDeclined");
  assert.equal(error.nonRetryable, true);
  assert.deepEqual(error.details, [{ last4: "4242" }, 7]);
  assert.equal(error.nextRetryDelay, 3_000);
  await assertReplays(run.handle, workflowsPath);
});

test("a thrown Error is retried and becomes an ApplicationFailure named after it", async () => {
  await using run = await startWithActivity({
    activityType: "flaky",
    maximumAttempts: 3,
    startToCloseTimeout: "10s",
  });
  const attempts: number[] = [];
  const worker = new Worker(run.client, {
    taskQueue: run.taskQueue,
    workflowsPath,
    activities: {
      flaky: () => {
        attempts.push(info().attempt);
        throw new RangeError(`attempt ${info().attempt} failed`);
      },
    },
  });
  const outcome = await worker.runUntil(activityOutcome(run));
  assert.deepEqual(attempts, [1, 2, 3]);
  const error = failureToError(outcome.kind === "failed" ? outcome.failure : assert.fail());
  assert.ok(error instanceof ApplicationFailure);
  assert.equal(error.type, "RangeError");
  assert.equal(error.message, "attempt 3 failed");
  await assertReplays(run.handle, workflowsPath);
});

test("heartbeat details of a failed attempt are the next attempt's info().heartbeatDetails", async () => {
  await using run = await startWithActivity({
    activityType: "resume",
    maximumAttempts: 2,
    startToCloseTimeout: "10s",
  });
  const seen: unknown[][] = [];
  const worker = new Worker(run.client, {
    taskQueue: run.taskQueue,
    workflowsPath,
    activities: {
      resume: () => {
        seen.push([...info().heartbeatDetails]);
        if (info().attempt === 1) {
          heartbeat(1, "a");
          heartbeat(2, "b"); // throttled: sent with the failure as the last details
          throw new Error("crash after chunk 2");
        }
        return "resumed";
      },
    },
  });
  const outcome = await worker.runUntil(activityOutcome(run));
  assert.equal(outcome.kind, "completed");
  assert.deepEqual(seen, [[], [2, "b"]]);
  await assertReplays(run.handle, workflowsPath);
});

test("a cancellation requested by the workflow fires the signal and is reported as cancelled", async () => {
  await using run = await startWithActivity({
    activityType: "longRunning",
    startToCloseTimeout: "30s",
    heartbeatTimeout: "1s",
  });
  let started!: () => void;
  const startedPromise = new Promise<void>((resolve) => (started = resolve));
  let reason: string | undefined;
  const worker = new Worker(run.client, {
    taskQueue: run.taskQueue,
    workflowsPath,
    activities: {
      async longRunning() {
        started();
        try {
          for (;;) {
            heartbeat();
            await sleep(100);
          }
        } finally {
          reason = cancellationReason();
          assert.equal(cancellationSignal().aborted, true);
        }
      },
    },
  });
  const outcome = await worker.runUntil(async () => {
    await startedPromise;
    await cancelActivity(run);
    return await activityOutcome(run);
  });
  assert.equal(outcome.kind, "canceled");
  assert.equal(reason, "CANCELLED");
  await assertReplays(run.handle, workflowsPath);
});

test("a start-to-close timeout is recorded and the activity learns its attempt is gone", async () => {
  // The heartbeat timeout sets the throttle (80 %), so the worker hears NOT_FOUND within 1.6 s.
  await using run = await startWithActivity({
    activityType: "slow",
    startToCloseTimeout: "1s",
    heartbeatTimeout: "2s",
  });
  let reason: string | undefined;
  const worker = new Worker(run.client, {
    taskQueue: run.taskQueue,
    workflowsPath,
    activities: {
      async slow() {
        try {
          for (;;) {
            heartbeat();
            await sleep(200);
          }
        } catch (error) {
          reason = cancellationReason();
          throw error;
        }
      },
    },
  });
  const outcome = await worker.runUntil(async () => {
    const result = await activityOutcome(run);
    while (reason === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    return result;
  });
  assert.equal(outcome.kind, "timedOut");
  const error = failureToError(outcome.kind === "timedOut" ? outcome.failure : assert.fail());
  assert.ok(error instanceof TimeoutFailure);
  assert.equal(error.timeoutType, "START_TO_CLOSE");
  assert.equal(reason, "NOT_FOUND");
  await assertReplays(run.handle, workflowsPath);
});

test("an activity that stops heartbeating times out with HEARTBEAT and its last details", async () => {
  await using run = await startWithActivity({
    activityType: "stalls",
    startToCloseTimeout: "30s",
    heartbeatTimeout: "1s",
  });
  const worker = new Worker(run.client, {
    taskQueue: run.taskQueue,
    workflowsPath,
    activities: {
      async stalls() {
        heartbeat("progress", 42);
        await cancellable(cancellationSignal());
      },
    },
  });
  const outcome = await worker.runUntil(activityOutcome(run));
  assert.equal(outcome.kind, "timedOut");
  const error = failureToError(outcome.kind === "timedOut" ? outcome.failure : assert.fail());
  assert.ok(error instanceof TimeoutFailure);
  assert.equal(error.timeoutType, "HEARTBEAT");
  assert.deepEqual(error.lastHeartbeatDetails, ["progress", 42]);
  await assertReplays(run.handle, workflowsPath);
});

test("a schedule-to-close timeout ends the activity across attempts", async () => {
  await using run = await startWithActivity({
    activityType: "neverDone",
    scheduleToCloseTimeout: "1500ms",
    startToCloseTimeout: "30s",
    maximumAttempts: 0,
  });
  const worker = new Worker(run.client, {
    taskQueue: run.taskQueue,
    workflowsPath,
    activities: { neverDone: () => cancellable(cancellationSignal()) },
  });
  const outcome = await worker.runUntil(activityOutcome(run));
  assert.equal(outcome.kind, "timedOut");
  const error = failureToError(outcome.kind === "timedOut" ? outcome.failure : assert.fail());
  assert.ok(error instanceof TimeoutFailure);
  assert.equal(error.timeoutType, "SCHEDULE_TO_CLOSE");
  await assertReplays(run.handle, workflowsPath);
});

test("an activity type the worker does not have fails the activity with NotFoundError, not the worker", async () => {
  await using run = await startWithActivity({ activityType: "missing", startToCloseTimeout: "10s" });
  const worker = new Worker(run.client, {
    taskQueue: run.taskQueue,
    workflowsPath,
    activities: { present: () => 1, other: () => 2 },
  });
  const outcome = await worker.runUntil(activityOutcome(run));
  const error = failureToError(outcome.kind === "failed" ? outcome.failure : assert.fail());
  assert.ok(error instanceof ApplicationFailure);
  assert.equal(error.type, "NotFoundError");
  assert.match(
    error.message,
    /Activity type 'missing' is not registered on this worker \(registered: other, present\)/,
  );
  assert.equal(worker.state, "STOPPED");
  await assertReplays(run.handle, workflowsPath);
});

test("CompleteAsyncError leaves the activity open for the client to complete by task token", async () => {
  await using run = await startWithActivity({
    activityType: "approve",
    args: ["req-1"],
    startToCloseTimeout: "30s",
  });
  let token!: (token: Uint8Array) => void;
  const tokenPromise = new Promise<Uint8Array>((resolve) => (token = resolve));
  const worker = new Worker(run.client, {
    taskQueue: run.taskQueue,
    workflowsPath,
    activities: {
      approve() {
        token(info().taskToken);
        throw new CompleteAsyncError();
      },
    },
  });
  const outcome = await worker.runUntil(async () => {
    const taskToken = await tokenPromise;
    await run.client.getAsyncActivityHandle({ taskToken }).complete("approved later");
    return await activityOutcome(run);
  });
  assert.equal(outcome.kind, "completed");
  assert.equal(outcome.kind === "completed" && outcome.result, "approved later");
  await assertReplays(run.handle, workflowsPath);
});

test("a result the payload converter cannot convert fails the attempt with the conversion error", async () => {
  await using run = await startWithActivity({ activityType: "bad", startToCloseTimeout: "10s" });
  const worker = new Worker(run.client, {
    taskQueue: run.taskQueue,
    workflowsPath,
    activities: { bad: () => 10n },
  });
  const outcome = await worker.runUntil(activityOutcome(run));
  const error = failureToError(outcome.kind === "failed" ? outcome.failure : assert.fail());
  assert.equal(error instanceof ApplicationFailure && error.type, "TypeError");
  await assertReplays(run.handle, workflowsPath);
});

test("cancelled() rejects with a CancelledFailure once the activity is cancelled", async () => {
  await using run = await startWithActivity({
    activityType: "race",
    startToCloseTimeout: "1s",
    heartbeatTimeout: "2s",
  });
  let rejection: unknown;
  const worker = new Worker(run.client, {
    taskQueue: run.taskQueue,
    workflowsPath,
    activities: {
      async race() {
        const { cancelled } = await import("../../worker/activity/mod.ts");
        const ticking = (async () => {
          for (;;) {
            heartbeat();
            await new Promise((resolve) => setTimeout(resolve, 200));
            if (cancellationSignal().aborted) return;
          }
        })();
        try {
          await Promise.race([cancelled(), ticking.then(() => new Promise(() => {}))]);
        } catch (error) {
          rejection = error;
          throw error;
        }
      },
    },
  });
  await worker.runUntil(async () => {
    const result = await activityOutcome(run);
    while (rejection === undefined) await new Promise((resolve) => setTimeout(resolve, 50));
    return result;
  });
  assert.ok(rejection instanceof CancelledFailure);
  await assertReplays(run.handle, workflowsPath);
});

function cancellable(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    if (signal.aborted) reject(signal.reason);
    signal.addEventListener("abort", () => reject(signal.reason), { once: true });
  });
}
