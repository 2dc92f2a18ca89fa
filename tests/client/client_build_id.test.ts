import { test } from "node:test";
import assert from "node:assert/strict";
import { testClient, uniqueId } from "./client_support.ts";

test("build-id compatibility sets are updated and read back, and task reachability is reported", async () => {
  const { client } = await testClient();
  try {
    const taskQueue = uniqueId("versioned");
    await client.updateWorkerBuildIdCompatibility(taskQueue, {
      type: "addNewIdInNewDefaultSet",
      buildId: "1.0",
    });
    await client.updateWorkerBuildIdCompatibility(taskQueue, {
      type: "addNewCompatibleVersion",
      buildId: "1.1",
      existingCompatibleBuildId: "1.0",
    });
    await client.updateWorkerBuildIdCompatibility(taskQueue, {
      type: "addNewIdInNewDefaultSet",
      buildId: "2.0",
    });
    let sets = await client.getWorkerBuildIdCompatibility(taskQueue);
    assert.deepEqual(sets.sets.map((s) => s.buildIds), [["1.0", "1.1"], ["2.0"]]);
    assert.equal(sets.defaultBuildId, "2.0");
    await client.updateWorkerBuildIdCompatibility(taskQueue, { type: "promoteSetByBuildId", buildId: "1.1" });
    sets = await client.getWorkerBuildIdCompatibility(taskQueue, { maxSets: 1 });
    assert.deepEqual(sets.sets.map((s) => s.buildIds), [["1.0", "1.1"]]);
    assert.equal(sets.defaultBuildId, "1.1");

    const reachability = await client.getWorkerTaskReachability({
      buildIds: ["1.1"],
      taskQueues: [taskQueue],
    });
    assert.ok(reachability.buildIdReachability["1.1"], "the build id is reported");
    assert.ok(Array.isArray(reachability.buildIdReachability["1.1"]![taskQueue]));
    assert.ok(reachability.buildIdReachability["1.1"]![taskQueue]!.includes("NEW_WORKFLOWS"));

    await assert.rejects(
      client.updateWorkerBuildIdCompatibility(taskQueue, { type: "nope" } as never),
      /Invalid build id operation 'nope'/,
    );
    await assert.rejects(client.getWorkerTaskReachability({ buildIds: [] }), /Missing buildIds/);
  } finally {
    await client.connection.close();
  }
});
