import assert from "node:assert/strict";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { pathToFileURL } from "node:url";
import { Client } from "../../client/client.ts";
import { TaskQueueKind, TaskQueueType } from "../../gen/temporal/api/enums/v1/task_queue_pb.ts";
import { Worker, WorkflowBundleError } from "../../worker/mod.ts";
import { assertReplays } from "../e2e/e2e_support.ts";
import { devServer, uniqueId } from "../support/servers.ts";

const fixture = (name: string) => new URL(`./fixtures/${name}.ts`, import.meta.url);
const quiet = { debug() {}, info() {}, warn() {}, error() {} };

/** A client that never connects: what these constructors check needs no server. */
async function lazyClient(): Promise<Client> {
  return await Client.connect("127.0.0.1:1", { lazy: true });
}

/** The pollers the server has seen on a workflow task queue. */
async function workflowPollers(client: Client, taskQueue: string): Promise<number> {
  const response = await client.workflowService.describeTaskQueue({
    namespace: client.namespace,
    taskQueue: { name: taskQueue, kind: TaskQueueKind.NORMAL },
    taskQueueType: TaskQueueType.WORKFLOW,
  });
  return response.pollers.length;
}

test("two exports of one workflow type are a TypeError at construction that names both exports", async () => {
  const client = await lazyClient();
  try {
    const workflowsPath = fixture("duplicate_workflow_names");
    assert.throws(() => new Worker(client, { taskQueue: "q", workflowsPath }), {
      name: "TypeError",
      message: `Invalid workflowsPath '${workflowsPath.href}': Workflow type 'Checkout' is defined twice, ` +
        "by the exports 'Checkout' and 'CheckoutV2': give one of them another name " +
        "(@workflow.defn({ name: '...' }) on a class, another export name for a function)",
    });
  } finally {
    await client.connection.close();
  }
});

test("two dynamic workflows are a TypeError at construction", async () => {
  const client = await lazyClient();
  try {
    assert.throws(
      () => new Worker(client, { taskQueue: "q", workflowsPath: fixture("duplicate_dynamic_workflows") }),
      {
        name: "TypeError",
        message:
          /: The dynamic workflow is defined twice, by the exports 'AnyTypeA' and 'AnyTypeB': export one dynamic workflow class$/,
      },
    );
  } finally {
    await client.connection.close();
  }
});

test("a workflows module that cannot be bundled is a WorkflowBundleError at construction", async () => {
  const client = await lazyClient();
  try {
    assert.throws(
      () => new Worker(client, { taskQueue: "q", workflowsPath: fixture("no_such_module") }),
      (error: unknown) => {
        assert.ok(
          error instanceof WorkflowBundleError,
          `expected a WorkflowBundleError, got ${String(error)}`,
        );
        assert.equal(error.problems.length, 1);
        assert.match(error.problems[0]!, /Could not resolve ".*no_such_module\.ts"/);
        return true;
      },
    );
  } finally {
    await client.connection.close();
  }
});

test("the worker runs the code bundled at construction, even if the file changes before run()", async () => {
  const { address, namespace } = await devServer();
  const client = await Client.connect(address, { namespace });
  const dir = await mkdtemp(join(tmpdir(), "sandglass-worker-bundle-"));
  try {
    const file = join(dir, "workflows.ts");
    const v1 = `export async function Version(): Promise<string> {\n  return "v1";\n}\n`;
    await writeFile(file, v1);
    const workflowsPath = pathToFileURL(file);
    const taskQueue = uniqueId("tq");
    const worker = new Worker(client, { taskQueue, workflowsPath, logger: quiet });
    await writeFile(file, v1.replace('"v1"', '"v2"'));
    const handle = await client.startWorkflow("Version", { id: uniqueId("wf"), taskQueue });
    assert.equal(await worker.runUntil(handle.result()), "v1");
    await writeFile(file, v1);
    await assertReplays(handle, workflowsPath);
  } finally {
    await client.connection.close();
    await rm(dir, { recursive: true, force: true });
  }
});

test("two exports of one workflow type are found by loading the module in the sandbox, with its globals", async () => {
  const client = await lazyClient();
  try {
    // The module's top level uses `crypto`, which the sandbox provides: the check runs there.
    const workflowsPath = fixture("duplicate_names_sandbox_globals");
    assert.throws(() => new Worker(client, { taskQueue: "q", workflowsPath, logger: quiet }), {
      name: "TypeError",
      message: `Invalid workflowsPath '${workflowsPath.href}': Workflow type 'Refund' is defined twice, ` +
        "by the exports 'Refund' and 'RefundV2': give one of them another name " +
        "(@workflow.defn({ name: '...' }) on a class, another export name for a function)",
    });
  } finally {
    await client.connection.close();
  }
});

test("a workflows module that throws while loading fails start() before any poll, naming the error", async () => {
  const { address, namespace } = await devServer();
  const client = await Client.connect(address, { namespace });
  try {
    const taskQueue = uniqueId("tq");
    const workflowsPath = fixture("throws_while_loading");
    const worker = new Worker(client, { taskQueue, workflowsPath, logger: quiet });
    await assert.rejects(worker.start(), {
      message: `Cannot load the workflows module '${workflowsPath.href}' in the sandbox: ` +
        "No region configured for the workflows; every workflow task would fail, so the worker does not start",
    });
    await assert.rejects(worker.shutdown(), { message: /No region configured for the workflows/ });
    assert.equal(worker.state, "FAILED");
    assert.equal(await workflowPollers(client, taskQueue), 0);
  } finally {
    await client.connection.close();
  }
});
