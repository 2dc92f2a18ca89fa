import assert from "node:assert/strict";
import { test } from "node:test";
import { Connection, RPCCode, RPCError } from "../../client/mod.ts";
import { startFakeServer } from "./connection_fake_server.ts";
import { CA_CERT, CLIENT_CERT, CLIENT_KEY, SERVER_CERT, SERVER_KEY } from "./connection_tls_fixtures.ts";

const encode = (text: string) => new TextEncoder().encode(text);

test("TLS with a custom root CA (PEM string or bytes) verifies the server and carries the API key", async () => {
  const server = await startFakeServer(undefined, { cert: SERVER_CERT, key: SERVER_KEY });
  try {
    for (const serverRootCACert of [CA_CERT, encode(CA_CERT)]) {
      await using connection = await Connection.connect({
        address: server.address,
        apiKey: "secret",
        tls: { serverRootCACert },
      });
      assert.equal(connection.tls, true);
      assert.equal(connection.systemInfo?.serverVersion, "fake-1.0");
      assert.equal(server.calls.at(-1)?.get("authorization"), "Bearer secret");
    }
  } finally {
    await server.close();
  }
});

test("serverName verifies the certificate against another name", async () => {
  const server = await startFakeServer(undefined, { cert: SERVER_CERT, key: SERVER_KEY });
  try {
    await using good = await Connection.connect({
      address: server.address,
      tls: { serverRootCACert: CA_CERT, serverName: "temporal.test" },
    });
    assert.equal(good.systemInfo?.serverVersion, "fake-1.0");
    await assert.rejects(
      Connection.connect({
        address: server.address,
        tls: { serverRootCACert: CA_CERT, serverName: "wrong.example" },
        connectTimeout: 3_000,
        retry: false,
      }),
      (err: unknown) =>
        err instanceof RPCError && /TLS|certificate|altname|wrong\.example/i.test(err.message),
    );
  } finally {
    await server.close();
  }
});

test("a server certificate from an unknown CA is rejected with a TLS error naming the address", async () => {
  const server = await startFakeServer(undefined, { cert: SERVER_CERT, key: SERVER_KEY });
  try {
    const error = await Connection.connect({
      address: server.address,
      tls: true,
      retry: false,
      connectTimeout: 3_000,
    })
      .then(() => assert.fail("connect should fail"), (err: unknown) => err);
    assert.ok(error instanceof RPCError, String(error));
    assert.notEqual(error.code, RPCCode.OK);
    assert.ok(error.message.includes(server.address), error.message);
    assert.match(error.message, /TLS|certificate|self.signed|issuer/i);
  } finally {
    await server.close();
  }
});

test("mutual TLS presents the client certificate", async () => {
  const server = await startFakeServer(undefined, { cert: SERVER_CERT, key: SERVER_KEY, clientCA: CA_CERT });
  try {
    await using connection = await Connection.connect({
      address: server.address,
      tls: {
        serverRootCACert: CA_CERT,
        clientCert: encode(CLIENT_CERT),
        clientPrivateKey: encode(CLIENT_KEY),
      },
    });
    assert.equal(connection.systemInfo?.serverVersion, "fake-1.0");
    assert.deepEqual(server.clientCertNames, ["sandglass-test-client"]);
  } finally {
    await server.close();
  }
});

test("mutual TLS without a client certificate fails cleanly, without an unhandled error", async () => {
  const server = await startFakeServer(undefined, { cert: SERVER_CERT, key: SERVER_KEY, clientCA: CA_CERT });
  try {
    const error = await Connection.connect({
      address: server.address,
      tls: { serverRootCACert: CA_CERT },
      retry: false,
      connectTimeout: 3_000,
    }).then(() => assert.fail("connect should fail"), (err: unknown) => err);
    assert.ok(error instanceof RPCError, String(error));
    assert.ok(error.message.includes(server.address), error.message);
    // Late errors of the abandoned session (Deno emits one) must not crash the process.
    await new Promise((resolve) => setTimeout(resolve, 200));
  } finally {
    await server.close();
  }
});

test("plaintext to a TLS server fails with a hint about TLS", async () => {
  const server = await startFakeServer(undefined, { cert: SERVER_CERT, key: SERVER_KEY });
  try {
    const error = await Connection.connect({ address: server.address, retry: false, connectTimeout: 3_000 })
      .then(() => assert.fail("connect should fail"), (err: unknown) => err);
    assert.ok(error instanceof RPCError, String(error));
    assert.ok(error.message.includes(server.address), error.message);
    assert.match(error.message, /TLS/);
  } finally {
    await server.close();
  }
});
