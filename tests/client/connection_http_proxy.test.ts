/**
 * HTTP CONNECT proxies: calls to the real dev server go through a small CONNECT proxy written
 * here (test infrastructure only; the Temporal server is real), with and without Basic auth.
 */
import assert from "node:assert/strict";
import { Buffer } from "node:buffer";
import { mkdtemp, rm } from "node:fs/promises";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Client } from "../../client/client.ts";
import { Connection } from "../../client/connection.ts";
import { RPCCode } from "../../client/rpc_code.ts";
import { RPCError } from "../../client/rpc_error.ts";
import { WorkflowExecutionStatus } from "../../client/workflow_execution.ts";
import { makeTestCertificates } from "../support/certs.ts";
import { startGrpcTlsProxy } from "../support/nginx.ts";
import { devServer, uniqueId } from "../support/servers.ts";

interface TestProxy {
  /** `host:port` of the proxy. */
  address: string;
  /** TCP connections accepted. */
  connections: number;
  /** Each CONNECT request: its target and its Proxy-Authorization header. */
  requests: Array<{ target: string; authorization: string | undefined }>;
  /** Tunnels opened to the target. */
  tunnels: number;
  /** Client connections currently open. */
  open: number;
  stop(): Promise<void>;
}

/**
 * A CONNECT proxy that tunnels to the requested target, or answers every request with `refuse`,
 * or (`"silent"`) never answers.
 */
async function startProxy(refuse?: string): Promise<TestProxy> {
  const sockets = new Set<Socket>();
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
  };
  const proxy: TestProxy = {
    address: "",
    connections: 0,
    requests: [],
    tunnels: 0,
    open: 0,
    stop: () => Promise.resolve(),
  };
  const server: Server = createServer((client) => {
    proxy.connections++;
    proxy.open++;
    client.on("close", () => proxy.open--);
    track(client);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) return;
      client.off("data", onData);
      client.pause();
      const lines = head.subarray(0, end).toString("latin1").split("\r\n");
      const target = /^CONNECT (\S+) HTTP\/1\.1$/.exec(lines[0] ?? "")?.[1] ?? "";
      const authLine = lines.find((line) => /^proxy-authorization:/i.test(line));
      proxy.requests.push({ target, authorization: authLine?.replace(/^[^:]*:\s*/, "") });
      if (refuse === "silent") return;
      if (refuse !== undefined) {
        client.end(`${refuse}\r\nContent-Length: 0\r\n\r\n`);
        return;
      }
      const colon = target.lastIndexOf(":");
      const upstream = connect({ host: target.slice(0, colon), port: Number(target.slice(colon + 1)) });
      track(upstream);
      upstream.on("connect", () => {
        proxy.tunnels++;
        client.write("HTTP/1.1 200 Connection established\r\n\r\n");
        const rest = head.subarray(end + 4);
        if (rest.length > 0) upstream.write(rest);
        client.pipe(upstream);
        upstream.pipe(client);
        client.resume();
      });
      upstream.on("close", () => client.destroy());
      client.on("close", () => upstream.destroy());
    };
    client.on("data", onData);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  proxy.address = `127.0.0.1:${port}`;
  proxy.stop = () =>
    new Promise<void>((resolve) => {
      for (const socket of sockets) socket.destroy();
      server.close(() => resolve());
    });
  return proxy;
}

test("a client reaches the real dev server through an HTTP CONNECT proxy with Basic auth", async () => {
  const { address, namespace } = await devServer();
  const proxy = await startProxy();
  try {
    const client = await Client.connect(address, {
      namespace,
      httpConnectProxy: { targetHost: proxy.address, basicAuth: { username: "ada", password: "s3cret:pw" } },
    });
    try {
      const info = await client.workflowService.getSystemInfo({});
      assert.ok(info.serverVersion, "the server answered GetSystemInfo through the tunnel");
      const handle = await client.startWorkflow("httpProxyProbe", {
        id: uniqueId("http-proxy"),
        taskQueue: uniqueId("http-proxy-tq"),
      });
      try {
        const description = await handle.describe();
        assert.equal(description.workflowId, handle.workflowId);
        assert.equal(description.status, WorkflowExecutionStatus.RUNNING);
      } finally {
        await handle.terminate("http proxy test done");
      }
    } finally {
      await client.connection.close();
    }
    // One HTTP/2 connection, so one tunnel, asked for the server's address with the credentials.
    assert.equal(proxy.tunnels, 1);
    assert.deepEqual(proxy.requests, [{
      target: address,
      authorization: `Basic ${Buffer.from("ada:s3cret:pw").toString("base64")}`,
    }]);
  } finally {
    await proxy.stop();
  }
});

