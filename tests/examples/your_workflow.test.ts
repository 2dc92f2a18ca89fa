import assert from "node:assert/strict";
import { test } from "node:test";
import { yourWorkflow } from "../../examples/your_workflow.ts";
import { assertStartedReplay, recordingClient } from "./example_support.ts";

test("YourWorkflow passes a params object to your_activity and returns 'Hello, your name!'", async () => {
  const recording = await recordingClient();
  try {
    assert.equal(await yourWorkflow(recording.client), "Hello, your name!");
    await assertStartedReplay(
      recording,
      new URL("../../examples/workflows/your_workflow.ts", import.meta.url),
    );
  } finally {
    await recording.client.connection.close();
  }
});
