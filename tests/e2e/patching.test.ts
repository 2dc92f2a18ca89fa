import assert from "node:assert/strict";
import { after, test } from "node:test";
import { Client } from "../../client/client.ts";
import { NondeterminismError } from "../../worker/workflow/nondeterminism_error.ts";
import { devServer } from "../support/servers.ts";
import { eventually, replayHistory, startWorker, uniqueId } from "./e2e_support.ts";

const v1 = new URL("./workflows/patching_v1.ts", import.meta.url);
const v2 = new URL("./workflows/patching_v2.ts", import.meta.url);
const v3 = new URL("./workflows/patching_v3.ts", import.meta.url);

let connected: Promise<Client> | undefined;
function client(): Promise<Client> {
  connected ??= devServer().then(({ address, namespace }) => Client.connect(address, { namespace }));
  return connected;
}
after(async () => {
  if (connected !== undefined) await (await connected).connection.close();
});

function patchMarkers(
  history: Awaited<ReturnType<ReturnType<Client["getWorkflowHandle"]>["fetchHistory"]>>,
): number {
  return history.events.filter((e) =>
    e.attributes.case === "markerRecordedEventAttributes" && e.attributes.value.markerName === "core_patch"
  ).length;
}

/** Waits until the run has completed a workflow task that started its timers and now waits for `go`. */
async function waitingForGo(c: Client, workflowId: string, timers: number): Promise<void> {
  await eventually(async () => {
    const history = await c.getWorkflowHandle(workflowId).fetchHistory();
    const fired = history.events.filter((e) => e.attributes.case === "timerFiredEventAttributes").length;
    const last = history.events[history.events.length - 1]?.attributes.case;
    return fired === timers && last === "workflowTaskCompletedEventAttributes" ? true : undefined;
  }, `workflow '${workflowId}' to wait for 'go'`);
}

test("patched: a run started on the old code keeps the old path on the new code; new runs take the new path", async () => {
  const c = await client();
  const taskQueue = uniqueId("e2e-patch");
  const old = await startWorker(c, { taskQueue, workflowsPath: v1, maxCachedWorkflows: 0 });
  const inFlight = await c.startWorkflow("pricing", { id: uniqueId("pricing-old"), taskQueue });
  const finishedOld = await c.startWorkflow("pricing", { id: uniqueId("pricing-done"), taskQueue });
  try {
    await waitingForGo(c, inFlight.workflowId, 1);
    await finishedOld.signal("go");
    assert.equal(await finishedOld.result(), "v1");
  } finally {
    await old.shutdown();
  }
  const oldHistory = await finishedOld.fetchHistory();

  // Deploy the new code on the same task queue.
  const updated = await startWorker(c, { taskQueue, workflowsPath: v2 });
  try {
    await inFlight.signal("go");
    assert.equal(await inFlight.result(), "v1", "the run started before the change keeps the old path");
    const fresh = await c.startWorkflow("pricing", { id: uniqueId("pricing-new"), taskQueue });
    await waitingForGo(c, fresh.workflowId, 2);
    await fresh.signal("go");
    assert.equal(await fresh.result(), "v2");
    const freshHistory = await fresh.fetchHistory();
    assert.equal(patchMarkers(freshHistory), 1);
    assert.equal(patchMarkers(await inFlight.fetchHistory()), 0);

    // Every history replays with the new code; the patched history cannot replay with the old code.
    await replayHistory(oldHistory, v2);
    await replayHistory(await inFlight.fetchHistory(), v2);
    await replayHistory(freshHistory, v2);
    await replayHistory(oldHistory, v1);
    await assert.rejects(
      replayHistory(freshHistory, v1),
      (error: unknown) => error instanceof NondeterminismError,
    );
  } finally {
    await updated.shutdown();
  }
});

test("deprecatePatch: the old path removed, histories with the marker still replay; those without it do not", async () => {
  const c = await client();
  const taskQueue = uniqueId("e2e-patch");
  const patchedWorker = await startWorker(c, { taskQueue, workflowsPath: v2 });
  let patchedHistory;
  try {
    const run = await c.startWorkflow("pricing", { id: uniqueId("pricing-v2"), taskQueue });
    await waitingForGo(c, run.workflowId, 2);
    await run.signal("go");
    assert.equal(await run.result(), "v2");
    patchedHistory = await run.fetchHistory();
  } finally {
    await patchedWorker.shutdown();
  }

  const deprecated = await startWorker(c, { taskQueue, workflowsPath: v3 });
  try {
    const run = await c.startWorkflow("pricing", { id: uniqueId("pricing-v3"), taskQueue });
    await waitingForGo(c, run.workflowId, 2);
    await run.signal("go");
    assert.equal(await run.result(), "v2");
    const deprecatedHistory = await run.fetchHistory();

    await replayHistory(patchedHistory, v3);
    await replayHistory(deprecatedHistory, v3);
    // A run recorded with deprecatePatch replays with the code that still calls patched().
    await replayHistory(deprecatedHistory, v2);

    const v1Queue = uniqueId("e2e-patch-v1");
    const old = await startWorker(c, { taskQueue: v1Queue, workflowsPath: v1 });
    try {
      const oldRun = await c.startWorkflow("pricing", { id: uniqueId("pricing-v1"), taskQueue: v1Queue });
      await waitingForGo(c, oldRun.workflowId, 1);
      await oldRun.signal("go");
      await oldRun.result();
      await assert.rejects(
        replayHistory(await oldRun.fetchHistory(), v3),
        (error: unknown) => error instanceof NondeterminismError,
        "a run without the patch cannot replay once the old path is gone",
      );
    } finally {
      await old.shutdown();
    }
  } finally {
    await deprecated.shutdown();
  }
});
