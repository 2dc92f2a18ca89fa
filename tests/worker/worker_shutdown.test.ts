import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultDataConverter } from "../../common/data_converter.ts";
import { ApplicationFailure } from "../../common/failures.ts";
import { Worker } from "../../worker/mod.ts";
import { cancellationReason, cancellationSignal, workerShutdownSignal } from "../../worker/activity/mod.ts";
import { assertReplays } from "../e2e/e2e_support.ts";
import {
  activityWorkflowsPath as workflowsPath,
  outcomeAfterShutdown,
  startWithActivity,
} from "./activity_harness.ts";

const quiet = { debug() {}, info() {}, warn() {}, error() {} };

test("graceful shutdown tells running activities, waits for them, and reports what they return", async () => {
  await using run = await startWithActivity({ activityType: "checkpoint", startToCloseTimeout: "30s" });
  let started!: () => void;
  const activityStarted = new Promise<void>((resolve) => (started = resolve));
  const seen: string[] = [];
  const worker = new Worker(run.client, {
    taskQueue: run.taskQueue,
    workflowsPath,
    gracefulShutdownTimeout: "20s",
    activities: {
      async checkpoint() {
        started();
        await new Promise<void>((resolve) =>
          workerShutdownSignal().addEventListener("abort", () => resolve())
        );
        seen.push(`shutdown notice; cancelled: ${cancellationSignal().aborted}`);
        return "saved progress";
      },
    },
  });
  await worker.start();
  await activityStarted;
  await worker.shutdown();
  assert.equal(worker.state, "STOPPED");
  assert.deepEqual(seen, ["shutdown notice; cancelled: false"]);
  const outcome = await outcomeAfterShutdown(run);
  assert.equal(outcome.kind === "completed" && outcome.result, "saved progress");
  await assertReplays(run.handle, workflowsPath);
});

test("activities still running after gracefulShutdownTimeout are cancelled and fail as retryable WorkerShutdown", async () => {
  await using run = await startWithActivity({ activityType: "stubborn", startToCloseTimeout: "30s" });
  let started!: () => void;
  const activityStarted = new Promise<void>((resolve) => (started = resolve));
  const worker = new Worker(run.client, {
    taskQueue: run.taskQueue,
    workflowsPath,
    gracefulShutdownTimeout: "200ms",
    logger: quiet,
    activities: {
      async stubborn() {
        started();
        const signal = cancellationSignal();
        await new Promise((_, reject) => signal.addEventListener("abort", () => reject(signal.reason)));
      },
    },
  });
  await worker.start();
  await activityStarted;
  await worker.shutdown();
  const outcome = await outcomeAfterShutdown(run);
  assert.equal(outcome.kind, "failed");
  const error = defaultDataConverter.failureConverter.failureToError(
    outcome.kind === "failed" ? outcome.failure : assert.fail(),
    defaultDataConverter.payloadConverter,
  );
  assert.ok(error instanceof ApplicationFailure);
  assert.equal(error.type, "WorkerShutdown");
  assert.equal(error.nonRetryable, false);
  await assertReplays(run.handle, workflowsPath);
});

test("an activity sees the WORKER_SHUTDOWN reason when shutdown cancels it", async () => {
  await using run = await startWithActivity({ activityType: "observe", startToCloseTimeout: "30s" });
  let started!: () => void;
  const activityStarted = new Promise<void>((resolve) => (started = resolve));
  const seen: (string | undefined)[] = [];
  const worker = new Worker(run.client, {
    taskQueue: run.taskQueue,
    workflowsPath,
    logger: quiet,
    activities: {
      async observe() {
        started();
        await new Promise<void>((resolve) => cancellationSignal().addEventListener("abort", () => resolve()));
        seen.push(String(workerShutdownSignal().aborted), cancellationReason());
        throw cancellationSignal().reason;
      },
    },
  });
  await worker.start();
  await activityStarted;
  await worker.shutdown();
  await outcomeAfterShutdown(run);
  assert.deepEqual(seen, ["true", "WORKER_SHUTDOWN"]);
  await assertReplays(run.handle, workflowsPath);
});
