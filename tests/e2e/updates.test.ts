import assert from "node:assert/strict";
import { test } from "node:test";
import { WorkflowUpdateFailedError } from "../../common/client_errors.ts";
import { ApplicationFailure } from "../../common/failures.ts";
import { WithStartWorkflowOperation } from "../../client/with_start.ts";
import { createShopActivities } from "./activities/shop.ts";
import {
  assertReplays,
  eventually,
  sharedEnv,
  startWorker,
  uniqueId,
  WorkflowExecutionStatus,
} from "./e2e_support.ts";

const workflowsPath = new URL("./workflows/updates.ts", import.meta.url);
const shop = createShopActivities();
const { env } = sharedEnv({ workflowsPath, activities: shop.activities });

function updateEvents(history: Awaited<ReturnType<typeof assertReplays>>): string[] {
  return history.events
    .map((e) => e.attributes.case ?? "")
    .filter((c) => c.startsWith("workflowExecutionUpdate"));
}

async function failureOf(promise: Promise<unknown>): Promise<WorkflowUpdateFailedError> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  assert.ok(
    error instanceof WorkflowUpdateFailedError,
    `expected WorkflowUpdateFailedError, got ${String(error)}`,
  );
  return error;
}

test("a validator rejects an update: the caller gets the validator's error and history keeps no trace of it", async () => {
  const { client, taskQueue } = await env();
  const handle = await client.startWorkflow("cart", { id: uniqueId("cart"), taskQueue });
  assert.equal(await handle.executeUpdate("setDiscount", { args: [20] }), 20);
  const before = await handle.fetchHistory();

  const rejected = await failureOf(handle.executeUpdate("setDiscount", { args: [99] }));
  assert.ok(rejected.cause instanceof ApplicationFailure, `cause: ${String(rejected.cause)}`);
  assert.match(rejected.cause.message, /Invalid discount 99/);
  assert.equal(rejected.cause.type, "RangeError");
  const emptyItem = await failureOf(handle.executeUpdate("addItem", { args: [""] }));
  assert.match(String(emptyItem.cause?.message), /An item needs a name/);
  const unknown = await failureOf(handle.executeUpdate("noSuchUpdate", { args: [] }));
  assert.match(String(unknown.cause?.message), /noSuchUpdate/);

  const after = await handle.fetchHistory();
  assert.equal(after.events.length, before.events.length, "rejected updates add no events");
  assert.deepEqual(updateEvents(after), [
    "workflowExecutionUpdateAcceptedEventAttributes",
    "workflowExecutionUpdateCompletedEventAttributes",
  ]);

  await handle.signal("checkout");
  assert.deepEqual(await handle.result(), { items: [], discount: 20 });
  await assertReplays(handle, workflowsPath);
});

test("an update handler's failure fails only the update; the workflow goes on", async () => {
  const { client, taskQueue } = await env();
  const handle = await client.startWorkflow("cart", { id: uniqueId("cart"), taskQueue });
  const failed = await failureOf(handle.executeUpdate("addItem", { args: ["broken"] }));
  assert.ok(failed.cause instanceof ApplicationFailure);
  assert.equal(failed.cause.type, "Unpriceable");
  assert.equal(await handle.executeUpdate("addItem", { args: ["plum"] }), 1);
  await handle.signal("checkout");
  assert.deepEqual(await handle.result(), { items: ["plum=40"], discount: 0 });
  await assertReplays(handle, workflowsPath);
});

test("an async update handler awaits an activity, and the workflow waits for it before completing", async () => {
  const { client, taskQueue } = await env();
  const handle = await client.startWorkflow("cart", { id: uniqueId("cart"), taskQueue });
  const item = uniqueId("pear");
  shop.hold(item);
  try {
    const update = await handle.startUpdate("addItem", { args: [item], waitForStage: "ACCEPTED" });
    await handle.signal("checkout");
    await eventually(() => (shop.priced.includes(item) ? true : undefined), "the price activity to start");
    // The checkout signal arrived, but the handler is still running: the workflow waits.
    assert.equal((await handle.describe()).status, WorkflowExecutionStatus.RUNNING);
    shop.release(item);
    assert.equal(await update.result(), 1);
  } finally {
    shop.release(item);
  }
  assert.deepEqual(await handle.result(), { items: [`${item}=${item.length * 10}`], discount: 0 });
  await assertReplays(handle, workflowsPath);
});

