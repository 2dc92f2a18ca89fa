import assert from "node:assert/strict";
import { test } from "node:test";
import { greeting } from "../../examples/greeting.ts";
import { assertStartedReplay, recordingClient } from "./example_support.ts";

test("GreetingWorkflow: query the greeting, change the salutation by signal, complete with 'Aloha, my name!'", async () => {
  const recording = await recordingClient();
  try {
    const outcome = await greeting(recording.client);
    assert.equal(outcome.firstGreeting, "Hello, my name!");
    assert.equal(outcome.result, "Aloha, my name!");
    await assertStartedReplay(recording, new URL("../../examples/workflows/greeting.ts", import.meta.url));
  } finally {
    await recording.client.connection.close();
  }
});
