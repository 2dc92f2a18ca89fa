import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { test } from "node:test";
import { Connection, SDK_NAME, SDK_VERSION } from "../../client/mod.ts";
import { startFakeServer } from "./connection_fake_server.ts";

test("API key, metadata, client-name and client-version reach the wire as headers", async () => {
  const server = await startFakeServer();
  try {
    await using connection = await Connection.connect({
      address: server.address,
      apiKey: "k1",
      tls: false,
      metadata: { "x-team": "payments", "x-trace-id": "abc123" },
    });
    assert.equal(connection.systemInfo?.serverVersion, "fake-1.0");
    const headers = server.calls.at(-1);
    assert.ok(headers);
    assert.equal(headers.get("authorization"), "Bearer k1");
    assert.equal(headers.get("x-team"), "payments");
    assert.equal(headers.get("x-trace-id"), "abc123");
    assert.equal(headers.get("client-name"), "sandglass-typescript");
    assert.equal(headers.get("client-version"), SDK_VERSION);
  } finally {
    await server.close();
  }
});

test("setApiKey and setMetadata apply to the next call", async () => {
  const server = await startFakeServer();
  try {
    await using connection = await Connection.connect({ address: server.address, apiKey: "k1", tls: false });
    connection.setApiKey("k2");
    connection.setMetadata({ "x-tenant": "blue" });
    await connection.workflowService.getSystemInfo({});
    const headers = server.calls.at(-1);
    assert.equal(headers?.get("authorization"), "Bearer k2");
    assert.equal(headers?.get("x-tenant"), "blue");
    connection.setApiKey(undefined);
    await connection.workflowService.getSystemInfo({});
    assert.equal(server.calls.at(-1)?.get("authorization"), null);
    assert.equal(server.calls.at(-1)?.get("x-tenant"), "blue");
  } finally {
    await server.close();
  }
});

test("metadata carrying its own authorization wins over the API key", async () => {
  const server = await startFakeServer();
  try {
    await using connection = await Connection.connect({
      address: server.address,
      apiKey: "k1",
      tls: false,
      metadata: { authorization: "Custom token-from-metadata" },
    });
    assert.equal(server.calls.at(-1)?.get("authorization"), "Custom token-from-metadata");
    // Per-call headers win over both.
    await connection.workflowService.getSystemInfo({}, {
      headers: { authorization: "Bearer per-call", "x-one": "1" },
    });
    assert.equal(server.calls.at(-1)?.get("authorization"), "Bearer per-call");
    assert.equal(server.calls.at(-1)?.get("x-one"), "1");
  } finally {
    await server.close();
  }
});

test("a lazy connection makes no call until asked, then connects on first use", async () => {
  const server = await startFakeServer();
  try {
    await using connection = await Connection.connect({ address: server.address, lazy: true });
    assert.equal(server.calls.length, 0);
    assert.equal(connection.connected, false);
    await connection.ensureConnected();
    assert.equal(server.calls.length, 1);
    assert.equal(connection.connected, true);
    await connection.ensureConnected();
    assert.equal(server.calls.length, 1, "ensureConnected is a no-op once connected");
  } finally {
    await server.close();
  }
});

test("invalid metadata and API keys are rejected before any I/O", async () => {
  await assert.rejects(
    Connection.connect({ address: "127.0.0.1:1", metadata: { "bad key": "v" } }),
    (err: unknown) => err instanceof TypeError && err.message.includes("'bad key'"),
  );
  await assert.rejects(
    Connection.connect({ address: "127.0.0.1:1", metadata: { "x-ok": "line\nbreak" } }),
    (err: unknown) => err instanceof TypeError && err.message.includes("'x-ok'"),
  );
  await assert.rejects(
    Connection.connect({ address: "127.0.0.1:1", apiKey: "" }),
    (err: unknown) => err instanceof TypeError && /API key/.test(err.message),
  );
  const connection = await Connection.connect({ address: "127.0.0.1:1", lazy: true });
  try {
    assert.throws(() => connection.setMetadata({ "grpc-timeout": "1S" }), /'grpc-timeout'/);
  } finally {
    await connection.close();
  }
});

test("client-name is sandglass-typescript and client-version matches package.json", async () => {
  const pkg = JSON.parse(await readFile(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  assert.equal(SDK_NAME, "sandglass-typescript");
  assert.equal(SDK_VERSION, pkg.version);
});
