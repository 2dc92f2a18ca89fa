import assert from "node:assert/strict";
import { test } from "node:test";
import { Connection, parseAddress, RPCCode, RPCError } from "../../client/mod.ts";

test("parses host:port, [ipv6]:port, scheme prefixes, and defaults the port to 7233", () => {
  assert.deepEqual(parseAddress("localhost:7233"), {
    host: "localhost",
    port: 7233,
    scheme: undefined,
    authority: "localhost:7233",
  });
  assert.deepEqual(parseAddress("[::1]:8080"), {
    host: "::1",
    port: 8080,
    scheme: undefined,
    authority: "[::1]:8080",
  });
  assert.deepEqual(parseAddress("https://ns.acct.tmprl.cloud:7233"), {
    host: "ns.acct.tmprl.cloud",
    port: 7233,
    scheme: "https",
    authority: "ns.acct.tmprl.cloud:7233",
  });
  assert.equal(parseAddress("http://127.0.0.1:17233/").authority, "127.0.0.1:17233");
  assert.equal(parseAddress("temporal").authority, "temporal:7233");
  assert.equal(parseAddress("[2001:db8::7]").authority, "[2001:db8::7]:7233");
});

test("malformed addresses are rejected with a message that quotes them", () => {
  const cases: Array<[string, RegExp]> = [
    ["::nope", /^Invalid address '::nope': expected host:port/],
    ["localhost:", /^Invalid address 'localhost:': port '' is not a number/],
    ["localhost:99999", /^Invalid address 'localhost:99999': port '99999'/],
    ["localhost:0", /port '0'/],
    ["localhost:72x3", /port '72x3'/],
    ["", /^Invalid address '': expected host:port/],
    ["grpc://localhost:7233", /^Invalid address 'grpc:\/\/localhost:7233'/],
    ["localhost:7233/api", /without a path/],
    ["[::1:7233", /must close with '\]'/],
    ["[zz::1]:7233", /'zz::1' is not an IPv6 address/],
    ["bad_host!:7233", /'bad_host!' is not a host name/],
  ];
  for (const [address, message] of cases) {
    assert.throws(() => parseAddress(address), (err: unknown) => {
      assert.ok(err instanceof TypeError, `${address}: expected TypeError`);
      assert.match(err.message, message);
      return true;
    });
  }
});

test("Connection.connect rejects a malformed address before any I/O", async () => {
  // A TypeError from validation (a network failure would be an RPCError), even with a long
  // connectTimeout, and before any timer could run.
  const started = Date.now();
  await assert.rejects(
    Connection.connect({ address: "localhost:port", connectTimeout: "1 minute" }),
    (err: unknown) =>
      err instanceof TypeError && !(err instanceof RPCError) && err.message.includes("'localhost:port'"),
  );
  assert.ok(Date.now() - started < 1_000);
});

test("TLS and address options that contradict each other are rejected before any I/O", async () => {
  await assert.rejects(
    Connection.connect({ address: "http://localhost:7233", tls: true }),
    /Invalid address 'http:\/\/localhost:7233': 'http:\/\/' means plaintext/,
  );
  await assert.rejects(
    Connection.connect({ address: "https://localhost:7233", tls: false }),
    /'https:\/\/' means TLS/,
  );
  await assert.rejects(
    Connection.connect({ address: "localhost:7233", tls: { clientCert: "-----BEGIN CERTIFICATE-----" } }),
    /clientCert and clientPrivateKey must be given together/,
  );
  await assert.rejects(
    Connection.connect({ address: "localhost:7233", tls: { serverRootCACert: "not pem" } }),
    /serverRootCACert: expected PEM/,
  );
  await assert.rejects(Connection.connect({ rpcTimeout: "soon" }), /Invalid duration 'soon'/);
});

test("TLS defaults: on with an API key or https://, off otherwise, explicit tls wins", async () => {
  const lazy = async (options: Parameters<typeof Connection.connect>[0]) => {
    const connection = await Connection.connect({ ...options, lazy: true });
    await connection.close();
    return connection;
  };
  assert.equal((await lazy({})).tls, false);
  assert.equal((await lazy({})).address, "localhost:7233");
  assert.equal((await lazy({ apiKey: "k" })).tls, true);
  assert.equal((await lazy({ apiKey: "k", tls: false })).tls, false);
  assert.equal((await lazy({ address: "https://example.com:443" })).tls, true);
  assert.equal((await lazy({ tls: { serverName: "temporal.internal" } })).tls, true);
});

test("a closed port fails with the address and 'connection refused' within connectTimeout", async () => {
  // Bind and release a port so that nothing listens on it.
  const { createServer } = await import("node:net");
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((resolve) => probe.close(() => resolve()));

  const connectTimeout = 1_500;
  const started = Date.now();
  const error = await Connection.connect({ address: `127.0.0.1:${port}`, connectTimeout }).then(
    () => assert.fail("connect should fail"),
    (err: unknown) => err,
  );
  const elapsed = Date.now() - started;
  assert.ok(error instanceof RPCError, `expected RPCError, got ${String(error)}`);
  assert.equal(error.code, RPCCode.UNAVAILABLE);
  assert.ok(error.message.includes(`'127.0.0.1:${port}'`), error.message);
  assert.ok(error.message.includes("connection refused"), error.message);
  assert.ok(elapsed < connectTimeout + 1_000, `took ${elapsed} ms`);
});

test("a closed port fails within a per-call timeout too", async () => {
  const connection = await Connection.connect({ address: "127.0.0.1:1", lazy: true });
  try {
    const started = Date.now();
    await assert.rejects(
      connection.workflowService.getSystemInfo({}, { timeoutMs: 700 }),
      (err: unknown) => err instanceof RPCError && err.message.includes("connection refused"),
    );
    assert.ok(Date.now() - started < 700 + 1_000);
  } finally {
    await connection.close();
  }
});
