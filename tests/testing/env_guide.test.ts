// The complete example of docs/testing.md, run as written (only the fixture paths differ).
import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { CancelledFailure } from "sandglass/common";
import { ActivityEnvironment, WorkflowEnvironment } from "sandglass/testing";
import { Worker } from "sandglass/worker";
import { assertReplays } from "../e2e/e2e_support.ts";
import { processItems } from "./fixtures/guide_activities.ts";
import { signalOrTimeout, someSignal, waitADay } from "./fixtures/guide_workflows.ts";

const workflowsPath = new URL("./fixtures/guide_workflows.ts", import.meta.url);
const slow = { timeout: 120_000 }; // the first run may download the test server

test("waitADay completes without waiting a day", slow, async () => {
  await using env = await WorkflowEnvironment.startTimeSkipping();
  await using worker = new Worker(env.client, { taskQueue: "tq1", workflowsPath });
  await worker.start();
  const result = await env.client.executeWorkflow(waitADay, { id: "wf1", taskQueue: "tq1" });
  assert.equal(result, "all done");
});

test("signalOrTimeout: a signal, then a timeout after 50 s of skipped time", slow, async () => {
  await using env = await WorkflowEnvironment.startTimeSkipping();
  await using worker = new Worker(env.client, { taskQueue: "tq1", workflowsPath });
  await worker.start();

  const signalled = await env.client.startWorkflow(signalOrTimeout, { id: "wf1", taskQueue: "tq1" });
  await signalled.signal(someSignal);
  assert.equal(await signalled.result(), "got signal");

  const before = await env.getCurrentTime();
  const timingOut = await env.client.startWorkflow(signalOrTimeout, { id: "wf2", taskQueue: "tq1" });
  await env.sleep("50s");
  assert.equal(await timingOut.result(), "got timeout");
  const after = await env.getCurrentTime();
  assert.ok(after.getTime() - before.getTime() >= 50_000);
});

test("processItems heartbeats its progress and resumes from the last heartbeat", async () => {
  const beats: unknown[] = [];
  const env = new ActivityEnvironment({ info: { heartbeatDetails: [2] } });
  env.onHeartbeat = (details) => beats.push(details[0]);
  assert.equal(await env.run(processItems, 5), 5);
  assert.deepEqual(beats, [3, 4, 5]);
});

test("processItems stops when cancelled", async () => {
  const env = new ActivityEnvironment();
  env.onHeartbeat = (details) => {
    if (details[0] === 3) env.cancel();
  };
  await assert.rejects(env.run(processItems, 100), CancelledFailure);
});

test("docs/testing.md shows exactly the files this test runs (fixture paths aside)", () => {
  const read = (path: string) => readFileSync(new URL(path, import.meta.url), "utf8");
  const code = (text: string) =>
    text.split("\n")
      .filter((line) => !line.startsWith("//") && !/from "(node:fs|\.\.\/e2e\/e2e_support\.ts)"/.test(line))
      .join("\n")
      .replaceAll("./fixtures/guide_", "./")
      .trim();
  const blocks = [...read("../../docs/testing.md").matchAll(/```ts\n([\s\S]*?)```/g)].map((m) =>
    m[1]!.trim()
  );
  assert.equal(blocks[0], code(read("./fixtures/guide_workflows.ts")));
  assert.equal(blocks[1], code(read("./fixtures/guide_activities.ts")));
  assert.equal(blocks[2], code(read("./env_guide.test.ts")).split('\ntest("docs/testing.md')[0]!.trim());
});

// Not in the guide. The guide's tests above must stay exactly as docs/testing.md shows them, and their
// server is gone when each ends, so this test runs the same scenarios again and replays every history
// the time-skipping server recorded with the guide's workflows.
test("the guide's workflow runs replay from their time-skipping histories", slow, async () => {
  await using env = await WorkflowEnvironment.startTimeSkipping();
  await using worker = new Worker(env.client, { taskQueue: "tq1", workflowsPath });
  await worker.start();

  const day = await env.client.startWorkflow(waitADay, { id: "wf1", taskQueue: "tq1" });
  assert.equal(await day.result(), "all done");
  await assertReplays(day, workflowsPath);

  const signalled = await env.client.startWorkflow(signalOrTimeout, { id: "wf2", taskQueue: "tq1" });
  await signalled.signal(someSignal);
  assert.equal(await signalled.result(), "got signal");
  await assertReplays(signalled, workflowsPath);

  const timingOut = await env.client.startWorkflow(signalOrTimeout, { id: "wf3", taskQueue: "tq1" });
  await env.sleep("50s");
  assert.equal(await timingOut.result(), "got timeout");
  await assertReplays(timingOut, workflowsPath);
});
