import assert from "node:assert/strict";
import { test } from "node:test";
import { WorkflowFailedError } from "../../common/client_errors.ts";
import { ActivityFailure, ApplicationFailure } from "../../common/failures.ts";
import { Worker } from "../../worker/mod.ts";
import {
  cancellationReason,
  cancellationSignal,
  client,
  heartbeat,
  info,
  sleep,
} from "../../worker/activity/mod.ts";
import { assertReplays } from "../e2e/e2e_support.ts";
import { testClient } from "./activity_harness.ts";
import { uniqueId } from "../support/servers.ts";

const workflowsPath = new URL("./activity_workflows.ts", import.meta.url);

function failWithDetails(): never {
  throw ApplicationFailure.create({
    message: "Out of stock",
    type: "OutOfStock",
    nonRetryable: true,
    details: [{ sku: "A-1", left: 0 }],
  });
}

test("an activity's ApplicationFailure arrives at the client as the workflow failure's cause, with its details", async () => {
  const { client: c } = await testClient();
  await using _ = { [Symbol.asyncDispose]: () => c.connection.close() };
  const taskQueue = uniqueId("tq");
  const worker = new Worker(c, { taskQueue, workflowsPath, activities: { failWithDetails } });
  const handle = await c.startWorkflow("failingActivity", { id: uniqueId("wf"), taskQueue });
  const error = await worker.runUntil(handle.result().then(() => undefined, (e: unknown) => e));
  assert.ok(error instanceof WorkflowFailedError, `expected WorkflowFailedError, got ${String(error)}`);
  assert.ok(error.cause instanceof ActivityFailure);
  assert.equal(error.cause.activityType, "failWithDetails");
  const cause = error.cause.cause;
  assert.ok(cause instanceof ApplicationFailure);
  assert.equal(cause.message, "Out of stock");
  assert.equal(cause.type, "OutOfStock");
  assert.equal(cause.nonRetryable, true);
  assert.deepEqual(cause.details, [{ sku: "A-1", left: 0 }]);
  await assertReplays(handle, workflowsPath);
});

test("the workflow's retry policy retries a failing activity until it succeeds", async () => {
  const { client: c } = await testClient();
  await using _ = { [Symbol.asyncDispose]: () => c.connection.close() };
  const taskQueue = uniqueId("tq");
  const worker = new Worker(c, {
    taskQueue,
    workflowsPath,
    activities: {
      succeedOnThird() {
        if (info().attempt < 3) throw new Error(`attempt ${info().attempt} failed`);
        return `succeeded on attempt ${info().attempt}`;
      },
    },
  });
  const handle = await c.startWorkflow("retryingActivity", { id: uniqueId("wf"), taskQueue });
  const result = await worker.runUntil(handle.result());
  assert.equal(result, "succeeded on attempt 3");
  await assertReplays(handle, workflowsPath);
});

test("a start-to-close timeout reaches the workflow as an ActivityFailure caused by a TimeoutFailure", async () => {
  const { client: c } = await testClient();
  await using _ = { [Symbol.asyncDispose]: () => c.connection.close() };
  const taskQueue = uniqueId("tq");
  const worker = new Worker(c, {
    taskQueue,
    workflowsPath,
    activities: {
      async outlivesTimeout() {
        await new Promise<void>((resolve) => cancellationSignal().addEventListener("abort", () => resolve()));
        await sleep(3_000).catch(() => {});
      },
    },
    gracefulShutdownTimeout: 0,
  });
  const handle = await c.startWorkflow("timingOutActivity", { id: uniqueId("wf"), taskQueue });
  const result = await worker.runUntil(handle.result());
  assert.equal(result, "START_TO_CLOSE");
  await assertReplays(handle, workflowsPath);
});

/** Activities for the cancellation-type tests, recording what the activity saw. */
function cancellationActivities(record: string[], release: Promise<void>) {
  return {
    async waitForCancel(type: string) {
      const { workflowId } = info().workflowExecution;
      await client().getWorkflowHandle(workflowId).signal("activityStarted");
      const cancelled = new Promise<void>((resolve) =>
        cancellationSignal().addEventListener("abort", () => resolve())
      );
      const beat = setInterval(() => heartbeat(), 100);
      try {
        if (type === "ABANDON") {
          await release;
          record.push(`released, reason ${String(cancellationReason())}`);
          return "finished";
        }
        await cancelled;
        record.push(`cancelled: ${String(cancellationReason())}`);
        if (type === "WAIT_CANCELLATION_COMPLETED") {
          await new Promise((resolve) => setTimeout(resolve, 500));
          record.push("cleanup done");
        } else {
          await release;
          record.push("cleanup done after release");
        }
        throw cancellationSignal().reason;
      } finally {
        clearInterval(beat);
      }
    },
  };
}

