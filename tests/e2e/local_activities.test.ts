import assert from "node:assert/strict";
import { test } from "node:test";
import { createLocalActivities } from "./activities/local.ts";
import { assertReplays, eventTypes, eventually, sharedEnv, startWorker, uniqueId } from "./e2e_support.ts";

const workflowsPath = new URL("./workflows/local_activities.ts", import.meta.url);
const local = createLocalActivities();
const { env } = sharedEnv({ workflowsPath, activities: local.activities });

function markers(history: Awaited<ReturnType<typeof assertReplays>>): number {
  return history.events.filter((e) => e.attributes.case === "markerRecordedEventAttributes").length;
}

test("a local activity runs once on the worker; later tasks and the Replayer use its marker", async () => {
  const { client } = await env();
  // Without a cache, the task after the timer replays the whole history, marker included.
  const taskQueue = uniqueId("e2e-la-nocache");
  const own = createLocalActivities();
  const worker = await startWorker(client, {
    taskQueue,
    workflowsPath,
    activities: own.activities,
    maxCachedWorkflows: 0,
  });
  let handle;
  try {
    const name = uniqueId("ada");
    handle = await client.startWorkflow("localGreeting", { args: [name], id: uniqueId("la"), taskQueue });
    assert.equal(await handle.result(), `Hello, ${name}!`);
    assert.deepEqual(own.calls.map((c) => [c.type, c.key, c.isLocal]), [["greet", name, true]]);
  } finally {
    await worker.shutdown();
  }
  const history = await assertReplays(handle, workflowsPath);
  assert.equal(markers(history), 1);
  assert.equal(own.calls.length, 1, "replay did not run the activity again");
  assert.ok(!history.events.some((e) => e.attributes.case === "activityTaskScheduledEventAttributes"));
});

test("short local retries run inside the workflow task, with backoff between attempts", async () => {
  const { client, taskQueue } = await env();
  const key = uniqueId("retry");
  const handle = await client.startWorkflow("localRetries", { args: [key], id: uniqueId("la"), taskQueue });
  assert.equal(await handle.result(), 3);
  const attempts = local.calls.filter((c) => c.key === key);
  assert.deepEqual(attempts.map((c) => c.attempt), [1, 2, 3]);
  for (let i = 1; i < attempts.length; i++) {
    assert.ok(attempts[i]!.at - attempts[i - 1]!.at >= 40, "attempts are separated by the backoff");
  }
  const history = await assertReplays(handle, workflowsPath);
  assert.equal(markers(history), 1, "one marker for the final outcome");
  assert.ok(!history.events.some((e) => e.attributes.case === "timerStartedEventAttributes"));
});

test("a backoff longer than the local retry threshold becomes a durable timer", async () => {
  const { client, taskQueue } = await env();
  const key = uniqueId("timer");
  const handle = await client.startWorkflow("localTimerBackoff", {
    args: [key],
    id: uniqueId("la"),
    taskQueue,
  });
  assert.equal(await handle.result(), 3);
  assert.deepEqual(local.calls.filter((c) => c.key === key).map((c) => c.attempt), [1, 2, 3]);
  const history = await assertReplays(handle, workflowsPath);
  assert.equal(history.events.filter((e) => e.attributes.case === "timerStartedEventAttributes").length, 2);
  assert.equal(markers(history), 3, "a marker per attempt that handed back to the workflow, and the last");
});

test("a local activity's start-to-close timeout reaches the workflow as a TimeoutFailure", async () => {
  const { client, taskQueue } = await env();
  const handle = await client.startWorkflow("localTimeout", { id: uniqueId("la"), taskQueue });
  assert.equal(await handle.result(), "START_TO_CLOSE");
  await assertReplays(handle, workflowsPath);
});

test("a non-retryable local activity failure reaches the workflow as an ActivityFailure", async () => {
  const { client, taskQueue } = await env();
  const handle = await client.startWorkflow("localFailure", { id: uniqueId("la"), taskQueue });
  assert.deepEqual(await handle.result(), {
    failed: true,
    activityType: "fail",
    causeType: "Declined",
    causeMessage: "Card declined",
  });
  await assertReplays(handle, workflowsPath);
});

test("cancelling a local activity's scope rejects it with a cancellation", async () => {
  const { client, taskQueue } = await env();
  const handle = await client.startWorkflow("localCancelled", { id: uniqueId("la"), taskQueue });
  assert.deepEqual(await handle.result(), { cancelled: true });
  await assertReplays(handle, workflowsPath);
});

/** The cases of the events between each WorkflowTaskCompleted and the next WorkflowTaskScheduled. */
function commandsPerTask(history: Awaited<ReturnType<typeof assertReplays>>): string[][] {
  const tasks: string[][] = [];
  let current: string[] | undefined;
  for (const type of eventTypes(history)) {
    if (type === "workflowTaskCompletedEventAttributes") tasks.push(current = []);
    else if (type === "workflowTaskScheduledEventAttributes") current = undefined;
    else current?.push(type);
  }
  return tasks;
}

