import { test } from "node:test";
import assert from "node:assert/strict";
import { access } from "node:fs/promises";
import { createServer } from "node:net";
import { dirname } from "node:path";
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { WorkflowService } from "../../gen/temporal/api/workflowservice/v1/service_pb.ts";
import {
  DescribeNamespaceRequestSchema,
  GetSystemInfoRequestSchema,
} from "../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import { OperatorService } from "../../gen/temporal/api/operatorservice/v1/service_pb.ts";
import { ListSearchAttributesRequestSchema } from "../../gen/temporal/api/operatorservice/v1/request_response_pb.ts";
import { IndexedValueType } from "../../gen/temporal/api/enums/v1/common_pb.ts";
import { startDevServer } from "../../testing/mod.ts";
import { isRunning, runFixture, waitUntilGone } from "./_helpers.ts";

const slow = { timeout: 120_000 };

test(
  "startDevServer starts a dev server that answers GetSystemInfo, and stop leaves no process",
  slow,
  async () => {
    const server = await startDevServer({
      namespace: "sandglass-main",
      extraNamespaces: ["sandglass-other"],
      searchAttributes: { SandglassOrderId: "Keyword", SandglassAmount: "Double" },
    });
    const baseUrl = `http://${server.address}`;
    const sessionManager = new Http2SessionManager(baseUrl);
    try {
      assert.match(server.address, /^127\.0\.0\.1:\d+$/);
      assert.equal(server.namespace, "sandglass-main");
      assert.deepEqual(server.namespaces, ["sandglass-main", "sandglass-other"]);
      assert.equal(server.cli.version, "1.5.1");
      assert.ok(await isRunning(server.pid));
      await access(server.logFile);

      const transport = createGrpcTransport({ baseUrl, sessionManager });
      const workflow = createClient(WorkflowService, transport);
      const info = await workflow.getSystemInfo(create(GetSystemInfoRequestSchema));
      assert.match(info.serverVersion, /^1\.\d+\.\d+/);
      assert.equal(info.capabilities?.sdkMetadata, true);
      for (const namespace of ["default", "sandglass-main", "sandglass-other"]) {
        const described = await workflow.describeNamespace(
          create(DescribeNamespaceRequestSchema, { namespace }),
        );
        assert.equal(described.namespaceInfo?.name, namespace);
      }
      const operator = createClient(OperatorService, transport);
      const attributes = await operator.listSearchAttributes(
        create(ListSearchAttributesRequestSchema, { namespace: "sandglass-main" }),
      );
      assert.equal(attributes.customAttributes["SandglassOrderId"], IndexedValueType.KEYWORD);
      assert.equal(attributes.customAttributes["SandglassAmount"], IndexedValueType.DOUBLE);
    } finally {
      sessionManager.abort();
      await server.stop();
    }
    assert.equal(await isRunning(server.pid), false);
    await assert.rejects(access(dirname(server.logFile)), "the temporary log folder is removed on stop");
    await server.stop(); // a second stop is harmless
  },
);

test("startDevServer supports await using", slow, async () => {
  let pid = 0;
  {
    await using server = await startDevServer();
    pid = server.pid;
    assert.ok(await isRunning(pid));
  }
  assert.equal(await isRunning(pid), false);
});

test("startDevServer reports a server that exits at start with the tail of its log", slow, async () => {
  const error = await startDevServer({ extraArgs: ["--no-such-flag"] }).then(
    () => undefined,
    (e: unknown) => e,
  );
  assert.ok(error instanceof Error);
  assert.match(
    error.message,
    /^The dev server on 127\.0\.0\.1:\d+ exited \(exit code [1-9]\d*\) before it was ready/,
  );
  assert.match(error.message, /Last lines of its log '.*dev-server\.log':\n.*unknown flag: --no-such-flag/s);
});

test("startDevServer on a port that is taken fails with the server's own explanation", slow, async () => {
  // Holds the port; drops the connections the readiness probe makes to it.
  const holder = createServer((socket) => socket.destroy());
  await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
  const { port } = holder.address() as { port: number };
  try {
    await assert.rejects(
      startDevServer({ port }),
      new RegExp(`^Error: The dev server on 127\\.0\\.0\\.1:${port} exited .*address already in use`, "s"),
    );
  } finally {
    await new Promise((resolve) => holder.close(resolve));
  }
});

test("a dev server left running is killed when its process ends normally", slow, async () => {
  const { pid, logFile } = await runFixture("dev", "exit");
  assert.ok(await waitUntilGone(pid), `dev server ${pid} outlived its process`);
  await assert.rejects(access(dirname(logFile)), "its temporary log folder is removed");
});

test("a dev server left running is killed when its process gets SIGTERM", slow, async () => {
  const { pid, logFile } = await runFixture("dev", "signal");
  assert.ok(await waitUntilGone(pid), `dev server ${pid} outlived its process`);
  await assert.rejects(access(dirname(logFile)), "its temporary log folder is removed");
});