test("TRY_CANCEL: the workflow sees the cancellation at once; the activity is cancelled too", async () => {
  const { client: c } = await testClient();
  await using _ = { [Symbol.asyncDispose]: () => c.connection.close() };
  const taskQueue = uniqueId("tq");
  const record: string[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const worker = new Worker(c, {
    taskQueue,
    workflowsPath,
    activities: cancellationActivities(record, released),
  });
  const handle = await c.startWorkflow("cancelActivity", {
    args: ["TRY_CANCEL"],
    id: uniqueId("wf"),
    taskQueue,
  });
  const result = await worker.runUntil(async () => {
    // The activity's cleanup waits for `release`, which comes only after the workflow result.
    const value = await handle.result();
    release();
    while (!record.some((r) => r.startsWith("cleanup"))) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return value;
  });
  assert.equal(result, "cancelled");
  // The activity learns it from its next heartbeat: a cancel request, or, if the workflow has
  // closed by then, that the attempt no longer exists.
  assert.equal(record.length, 2);
  assert.match(record[0]!, /^cancelled: (CANCELLED|NOT_FOUND)$/);
  assert.equal(record[1], "cleanup done after release");
  await assertReplays(handle, workflowsPath);
});

test("WAIT_CANCELLATION_COMPLETED: the workflow waits until the activity has handled the cancellation", async () => {
  const { client: c } = await testClient();
  await using _ = { [Symbol.asyncDispose]: () => c.connection.close() };
  const taskQueue = uniqueId("tq");
  const record: string[] = [];
  const worker = new Worker(c, {
    taskQueue,
    workflowsPath,
    activities: cancellationActivities(record, Promise.resolve()),
  });
  const handle = await c.startWorkflow("cancelActivity", {
    args: ["WAIT_CANCELLATION_COMPLETED"],
    id: uniqueId("wf"),
    taskQueue,
  });
  const result = await worker.runUntil(async () => {
    const value = await handle.result();
    return { value, recordAtResult: [...record] };
  });
  assert.equal(result.value, "cancelled");
  assert.deepEqual(result.recordAtResult, ["cancelled: CANCELLED", "cleanup done"]);
  await assertReplays(handle, workflowsPath);
});

test("ABANDON: the workflow moves on and the activity is never told to cancel", async () => {
  const { client: c } = await testClient();
  await using _ = { [Symbol.asyncDispose]: () => c.connection.close() };
  const taskQueue = uniqueId("tq");
  const record: string[] = [];
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  const worker = new Worker(c, {
    taskQueue,
    workflowsPath,
    activities: cancellationActivities(record, released),
  });
  const handle = await c.startWorkflow("cancelActivity", {
    args: ["ABANDON"],
    id: uniqueId("wf"),
    taskQueue,
  });
  const result = await worker.runUntil(async () => {
    const value = await handle.result();
    release();
    while (record.length === 0) await new Promise((resolve) => setTimeout(resolve, 20));
    return value;
  });
  assert.equal(result, "cancelled");
  assert.equal(record.length, 1);
  assert.doesNotMatch(record[0]!, /CANCELLED/);
  await assertReplays(handle, workflowsPath);
});

test("local activities run on the worker, with local retries, and their failures reach the workflow", async () => {
  const { client: c } = await testClient();
  await using _ = { [Symbol.asyncDispose]: () => c.connection.close() };
  const taskQueue = uniqueId("tq");
  const seen: { isLocal: boolean; workflowId: string }[] = [];
  const worker = new Worker(c, {
    taskQueue,
    workflowsPath,
    activities: {
      localGreet(name: string) {
        seen.push({ isLocal: info().isLocal, workflowId: info().workflowExecution.workflowId });
        return `Hello, ${name}!`;
      },
      flakyLocal() {
        if (info().attempt < 3) throw new Error("not yet");
        return info().attempt;
      },
      failWithDetails,
    },
  });
  const id = uniqueId("wf");
  const local = await c.startWorkflow("localActivities", { args: ["local"], id, taskQueue });
  const failing = await c.startWorkflow("failingLocalActivity", { id: uniqueId("wf"), taskQueue });
  const [results, failure] = await worker.runUntil(
    async () => [await local.result(), await failing.result()],
  );
  assert.deepEqual(results, ["Hello, local!", "3"]);
  assert.deepEqual(seen, [{ isLocal: true, workflowId: id }]);
  assert.deepEqual(failure, {
    failure: "ActivityFailure",
    cause: "ApplicationFailure",
    message: "Out of stock",
    details: [{ sku: "A-1", left: 0 }],
  });
  await assertReplays(local, workflowsPath);
  await assertReplays(failing, workflowsPath);
});
