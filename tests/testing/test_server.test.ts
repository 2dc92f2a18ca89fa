import { test } from "node:test";
import assert from "node:assert/strict";
import { access } from "node:fs/promises";
import { dirname } from "node:path";
import { create } from "@bufbuild/protobuf";
import { type Client, createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { durationFromMs, timestampMs } from "@bufbuild/protobuf/wkt";
import { TestService } from "../../gen/temporal/api/testservice/v1/service_pb.ts";
import { SleepRequestSchema } from "../../gen/temporal/api/testservice/v1/request_response_pb.ts";
import { WorkflowService } from "../../gen/temporal/api/workflowservice/v1/service_pb.ts";
import { GetSystemInfoRequestSchema } from "../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import { startTestServer, type TestServer } from "../../testing/mod.ts";
import { isRunning, runFixture, waitUntilGone } from "./_helpers.ts";

const slow = { timeout: 120_000 };
const HOUR_MS = 3_600_000;
const anHour = () => create(SleepRequestSchema, { duration: durationFromMs(HOUR_MS) });

/** Runs `fn` with a TestService client, then stops the server and checks its process is gone. */
async function withTestService(
  server: TestServer,
  fn: (
    client: Client<typeof TestService>,
    baseUrl: string,
    sessionManager: Http2SessionManager,
  ) => Promise<void>,
): Promise<void> {
  const baseUrl = `http://${server.address}`;
  const sessionManager = new Http2SessionManager(baseUrl);
  try {
    await fn(
      createClient(TestService, createGrpcTransport({ baseUrl, sessionManager })),
      baseUrl,
      sessionManager,
    );
  } finally {
    sessionManager.abort();
    await server.stop();
  }
  assert.equal(await isRunning(server.pid), false, "no process is left after stop");
}

/** Server time and wall time that `step` takes, in milliseconds. */
async function elapsed(client: Client<typeof TestService>, step: () => Promise<unknown>) {
  const before = await client.getCurrentTime({});
  const wallBefore = Date.now();
  await step();
  const wall = Date.now() - wallBefore;
  const after = await client.getCurrentTime({});
  assert.ok(before.time && after.time, "GetCurrentTime returns a time");
  return { server: timestampMs(after.time) - timestampMs(before.time), wall };
}

test("startTestServer skips time: an hour of server time passes in far less wall time", slow, async () => {
  const server = await startTestServer();
  assert.match(server.address, /^127\.0\.0\.1:\d+$/);
  assert.ok(await isRunning(server.pid));
  await withTestService(server, async (client, baseUrl, sessionManager) => {
    // Started with --enable-time-skipping: nothing is pending, so a sleep jumps ahead.
    const slept = await elapsed(client, () => client.sleep(anHour()));
    assert.ok(slept.server >= HOUR_MS, `server time advanced ${slept.server} ms`);
    assert.ok(slept.wall < 60_000, `wall time advanced ${slept.wall} ms`);

    // A locked clock fast-forwards through UnlockTimeSkippingWithSleep, which re-locks at the end.
    await client.lockTimeSkipping({});
    const unlocked = await elapsed(client, () => client.unlockTimeSkippingWithSleep(anHour()));
    await client.unlockTimeSkipping({});
    assert.ok(unlocked.server >= HOUR_MS, `server time advanced ${unlocked.server} ms`);
    assert.ok(unlocked.wall < 60_000, `wall time advanced ${unlocked.wall} ms`);

    // The same address serves the WorkflowService.
    const workflow = createClient(WorkflowService, createGrpcTransport({ baseUrl, sessionManager }));
    await workflow.getSystemInfo(create(GetSystemInfoRequestSchema));
  });
});

test("startTestServer with timeSkipping false starts locked, as the official SDKs run it", slow, async () => {
  const server = await startTestServer({ timeSkipping: false });
  await withTestService(server, async (client) => {
    // Locked once at start: this unlock brings the counter to 0 and fast-forwards an hour.
    const unlocked = await elapsed(client, () => client.unlockTimeSkippingWithSleep(anHour()));
    assert.ok(unlocked.server >= HOUR_MS, `server time advanced ${unlocked.server} ms`);
    assert.ok(unlocked.wall < 60_000, `wall time advanced ${unlocked.wall} ms`);
  });
});

test("a test server left running is killed when its process ends normally", slow, async () => {
  const { pid, logFile } = await runFixture("test", "exit");
  assert.ok(await waitUntilGone(pid), `test server ${pid} outlived its process`);
  await assert.rejects(access(dirname(logFile)), "its temporary log folder is removed");
});
