/**
 * TLS, mutual TLS and API keys against a real TLS-terminating gRPC proxy (nginx with `grpc_pass`)
 * in front of the dev server, with a CA and certificates made by this test run.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { Client } from "../../client/client.ts";
import { loadClientConnectConfig } from "../../client/envconfig/load_client_connect_config.ts";
import { RPCError } from "../../client/rpc_error.ts";
import { WorkflowExecutionStatus } from "../../client/workflow_execution.ts";
import { makeTestCertificates, type TestCertificates } from "../support/certs.ts";
import { type GrpcTlsProxy, startGrpcTlsProxy } from "../support/nginx.ts";
import { devServer, uniqueId } from "../support/servers.ts";

/** The server certificate names `temporal.test` and `127.0.0.1`, not `localhost`. */
const SERVER_NAME = "temporal.test";

interface Setup {
  certs: TestCertificates;
  proxy: GrpcTlsProxy;
  namespace: string;
  dir: string;
}

let setup: Promise<Setup> | undefined;

function proxied(): Promise<Setup> {
  setup ??= (async () => {
    const { address, namespace } = await devServer();
    const dir = await mkdtemp(join(tmpdir(), "sandglass-tls-proxy-"));
    try {
      const certs = await makeTestCertificates(dir, { serverNames: [SERVER_NAME], serverIps: ["127.0.0.1"] });
      const proxy = await startGrpcTlsProxy({ upstream: address, certs, dir });
      return { certs, proxy, namespace, dir };
    } catch (error) {
      await rm(dir, { recursive: true, force: true });
      throw error;
    }
  })();
  return setup;
}

after(async () => {
  if (setup === undefined) return;
  const { proxy, dir } = await setup;
  await proxy.stop();
  await rm(dir, { recursive: true, force: true });
});

/** Starts a workflow (no worker needed), describes it, and terminates it: real calls, end to end. */
async function startAndDescribe(client: Client): Promise<void> {
  const handle = await client.startWorkflow("tlsProxyProbe", {
    id: uniqueId("tls-proxy"),
    taskQueue: uniqueId("tls-proxy-tq"),
  });
  try {
    const description = await handle.describe();
    assert.equal(description.workflowId, handle.workflowId);
    assert.equal(description.status, WorkflowExecutionStatus.RUNNING);
  } finally {
    await handle.terminate("tls proxy test done");
  }
}

/** The proxy's log entries of calls to `method` whose authorization header is `Bearer <apiKey>`. */
async function callsWithKey(proxy: GrpcTlsProxy, method: string, apiKey: string) {
  return (await proxy.accessLog()).filter((entry) =>
    entry.path.endsWith(`/${method}`) && entry.authorization === `Bearer ${apiKey}`
  );
}

test("TLS through the proxy works with the CA that signed its certificate", async () => {
  const { certs, proxy, namespace } = await proxied();
  for (const serverRootCACert of [certs.ca.cert, new TextEncoder().encode(certs.ca.cert)]) {
    const client = await Client.connect(proxy.tlsAddress, { namespace, tls: { serverRootCACert } });
    try {
      assert.equal(client.connection.tls, true);
      const info = await client.workflowService.getSystemInfo({});
      assert.ok(info.serverVersion, "the dev server behind the proxy reports its version");
      await startAndDescribe(client);
    } finally {
      await client.connection.close();
    }
  }
  // The calls went through nginx, not around it.
  const calls = (await proxy.accessLog()).filter((entry) =>
    entry.port === Number(proxy.tlsAddress.split(":")[1])
  );
  assert.ok(calls.some((entry) => entry.path.endsWith("/StartWorkflowExecution") && entry.status === 200));
});

test("serverName verifies the proxy's certificate against that name, and a wrong name fails", async () => {
  const { certs, proxy, namespace } = await proxied();
  const client = await Client.connect(proxy.tlsAddress, {
    namespace,
    tls: { serverRootCACert: certs.ca.cert, serverName: SERVER_NAME },
  });
  try {
    await startAndDescribe(client);
  } finally {
    await client.connection.close();
  }
  await assert.rejects(
    Client.connect(proxy.tlsAddress, {
      namespace,
      tls: { serverRootCACert: certs.ca.cert, serverName: "wrong.example" },
      retry: false,
      connectTimeout: "5s",
    }),
    (error: unknown) => {
      assert.ok(error instanceof RPCError, String(error));
      assert.match(error.message, new RegExp(proxy.tlsAddress.replaceAll(".", "\\.")));
      assert.match(error.message, /TLS|certificate|altname/i);
      assert.match(error.message, /wrong\.example/);
      return true;
    },
  );
});

