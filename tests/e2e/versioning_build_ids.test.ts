import assert from "node:assert/strict";
import { after, test } from "node:test";
import { Client } from "../../client/client.ts";
import { devServer, uniqueId } from "../support/servers.ts";
import { assertReplays, eventually, startWorker } from "./e2e_support.ts";
import { WorkflowExecutionStatus } from "../../client/workflow_execution.ts";

const v1 = new URL("./workflows/versioning_v1.ts", import.meta.url);
const v2 = new URL("./workflows/versioning_v2.ts", import.meta.url);

let connected: Promise<Client> | undefined;
function client(): Promise<Client> {
  connected ??= devServer().then(({ address, namespace }) => Client.connect(address, { namespace }));
  return connected;
}
after(async () => {
  if (connected !== undefined) await (await connected).connection.close();
});

/** Waits until the run's first workflow task completed (it then waits for `finish`). */
async function running(c: Client, workflowId: string): Promise<void> {
  await eventually(async () => {
    const history = await c.getWorkflowHandle(workflowId).fetchHistory();
    return history.events.some((e) => e.attributes.case === "workflowTaskCompletedEventAttributes")
      ? true
      : undefined;
  }, `workflow '${workflowId}' to run its first task`);
}

test("build ids: new runs go to the default set's worker; a running one moves only within its compatible set", async () => {
  const c = await client();
  const taskQueue = uniqueId("e2e-versioning");
  await c.updateWorkerBuildIdCompatibility(taskQueue, { type: "addNewIdInNewDefaultSet", buildId: "1.0" });
  const w10 = await startWorker(c, { taskQueue, workflowsPath: v1, buildId: "1.0", useVersioning: true });
  const workers = [w10];
  try {
    const old = await c.startWorkflow("versioned", { id: uniqueId("versioned-old"), taskQueue });
    await running(c, old.workflowId);

    // Build 2.0 becomes the default: new runs go to it, the running one stays in the 1.x set.
    await c.updateWorkerBuildIdCompatibility(taskQueue, { type: "addNewIdInNewDefaultSet", buildId: "2.0" });
    workers.push(await startWorker(c, { taskQueue, workflowsPath: v2, buildId: "2.0", useVersioning: true }));
    const fresh = await c.startWorkflow("versioned", { id: uniqueId("versioned-new"), taskQueue });
    await running(c, fresh.workflowId);
    await fresh.signal("finish");
    assert.equal(await fresh.result(), "v2@2.0");

    // 1.1 joins the 1.x set and 1.0 goes away: the old run continues on 1.1, never on 2.0.
    await c.updateWorkerBuildIdCompatibility(taskQueue, {
      type: "addNewCompatibleVersion",
      buildId: "1.1",
      existingCompatibleBuildId: "1.0",
    });
    await w10.shutdown();
    workers.push(await startWorker(c, { taskQueue, workflowsPath: v1, buildId: "1.1", useVersioning: true }));
    await old.signal("finish");
    assert.equal(await old.result(), "v1@1.1");
    assert.equal((await old.describe()).status, WorkflowExecutionStatus.COMPLETED);
    await assertReplays(old, v1);
    await assertReplays(fresh, v2);
  } finally {
    for (const worker of workers.reverse()) await worker.shutdown();
  }
});

test("build ids: promoting the old set back sends new runs to the old build", async () => {
  const c = await client();
  const taskQueue = uniqueId("e2e-versioning-promote");
  await c.updateWorkerBuildIdCompatibility(taskQueue, { type: "addNewIdInNewDefaultSet", buildId: "1.0" });
  await c.updateWorkerBuildIdCompatibility(taskQueue, { type: "addNewIdInNewDefaultSet", buildId: "2.0" });
  await c.updateWorkerBuildIdCompatibility(taskQueue, { type: "promoteSetByBuildId", buildId: "1.0" });
  const w1 = await startWorker(c, { taskQueue, workflowsPath: v1, buildId: "1.0", useVersioning: true });
  const w2 = await startWorker(c, { taskQueue, workflowsPath: v2, buildId: "2.0", useVersioning: true });
  try {
    const handle = await c.startWorkflow("versioned", { id: uniqueId("versioned-promoted"), taskQueue });
    await running(c, handle.workflowId);
    await handle.signal("finish");
    assert.equal(await handle.result(), "v1@1.0");
  } finally {
    await w2.shutdown();
    await w1.shutdown();
  }
});
