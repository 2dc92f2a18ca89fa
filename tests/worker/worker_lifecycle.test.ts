import assert from "node:assert/strict";
import { test } from "node:test";
import { Client } from "../../client/client.ts";
import { RPCCode } from "../../client/rpc_code.ts";
import { RPCError } from "../../client/rpc_error.ts";
import { Worker } from "../../worker/mod.ts";
import { info } from "../../worker/activity/mod.ts";
import { assertReplays } from "../e2e/e2e_support.ts";
import { activityOutcome, activityWorkflowsPath, startWithActivity, testClient } from "./activity_harness.ts";
import { devServer, uniqueId } from "../support/servers.ts";

const helloWorkflows = new URL("../../examples/workflows/hello.ts", import.meta.url);
const activities = { say_hello: (name: string) => `Hello, ${name}!` };

test("run() polls until shutdown(); the state goes INITIALIZED, RUNNING, DRAINING, STOPPED; a worker runs once", async () => {
  const { client } = await testClient();
  try {
    const worker = new Worker(client, { taskQueue: uniqueId("tq"), activities });
    assert.equal(worker.state, "INITIALIZED");
    const running = worker.run();
    assert.equal(worker.state, "RUNNING");
    const stopping = worker.shutdown();
    assert.notEqual(worker.state, "STOPPED");
    await stopping;
    await running;
    assert.equal(worker.state, "STOPPED");
    await assert.rejects(worker.run(), {
      message: /Cannot run the worker of task queue 'tq-[0-9a-f]+': it is stopped; create a new Worker/,
    });
    await worker.shutdown(); // idempotent
  } finally {
    await client.connection.close();
  }
});

test("run({ signal }) stops the worker when the signal aborts", async () => {
  const { client } = await testClient();
  try {
    const worker = new Worker(client, { taskQueue: uniqueId("tq"), activities });
    const controller = new AbortController();
    const running = worker.run({ signal: controller.signal });
    controller.abort();
    await running;
    assert.equal(worker.state, "STOPPED");
  } finally {
    await client.connection.close();
  }
});

test("start() with await using: the worker runs in its scope (here, a class instance's bound method)", async () => {
  await using run = await startWithActivity({
    activityType: "lookup",
    args: ["42"],
    startToCloseTimeout: "10s",
  });
  class Repository {
    readonly prefix = "user";
    lookup(id: string) {
      return `${this.prefix}/${id} (attempt ${info().attempt})`;
    }
  }
  let worker: Worker;
  {
    await using scoped = new Worker(run.client, {
      taskQueue: run.taskQueue,
      workflowsPath: activityWorkflowsPath,
      activities: new Repository(),
    });
    worker = scoped;
    await scoped.start();
    assert.equal(scoped.state, "RUNNING");
    assert.ok((scoped.startupMs ?? -1) >= 0);
    const outcome = await activityOutcome(run);
    assert.deepEqual(outcome.kind === "completed" && outcome.result, "user/42 (attempt 1)");
  }
  assert.equal(worker.state, "STOPPED");
  await assertReplays(run.handle, activityWorkflowsPath);
});

test("runUntil() returns the promise's value, or rejects with its error, and stops the worker either way", async () => {
  const { client } = await testClient();
  try {
    const worker = new Worker(client, { taskQueue: uniqueId("tq"), activities });
    assert.equal(await worker.runUntil(Promise.resolve(7)), 7);
    assert.equal(worker.state, "STOPPED");
    const other = new Worker(client, { taskQueue: uniqueId("tq"), activities });
    await assert.rejects(other.runUntil(() => Promise.reject(new Error("caller failed"))), {
      message: "caller failed",
    });
    assert.equal(other.state, "STOPPED");
  } finally {
    await client.connection.close();
  }
});

test("polling an unknown namespace fails the worker: run() rejects with the RPC error and the state is FAILED", async () => {
  const { address } = await devServer();
  const client = await Client.connect(address, { namespace: uniqueId("no-such-namespace") });
  try {
    const worker = new Worker(client, {
      taskQueue: uniqueId("tq"),
      activities,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    const error = await worker.run().then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof RPCError, `expected an RPCError, got ${String(error)}`);
    assert.equal(error.code, RPCCode.NOT_FOUND);
    assert.equal(worker.state, "FAILED");
  } finally {
    await client.connection.close();
  }
});

test("an unknown workflow type fails the workflow task, not the worker", async () => {
  const { client, namespace } = await testClient();
  try {
    const taskQueue = uniqueId("tq");
    const worker = new Worker(client, {
      taskQueue,
      workflowsPath: helloWorkflows,
      activities,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    const result = await worker.runUntil(async () => {
      const unknown = await client.startWorkflow("NoSuchWorkflow", { id: uniqueId("wf"), taskQueue });
      const failure = await workflowTaskFailure(client, namespace, unknown.workflowId);
      await unknown.terminate("test done");
      assert.match(failure, /NoSuchWorkflow/);
      const hello = await client.startWorkflow("SayHello", {
        args: ["still running"],
        id: uniqueId("wf"),
        taskQueue,
      });
      return { value: await hello.result(), hello };
    });
    assert.equal(result.value, "Hello, still running!");
    assert.equal(worker.state, "STOPPED");
    await assertReplays(result.hello, helloWorkflows);
  } finally {
    await client.connection.close();
  }
});

/** Waits for a WorkflowTaskFailed event in the workflow's history; returns its failure message. */
async function workflowTaskFailure(client: Client, namespace: string, workflowId: string): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const history = await client.connection.workflowService.getWorkflowExecutionHistory({
      namespace,
      execution: { workflowId },
    });
    for (const event of history.history?.events ?? []) {
      if (event.attributes.case === "workflowTaskFailedEventAttributes") {
        return event.attributes.value.failure?.message ?? "";
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`No WorkflowTaskFailed event in workflow '${workflowId}'`);
}

test("a worker with workflows takes eagerly started workflows' first task from the start response", async () => {
  const { client } = await testClient();
  try {
    const taskQueue = uniqueId("tq");
    const dispatcher = client.eagerStart;
    const reserve = dispatcher.reserve.bind(dispatcher);
    let delivered = 0;
    dispatcher.reserve = (queue) => {
      const deliver = reserve(queue);
      return deliver && ((task) => {
        if (task !== undefined) delivered++;
        deliver(task);
      });
    };
    const worker = new Worker(client, { taskQueue, workflowsPath: helloWorkflows, activities });
    await worker.start();
    const handle = await client.startWorkflow("SayHello", {
      args: ["eager"],
      id: uniqueId("wf"),
      taskQueue,
      requestEagerStart: true,
    });
    const result = await handle.result();
    await worker.shutdown();
    assert.equal(result, "Hello, eager!");
    assert.equal(delivered, 1);
    await assertReplays(handle, helloWorkflows);
  } finally {
    await client.connection.close();
  }
});