test("a wrong CA fails with an error about certificate verification", async () => {
  const { certs, proxy, namespace } = await proxied();
  for (const tls of [{ serverRootCACert: certs.otherCa.cert }, true] as const) {
    await assert.rejects(
      Client.connect(proxy.tlsAddress, { namespace, tls, retry: false, connectTimeout: "5s" }),
      (error: unknown) => {
        assert.ok(error instanceof RPCError, String(error));
        assert.match(error.message, new RegExp(proxy.tlsAddress.replaceAll(".", "\\.")));
        assert.match(error.message, /TLS handshake failed/);
        assert.match(error.message, /certificate/i);
        assert.match(error.message, /verify|self[- ]signed|issuer/i);
        return true;
      },
    );
  }
});

test("mutual TLS: the proxy refuses a client without a certificate and accepts one with it", async () => {
  const { certs, proxy, namespace } = await proxied();
  await assert.rejects(
    Client.connect(proxy.mtlsAddress, {
      namespace,
      tls: { serverRootCACert: certs.ca.cert },
      connectTimeout: "5s",
    }),
    (error: unknown) => {
      assert.ok(error instanceof RPCError, String(error));
      assert.match(error.message, new RegExp(proxy.mtlsAddress.replaceAll(".", "\\.")));
      assert.match(error.message, /HTTP 400 instead of gRPC/);
      assert.match(error.message, /requires a client certificate.*tls\.clientCert/);
      return true;
    },
  );
  const refusals = async () =>
    (await proxy.accessLog()).filter((entry) =>
      entry.port === Number(proxy.mtlsAddress.split(":")[1]) && entry.status === 400
    ).length;
  // nginx writes its access log line after answering: wait for it, then make sure no retry follows.
  const deadline = Date.now() + 5_000;
  while ((await refusals()) === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 300));
  // nginx logged the refusal once: a proxy's refusal is not retried.
  assert.equal(await refusals(), 1);

  const client = await Client.connect(proxy.mtlsAddress, {
    namespace,
    tls: {
      serverRootCACert: certs.ca.cert,
      clientCert: certs.client.cert,
      clientPrivateKey: certs.client.key,
    },
  });
  try {
    await startAndDescribe(client);
  } finally {
    await client.connection.close();
  }
});

test("the API key reaches the proxy as 'authorization: Bearer <key>', also after setApiKey", async () => {
  const { certs, proxy, namespace } = await proxied();
  const apiKey = uniqueId("key");
  const client = await Client.connect(proxy.tlsAddress, {
    namespace,
    apiKey,
    tls: { serverRootCACert: certs.ca.cert },
  });
  try {
    await startAndDescribe(client);
    assert.equal((await callsWithKey(proxy, "GetSystemInfo", apiKey)).length, 1);
    assert.equal((await callsWithKey(proxy, "StartWorkflowExecution", apiKey)).length, 1);
    assert.equal((await callsWithKey(proxy, "DescribeWorkflowExecution", apiKey)).length, 1);

    const rotated = uniqueId("rotated");
    client.connection.setApiKey(rotated);
    await client.workflowService.getSystemInfo({});
    assert.equal((await callsWithKey(proxy, "GetSystemInfo", rotated)).length, 1);
  } finally {
    await client.connection.close();
  }
});

test("a profile loaded from TOML connects through the proxy with mutual TLS and its API key", async () => {
  const { certs, proxy, namespace } = await proxied();
  const apiKey = uniqueId("toml-key");
  const toml = [
    "[profile.proxy]",
    `address = ${JSON.stringify(proxy.mtlsAddress)}`,
    `namespace = ${JSON.stringify(namespace)}`,
    `api_key = ${JSON.stringify(apiKey)}`,
    "[profile.proxy.tls]",
    `server_name = ${JSON.stringify(SERVER_NAME)}`,
    `server_ca_cert_path = ${JSON.stringify(certs.ca.certPath)}`,
    `client_cert_path = ${JSON.stringify(certs.client.certPath)}`,
    // Inline data works as well as a path.
    `client_key_data = ${JSON.stringify(certs.client.key)}`,
    "",
  ].join("\n");
  const config = await loadClientConnectConfig({ configSource: { data: toml }, profile: "proxy", env: {} });
  const client = await Client.connect(config);
  try {
    assert.equal(client.connection.address, proxy.mtlsAddress);
    assert.equal(client.namespace, namespace);
    await startAndDescribe(client);
    assert.equal((await callsWithKey(proxy, "StartWorkflowExecution", apiKey)).length, 1);
  } finally {
    await client.connection.close();
  }
});
