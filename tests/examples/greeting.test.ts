import assert from "node:assert/strict";
import { test } from "node:test";
import { Client } from "../../client/client.ts";
import { greeting } from "../../examples/greeting.ts";
import { devServer } from "../support/servers.ts";

test("GreetingWorkflow: query the greeting, change the salutation by signal, complete with 'Aloha, my name!'", async () => {
  const { address, namespace } = await devServer();
  const client = await Client.connect(address, { namespace });
  try {
    const outcome = await greeting(client);
    assert.equal(outcome.firstGreeting, "Hello, my name!");
    assert.equal(outcome.result, "Aloha, my name!");
  } finally {
    await client.connection.close();
  }
});
