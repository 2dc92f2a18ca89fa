import assert from "node:assert/strict";
import { test } from "node:test";
import { Client } from "../../client/client.ts";
import { yourWorkflow } from "../../examples/your_workflow.ts";
import { devServer } from "../support/servers.ts";

test("YourWorkflow passes a params object to your_activity and returns 'Hello, your name!'", async () => {
  const { address, namespace } = await devServer();
  const client = await Client.connect(address, { namespace });
  try {
    assert.equal(await yourWorkflow(client), "Hello, your name!");
  } finally {
    await client.connection.close();
  }
});
