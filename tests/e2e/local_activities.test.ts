import assert from "node:assert/strict";
import { test } from "node:test";
import { createLocalActivities } from "./activities/local.ts";
import { assertReplays, sharedEnv, startWorker, uniqueId } from "./e2e_support.ts";

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