test("a local activity longer than the workflow task timeout runs once while the worker heartbeats the task", async () => {
  const { client, taskQueue } = await env();
  const key = uniqueId("long");
  const handle = await client.startWorkflow("localLong", {
    args: [key, 5_000],
    id: uniqueId("la"),
    taskQueue,
    taskTimeout: "2s",
  });
  assert.equal(await handle.result(), "slept 5000 ms");
  assert.deepEqual(local.calls.filter((c) => c.key === key).map((c) => [c.type, c.attempt]), [[
    "sleepFor",
    1,
  ]]);
  const history = await assertReplays(handle, workflowsPath);
  const types = eventTypes(history);
  assert.ok(!types.includes("workflowTaskTimedOutEventAttributes"), "no workflow task timed out");
  assert.ok(!types.includes("workflowTaskFailedEventAttributes"), "no workflow task failed");
  const tasks = commandsPerTask(history);
  // 5 s at a heartbeat every 1.6 s (80 % of 2 s): at least two tasks that only kept the run alive.
  assert.ok(tasks.length >= 3, `expected heartbeat tasks, got ${JSON.stringify(tasks)}`);
  assert.deepEqual(tasks.slice(0, -1).flat(), [], "heartbeat tasks issue no commands");
  assert.deepEqual(tasks.at(-1), [
    "markerRecordedEventAttributes",
    "workflowExecutionCompletedEventAttributes",
  ]);
  assert.equal(local.calls.filter((c) => c.key === key).length, 1, "replay did not run the activity again");
});

test("a long local activity on a worker without a cache heartbeats the task too", async () => {
  const { client } = await env();
  const taskQueue = uniqueId("e2e-la-long-nocache");
  const own = createLocalActivities();
  const worker = await startWorker(client, {
    taskQueue,
    workflowsPath,
    activities: own.activities,
    maxCachedWorkflows: 0,
  });
  let handle;
  try {
    handle = await client.startWorkflow("localLong", {
      args: ["nocache", 2_500],
      id: uniqueId("la"),
      taskQueue,
      taskTimeout: "1s",
    });
    assert.equal(await handle.result(), "slept 2500 ms");
    assert.equal(own.calls.length, 1);
  } finally {
    await worker.shutdown();
  }
  const history = await assertReplays(handle, workflowsPath);
  assert.ok(commandsPerTask(history).length >= 3, "the task was heartbeated");
  assert.ok(!eventTypes(history).includes("workflowTaskTimedOutEventAttributes"));
});

test("cancelling the scope of a running local activity aborts it and resolves it as cancelled", async () => {
  const { client, taskQueue } = await env();
  const key = uniqueId("cancel-running");
  const handle = await client.startWorkflow("localCancelRunning", {
    args: [key],
    id: uniqueId("la"),
    taskQueue,
  });
  assert.deepEqual(await handle.result(), { cancelled: true });
  await eventually(
    () => local.calls.some((c) => c.key === key && c.type === "waitForCancel:aborted") || undefined,
    "the activity to see its cancellation",
  );
  assert.deepEqual(
    local.calls.filter((c) => c.key === key).map((c) => c.type).sort(),
    ["sleepFor", "waitForCancel", "waitForCancel:aborted"],
  );
  const history = await assertReplays(handle, workflowsPath);
  const failures = history.events.flatMap((e) =>
    e.attributes.case === "markerRecordedEventAttributes"
      ? [e.attributes.value.failure?.failureInfo.case]
      : []
  );
  assert.deepEqual(
    failures.sort(),
    ["canceledFailureInfo", undefined],
    "one marker records the cancellation",
  );
});

test("a workflow cancel request that arrives while a local activity runs reaches it through a heartbeat task", async () => {
  const { client, taskQueue } = await env();
  const key = uniqueId("cancel-request");
  const handle = await client.startWorkflow("localCancelledByRequest", {
    args: [key],
    id: uniqueId("la"),
    taskQueue,
    taskTimeout: "1s",
  });
  await eventually(
    () => local.calls.some((c) => c.key === key && c.type === "waitForCancel") || undefined,
    "the local activity to start",
  );
  await handle.cancel();
  assert.equal(await handle.result(), "cancelled");
  await eventually(
    () => local.calls.some((c) => c.key === key && c.type === "waitForCancel:aborted") || undefined,
    "the activity to see its cancellation",
  );
  assert.equal(local.calls.filter((c) => c.key === key && c.type === "waitForCancel").length, 1);
  const history = await assertReplays(handle, workflowsPath);
  const types = eventTypes(history);
  assert.ok(types.includes("workflowExecutionCancelRequestedEventAttributes"));
  assert.ok(!types.includes("workflowTaskTimedOutEventAttributes"));
});