test("TLS runs end to end through the tunnel, verified with the server's CA and name", async () => {
  const { address } = await devServer();
  const dir = await mkdtemp(join(tmpdir(), "sandglass-http-proxy-"));
  const proxy = await startProxy();
  try {
    const certs = await makeTestCertificates(dir, {
      serverNames: ["temporal.test"],
      serverIps: ["127.0.0.1"],
    });
    // A real TLS terminator (nginx) in front of the dev server; the CONNECT proxy only sees bytes.
    await using tlsServer = await startGrpcTlsProxy({ upstream: address, certs, dir });
    await using connection = await Connection.connect({
      address: tlsServer.tlsAddress,
      tls: { serverRootCACert: certs.ca.cert, serverName: "temporal.test" },
      httpConnectProxy: { targetHost: proxy.address },
    });
    assert.equal(connection.tls, true);
    assert.ok((await connection.workflowService.getSystemInfo({})).serverVersion);
    assert.deepEqual(proxy.requests, [{ target: tlsServer.tlsAddress, authorization: undefined }]);
    assert.ok((await tlsServer.accessLog()).some((entry) => entry.path.endsWith("/GetSystemInfo")));
  } finally {
    await proxy.stop();
    await rm(dir, { recursive: true, force: true });
  }
});

test("a Connection without credentials sends no Proxy-Authorization header", async () => {
  const { address } = await devServer();
  const proxy = await startProxy();
  try {
    await using connection = await Connection.connect({
      address,
      httpConnectProxy: { targetHost: proxy.address },
    });
    assert.equal(connection.connected, true);
    assert.deepEqual(proxy.requests, [{ target: address, authorization: undefined }]);
  } finally {
    await proxy.stop();
  }
});

test("a proxy that answers 407 fails the connect with an error quoting its status line", async () => {
  const { address } = await devServer();
  const proxy = await startProxy("HTTP/1.1 407 Proxy Authentication Required");
  try {
    await assert.rejects(
      Connection.connect({ address, httpConnectProxy: { targetHost: proxy.address } }),
      (error: unknown) => {
        assert.ok(error instanceof RPCError);
        assert.equal(error.code, RPCCode.UNAUTHENTICATED);
        assert.match(
          error.message,
          new RegExp(`proxy at '${proxy.address}' refused the tunnel to '${address}'`),
        );
        assert.match(error.message, /'HTTP\/1\.1 407 Proxy Authentication Required'/);
        assert.match(error.message, /set httpConnectProxy\.basicAuth/);
        return true;
      },
    );
    // Not retried: the same request would get the same answer.
    assert.equal(proxy.requests.length, 1);
    assert.equal(proxy.tunnels, 0);
  } finally {
    await proxy.stop();
  }
});

test("a call through a proxy that never answers fails at its deadline, and close() ends the attempt", async () => {
  const { address } = await devServer();
  const proxy = await startProxy("silent");
  try {
    const connection = await Connection.connect({
      address,
      lazy: true,
      httpConnectProxy: { targetHost: proxy.address },
    });
    await assert.rejects(
      connection.workflowService.getSystemInfo({}, { timeoutMs: 300 }),
      (error: unknown) => error instanceof RPCError && error.code === RPCCode.DEADLINE_EXCEEDED,
    );
    assert.equal(proxy.requests.length, 1);
    assert.equal(proxy.open, 1);
    await connection.close();
    // The half-open tunnel is closed by close(), not left to the proxy.
    for (let i = 0; proxy.open > 0 && i < 200; i++) await new Promise((resolve) => setTimeout(resolve, 10));
    assert.equal(proxy.open, 0);
  } finally {
    await proxy.stop();
  }
});

test("a malformed httpConnectProxy option is rejected before any I/O", async () => {
  const { address } = await devServer();
  const proxy = await startProxy();
  try {
    const bad: Array<[unknown, RegExp]> = [
      ["127.0.0.1:3128", /Invalid httpConnectProxy '127\.0\.0\.1:3128': expected \{ targetHost/],
      [{ targetHost: `http://${proxy.address}` }, /targetHost 'http:\/\/127\.0\.0\.1:\d+'.*without a scheme/],
      [{ targetHost: "127.0.0.1" }, /targetHost '127\.0\.0\.1': the proxy's port is missing/],
      [{ targetHost: "proxy host:1" }, /targetHost 'proxy host:1'/],
      [{ targetHost: proxy.address, basicAuth: { username: "a:b", password: "x" } }, /username 'a:b'/],
      [{ targetHost: proxy.address, basicAuth: { username: "a", password: 7 } }, /basicAuth password/],
    ];
    for (const [httpConnectProxy, message] of bad) {
      await assert.rejects(
        Client.connect(address, { httpConnectProxy } as never),
        (error: unknown) => error instanceof TypeError && message.test(error.message),
        String(JSON.stringify(httpConnectProxy)),
      );
    }
    assert.equal(proxy.connections, 0);
  } finally {
    await proxy.stop();
  }
});
