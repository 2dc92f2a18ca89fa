import assert from "node:assert/strict";
import { test } from "node:test";
import { assertReplays, sharedEnv, uniqueId } from "./e2e_support.ts";

const workflowsPath = new URL("./workflows/updates.ts", import.meta.url);
const { env } = sharedEnv({ workflowsPath });

test("signal-with-start starts the workflow with the signal, then signals the running workflow", async () => {
  const { client, taskQueue } = await env();
  const id = uniqueId("acc");
  const first = await client.startWorkflow("accumulate", {
    args: [2],
    id,
    taskQueue,
    startSignal: "add",
    startSignalArgs: [1],
  });
  const second = await client.startWorkflow("accumulate", {
    args: [99],
    id,
    taskQueue,
    startSignal: "add",
    startSignalArgs: [2],
  });
  assert.equal(second.resultRunId, first.resultRunId, "the second call signalled the running workflow");
  assert.ok(first.resultRunId);
  // The second call's arguments were ignored: the run started by the first call ends after 2 signals.
  assert.deepEqual(await first.result(), { values: [1, 2], startArgs: [2] });
  const history = await assertReplays(first, workflowsPath);
  assert.equal(history.events[1]?.attributes.case, "workflowExecutionSignaledEventAttributes");
});

test("a burst of 1,000 signals reaches the workflow complete and in order, and replays", async () => {
  const { client, taskQueue } = await env();
  const count = 1_000;
  const handle = await client.startWorkflow("accumulate", {
    args: [count],
    id: uniqueId("burst"),
    taskQueue,
  });
  for (let i = 0; i < count; i++) await handle.signal("add", i);
  const result = await handle.result() as { values: number[] };
  assert.equal(result.values.length, count);
  assert.deepEqual(result.values, Array.from({ length: count }, (_, i) => i));
  const history = await assertReplays(handle, workflowsPath);
  assert.equal(
    history.events.filter((e) => e.attributes.case === "workflowExecutionSignaledEventAttributes").length,
    count,
  );
});