test("an update id deduplicates: the same id returns the first outcome and runs the handler once", async () => {
  const { client, taskQueue } = await env();
  const handle = await client.startWorkflow("cart", { id: uniqueId("cart"), taskQueue });
  const item = uniqueId("fig");
  assert.equal(await handle.executeUpdate("addItem", { args: [item], updateId: "add-once" }), 1);
  assert.equal(await handle.executeUpdate("addItem", { args: [item], updateId: "add-once" }), 1);
  assert.equal(await handle.getUpdateHandle<number>("add-once").result(), 1);
  assert.deepEqual(await handle.query("contents"), [`${item}=${item.length * 10}`]);
  assert.equal(shop.priced.filter((p) => p === item).length, 1);
  await handle.signal("checkout");
  await handle.result();
  const history = await assertReplays(handle, workflowsPath);
  assert.equal(updateEvents(history).length, 2, "one accepted and one completed update");
});

test("an update sent before the workflow's first task is delivered with it", async () => {
  const { client } = await env();
  const taskQueue = uniqueId("e2e-late-worker");
  const own = createShopActivities();
  const handle = await client.startWorkflow("cart", { id: uniqueId("cart"), taskQueue });
  // No worker polls this task queue yet: the update waits for the first workflow task.
  const accepted = handle.startUpdate("addItem", { args: ["early"], waitForStage: "ACCEPTED" });
  await eventually(async () => {
    const { rawDescription } = await handle.describe();
    return (rawDescription?.pendingWorkflowTask !== undefined) ? true : undefined;
  }, "the first workflow task to be pending");
  const worker = await startWorker(client, { taskQueue, workflowsPath, activities: own.activities });
  try {
    const update = await accepted;
    assert.equal(await update.result(), 1);
    await handle.signal("checkout");
    assert.deepEqual(await handle.result(), { items: ["early=50"], discount: 0 });
  } finally {
    await worker.shutdown();
  }
  const history = await assertReplays(handle, workflowsPath);
  const firstAccepted = history.events.find((e) =>
    e.attributes.case === "workflowExecutionUpdateAcceptedEventAttributes"
  );
  const firstCompletedTask = history.events.find((e) =>
    e.attributes.case === "workflowTaskCompletedEventAttributes"
  );
  assert.ok(firstAccepted !== undefined && firstCompletedTask !== undefined);
  assert.equal(firstAccepted.eventId, firstCompletedTask.eventId + 1n, "accepted by the first workflow task");
});

test("update-with-start starts the workflow with the update, then sends further updates to the same run", async () => {
  const { client, taskQueue } = await env();
  const id = uniqueId("cart");
  const first = new WithStartWorkflowOperation("cart", { id, taskQueue, idConflictPolicy: "USE_EXISTING" });
  assert.equal(
    await client.executeUpdateWithStartWorkflow("addItem", { args: ["kiwi"], startWorkflowOperation: first }),
    1,
  );
  const second = new WithStartWorkflowOperation("cart", { id, taskQueue, idConflictPolicy: "USE_EXISTING" });
  assert.equal(
    await client.executeUpdateWithStartWorkflow("addItem", {
      args: ["lime"],
      startWorkflowOperation: second,
    }),
    2,
  );
  const [a, b] = [await first.workflowHandle(), await second.workflowHandle()];
  assert.equal((await a.describe()).runId, (await b.describe()).runId);
  await a.signal("checkout");
  assert.deepEqual(await a.result(), { items: ["kiwi=40", "lime=40"], discount: 0 });
  const history = await assertReplays(a, workflowsPath);
  assert.equal(
    history.events.filter((e) => e.attributes.case === "workflowExecutionStartedEventAttributes").length,
    1,
  );
});

test("updates survive a worker restart: a new worker without a cache replays them and goes on", async () => {
  const { client } = await env();
  const taskQueue = uniqueId("e2e-restart");
  const own = createShopActivities();
  const handle = await client.startWorkflow("cart", { id: uniqueId("cart"), taskQueue });
  const first = await startWorker(client, { taskQueue, workflowsPath, activities: own.activities });
  try {
    assert.equal(await handle.executeUpdate("addItem", { args: ["a1"] }), 1);
    assert.equal(await handle.executeUpdate("setDiscount", { args: [5] }), 5);
    assert.equal(await handle.executeUpdate("addItem", { args: ["a2"] }), 2);
  } finally {
    await first.shutdown();
  }
  // Every task of this worker replays the whole history, updates included.
  const second = await startWorker(client, {
    taskQueue,
    workflowsPath,
    activities: own.activities,
    maxCachedWorkflows: 0,
  });
  try {
    assert.equal(await handle.executeUpdate("addItem", { args: ["b1"] }), 3);
    assert.equal(await handle.executeUpdate("setDiscount", { args: [10] }), 10);
    await handle.signal("checkout");
    assert.deepEqual(await handle.result(), { items: ["a1=20", "a2=20", "b1=20"], discount: 10 });
  } finally {
    await second.shutdown();
  }
  await assertReplays(handle, workflowsPath);
});
