import { test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "../../client/client.ts";
import { Connection } from "../../client/connection.ts";
import { loadClientConnectConfig } from "../../client/envconfig/mod.ts";
import { RPCError } from "../../client/rpc_error.ts";
import { startFakeServer } from "./connection_fake_server.ts";
import { testClient, uniqueId } from "./client_support.ts";
import { greet } from "./workflows/basics.ts";
import { assertReplays, startWorker } from "../e2e/e2e_support.ts";
import { devServer } from "../support/servers.ts";

const basicWorkflows = new URL("./workflows/basics.ts", import.meta.url);

test("Client.connect defaults the namespace and exposes the connection, identity and raw services", async () => {
  const { address } = await devServer();
  const client = await Client.connect(address, { identity: "tester@host" });
  try {
    assert.equal(client.namespace, "default");
    assert.equal(client.identity, "tester@host");
    assert.ok(client.connection instanceof Connection);
    assert.equal(client.workflowService, client.connection.workflowService);
    assert.equal(client.operatorService, client.connection.operatorService);
    assert.equal(client.testService, client.connection.testService);
    const info = await client.workflowService.getSystemInfo({});
    assert.ok(info.capabilities);
    const searchAttributes = await client.operatorService.listSearchAttributes({
      namespace: client.namespace,
    });
    assert.ok(Object.keys(searchAttributes.systemAttributes).includes("WorkflowId"));
    assert.ok(client.dataConverter.payloadConverter);
  } finally {
    await client.connection.close();
  }
});

test("config() is a shallow copy: new Client({ ...config(), namespace }) shares the connection", async () => {
  const { client, taskQueue } = await testClient();
  try {
    const config = client.config();
    config.namespace = "changed-copy";
    assert.equal(client.config().namespace, client.namespace);
    const sibling = new Client({ ...client.config(), namespace: "sandglass-other" });
    assert.equal(sibling.connection, client.connection);
    assert.equal(sibling.namespace, "sandglass-other");
    assert.equal(sibling.identity, client.identity);
    // The sibling really calls with its own namespace (which does not exist on the dev server).
    await assert.rejects(
      sibling.startWorkflow("wf", { id: uniqueId("wf"), taskQueue }),
      (err: unknown) => err instanceof RPCError && /sandglass-other/.test(err.message),
    );
    // The original still works on the shared connection, with a worker on it.
    const worker = await startWorker(client, { taskQueue, workflowsPath: basicWorkflows });
    try {
      const id = uniqueId("wf");
      assert.equal(await client.executeWorkflow(greet, { args: ["shared"], id, taskQueue }), "Hello, shared");
      await assertReplays(client.getWorkflowHandle(id), basicWorkflows);
    } finally {
      await worker.shutdown();
    }
  } finally {
    await client.connection.close();
  }
});

test("apiKey and rpcMetadata are settable and reach the server on the next call", async () => {
  const server = await startFakeServer();
  let client: Client | undefined;
  try {
    client = await Client.connect(server.address, {
      apiKey: "key-1",
      tls: false,
      rpcMetadata: { "x-team": "blue" },
    });
    assert.equal(server.calls[0]?.get("authorization"), "Bearer key-1");
    assert.equal(server.calls[0]?.get("x-team"), "blue");
    assert.equal(client.apiKey, "key-1");
    client.apiKey = "key-2";
    client.rpcMetadata = { "x-team": "green" };
    assert.equal(client.apiKey, "key-2");
    assert.deepEqual(client.rpcMetadata, { "x-team": "green" });
    await client.workflowService.pollWorkflowTaskQueue({ namespace: "default", taskQueue: { name: "q" } });
    const last = server.calls.at(-1)!;
    assert.equal(last.get("authorization"), "Bearer key-2");
    assert.equal(last.get("x-team"), "green");
  } finally {
    await client?.connection.close();
    await server.close();
  }
});

test("Client.connect accepts the loaded environment configuration, options winning over it", async () => {
  const { address, namespace } = await devServer();
  const config = await loadClientConnectConfig({
    env: { TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: "from-env" },
    configSource: { data: "" },
  } as never);
  assert.equal(config.address, address);
  const fromEnv = await Client.connect(config);
  try {
    assert.equal(fromEnv.namespace, "from-env");
  } finally {
    await fromEnv.connection.close();
  }
  const overridden = await Client.connect(config, { namespace });
  try {
    assert.equal(overridden.namespace, namespace);
    const info = await overridden.workflowService.getSystemInfo({});
    assert.ok(info.serverVersion);
  } finally {
    await overridden.connection.close();
  }
});

test("a lazy client connects on first use; an unreachable server fails that call with RPCError", async () => {
  const client = await Client.connect("127.0.0.1:1", { lazy: true, retry: false });
  try {
    assert.equal(client.connection.connected, false);
    await assert.rejects(client.getWorkflowHandle("x").describe(), (err: unknown) => err instanceof RPCError);
  } finally {
    await client.connection.close();
  }
});

test("invalid client options are rejected before connecting", async () => {
  await assert.rejects(Client.connect("localhost:7233", { namespace: "" }), /Invalid namespace ''/);
  await assert.rejects(Client.connect("::nope"), /Invalid address/);
  assert.throws(() => new Client({} as never), /Missing connection/);
  const { address } = await devServer();
  const connection = await Connection.connect({ address, lazy: true });
  try {
    assert.throws(
      () => new Client({ connection, defaultWorkflowQueryRejectCondition: "SOMETIMES" as never }),
      /Invalid defaultWorkflowQueryRejectCondition 'SOMETIMES'/,
    );
    const client = new Client({ connection, namespace: "ns-1" });
    assert.equal(client.namespace, "ns-1");
    assert.equal(client.identity, connection.identity);
  } finally {
    await connection.close();
  }
});
