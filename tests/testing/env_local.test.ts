import { test } from "node:test";
import process from "node:process";
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "../../client/client.ts";
import { WorkflowExecutionStatus } from "../../client/workflow_execution.ts";
import { WorkflowEnvironment } from "../../testing/mod.ts";
import { Worker } from "../../worker/mod.ts";
import { assertReplays } from "../e2e/e2e_support.ts";
import { devServer, uniqueId } from "../support/servers.ts";

const slow = { timeout: 180_000 };
const WORKFLOWS = new URL("./fixtures/env_workflows.ts", import.meta.url);

/**
 * Starts `signalOrTimeout` on a worker of `env.client`, signals it, checks that it returns
 * "got signal", and replays its history with the worker's workflows.
 */
async function assertSignalledRun(env: WorkflowEnvironment, workflowId: string): Promise<void> {
  const taskQueue = uniqueId("local");
  await using worker = new Worker(env.client, { taskQueue, workflowsPath: WORKFLOWS });
  await worker.start();
  const handle = await env.client.startWorkflow("signalOrTimeout", { id: workflowId, taskQueue });
  await handle.signal("someSignal");
  assert.equal(await handle.result(), "got signal");
  await assertReplays(handle, WORKFLOWS);
}

test(
  "startLocal runs a dev server with the namespace, search attributes, dynamic config, UI and db file asked for",
  slow,
  async () => {
    const folder = mkdtempSync(join(tmpdir(), "sandglass-env-local-"));
    const dbFilename = join(folder, "temporal.db");
    const namespace = "sandglass-env-local";
    const workflowId = uniqueId("wf");
    try {
      {
        await using env = await WorkflowEnvironment.startLocal({
          server: {
            namespace,
            searchAttributes: { EnvLocalKeyword: "Keyword" },
            dynamicConfig: { "limit.maxIDLength": 150 },
            ui: true,
            dbFilename,
          },
        });
        assert.equal(env.namespace, namespace);
        assert.equal(env.supportsTimeSkipping, false);
        assert.equal(env.autoTimeSkipping, false);

        const { customAttributes } = await env.client.operatorService.listSearchAttributes({ namespace });
        assert.ok("EnvLocalKeyword" in customAttributes, "the search attribute is registered");

        await assert.rejects(
          env.client.startWorkflow("signalOrTimeout", { id: "x".repeat(151), taskQueue: "unused" }),
          /length|long|exceed/i,
          "the dynamic config limit on id length applies",
        );

        const uiAddress = env.server !== undefined && "uiAddress" in env.server
          ? env.server.uiAddress
          : undefined;
        assert.ok(uiAddress, "the environment reports the UI address");
        const page = await fetch(`http://${uiAddress}/`);
        await page.text();
        assert.equal(page.status, 200);

        await assertSignalledRun(env, workflowId);
      }
      assert.ok(existsSync(dbFilename), "the server wrote its database file");

      // A second server on the same file still knows the workflow.
      await using again = await WorkflowEnvironment.startLocal({ server: { namespace, dbFilename } });
      const reloaded = again.client.getWorkflowHandle(workflowId);
      assert.equal((await reloaded.describe()).status, WorkflowExecutionStatus.COMPLETED);
      await assertReplays(reloaded, WORKFLOWS); // the history read back from the file is whole
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  },
);

test("startLocal passes client options through, and teardown stops the server", slow, async () => {
  const identity = `env-local-${uniqueId("id")}`;
  const env = await WorkflowEnvironment.startLocal({ client: { identity } });
  const pid = env.server?.pid;
  try {
    assert.equal(env.namespace, "default");
    assert.equal(env.client.identity, identity);
  } finally {
    await env.teardown();
  }
  assert.throws(() => process.kill(pid!, 0), { code: "ESRCH" });
});

test(
  "fromClient wraps an existing client: wall-clock time, no skipping, and teardown leaves the client open",
  slow,
  async () => {
    const { address, namespace } = await devServer();
    const client = await Client.connect(address, { namespace });
    try {
      const env = WorkflowEnvironment.fromClient(client);
      assert.equal(env.client, client);
      assert.equal(env.server, undefined);
      assert.equal(env.supportsTimeSkipping, false);

      const before = Date.now();
      const now = await env.getCurrentTime();
      assert.ok(Math.abs(now.getTime() - before) < 1_000);
      await env.sleep("50ms");
      assert.ok(Date.now() - before >= 50);
      assert.equal(await env.withAutoTimeSkippingDisabled(() => 42), 42);

      await assertSignalledRun(env, uniqueId("wf"));
      await env.teardown();
      const described = await client.workflowService.describeNamespace({ namespace });
      assert.equal(described.namespaceInfo?.name, namespace);
    } finally {
      await client.connection.close();
    }
    assert.throws(() => WorkflowEnvironment.fromClient({} as Client), {
      name: "TypeError",
      message: /Invalid client/,
    });
  },
);
