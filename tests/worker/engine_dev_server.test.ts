import { test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "../../client/client.ts";
import { SDK_NAME, SDK_VERSION } from "../../client/version.ts";
import { defaultPayloadConverter } from "../../common/default_payload_converter.ts";
import type { Payload } from "../../gen/temporal/api/common/v1/message_pb.ts";
import type { History } from "../../gen/temporal/api/history/v1/message_pb.ts";
import { TaskQueueKind } from "../../gen/temporal/api/enums/v1/task_queue_pb.ts";
import { bundleWorkflows, stopBundler } from "../../sandbox/bundler.ts";
import { createWorkflowHost } from "../../sandbox/host.ts";
import { createWorkflowEngine, type WorkflowEngine } from "../../worker/workflow/engine.ts";
import { assertReplays } from "../e2e/e2e_support.ts";
import { devServer, uniqueId } from "../support/servers.ts";

const WORKFLOWS = new URL("./fixtures/replay_workflows.ts", import.meta.url);

interface Ctx {
  client: Client;
  taskQueue: string;
  engine: WorkflowEngine;
  errors: unknown[];
}

/**
 * Runs the engine against the dev server with its own pollers (normal and sticky workflow
 * queues) and a minimal activity loop answering `greet`, until `fn` returns.
 */
async function withEngine(fn: (ctx: Ctx) => Promise<void>, maxCachedWorkflows = 100): Promise<void> {
  const { address, namespace } = await devServer();
  const client = await Client.connect(address, { namespace });
  const taskQueue = uniqueId("engine");
  const sticky = uniqueId("engine-sticky");
  const host = await createWorkflowHost({ bundle: await bundleWorkflows(WORKFLOWS) });
  const errors: unknown[] = [];
  const service = client.workflowService;
  const engine = createWorkflowEngine({
    workflowService: service,
    namespace,
    taskQueue,
    stickyTaskQueue: sticky,
    identity: "engine-test",
    sandbox: host,
    maxCachedWorkflows,
    onError: (error) => errors.push(error),
  });
  const abort = new AbortController();
  const options = { signal: abort.signal, retry: false, timeoutMs: 70_000 };
  const workflowLoop = async (queue: { name: string; kind: TaskQueueKind; normalName?: string }) => {
    while (!abort.signal.aborted) {
      try {
        const task = await service.pollWorkflowTaskQueue({
          namespace,
          taskQueue: queue,
          identity: "engine-test",
        }, options);
        if (task.taskToken.length > 0) await engine.processTask(task);
      } catch (error) {
        if (!abort.signal.aborted) errors.push(error);
      }
    }
  };
  const activityLoop = async () => {
    while (!abort.signal.aborted) {
      try {
        const task = await service.pollActivityTaskQueue({
          namespace,
          taskQueue: { name: taskQueue },
          identity: "engine-test",
        }, options);
        if (task.taskToken.length === 0) continue;
        const name = defaultPayloadConverter.fromPayload<string>(task.input!.payloads[0] as Payload);
        await service.respondActivityTaskCompleted({
          namespace,
          taskToken: task.taskToken,
          identity: "engine-test",
          result: { payloads: [defaultPayloadConverter.toPayload(`Hello, ${name}`) as Payload] },
        });
      } catch (error) {
        if (!abort.signal.aborted) errors.push(error);
      }
    }
  };
  const loops = [
    workflowLoop({ name: taskQueue, kind: TaskQueueKind.NORMAL }),
    workflowLoop({ name: sticky, kind: TaskQueueKind.STICKY, normalName: taskQueue }),
    activityLoop(),
  ];
  try {
    await fn({ client, taskQueue, engine, errors });
  } finally {
    abort.abort();
    await Promise.allSettled(loops);
    engine.evictAll();
    host.dispose();
    await stopBundler();
    await client.connection.close();
  }
}

/** The SDK name and version each WorkflowTaskCompleted event of `history` recorded. */
function recordedSdks(history: History): [string, string][] {
  return history.events.flatMap((e) =>
    e.attributes.case === "workflowTaskCompletedEventAttributes"
      ? [[e.attributes.value.sdkMetadata?.sdkName ?? "", e.attributes.value.sdkMetadata?.sdkVersion ?? ""]]
      : []
  );
}

test("dev server: a workflow calling one activity completes with the activity's result", async () => {
  await withEngine(async ({ client, taskQueue, errors }) => {
    const handle = await client.startWorkflow("sayHello", {
      args: ["Ada"],
      id: uniqueId("hello"),
      taskQueue,
    });
    assert.equal(await handle.result(), "Hello, Ada");
    assert.deepEqual(errors, []);
    const history = await assertReplays(handle, WORKFLOWS);
    // The SDK's name and version are recorded by the first task only, as long as they do not change.
    assert.deepEqual(recordedSdks(history), [[SDK_NAME, SDK_VERSION], ["", ""]]);
  });
});

test("dev server: a durable timer fires and the finished run leaves the cache", async () => {
  await withEngine(async ({ client, taskQueue, engine, errors }) => {
    const handle = await client.startWorkflow("sleeper", { args: [50], id: uniqueId("sleep"), taskQueue });
    assert.equal(await handle.result(), "slept");
    assert.equal(engine.cacheSize, 0);
    assert.deepEqual(errors, []);
    await assertReplays(handle, WORKFLOWS);
  });
});

test("dev server: signals change state, queries read it (from the cache and after eviction), then it completes", async () => {
  await withEngine(async ({ client, taskQueue, engine, errors }) => {
    const handle = await client.startWorkflow("summer", { id: uniqueId("sum"), taskQueue });
    await handle.signal("add", 1);
    await handle.signal("add", 2);
    assert.equal(await handle.query("total"), 3);
    assert.equal(engine.cacheSize, 1);
    engine.evictAll();
    assert.equal(engine.cacheSize, 0);
    // A cache miss: the engine replays the full history to answer.
    assert.equal(await handle.query("total"), 3);
    await handle.signal("add", 4);
    await handle.signal("done");
    assert.equal(await handle.result(), 7);
    assert.deepEqual(errors, []);
    await assertReplays(handle, WORKFLOWS);
  });
});

test("dev server: continue-as-new starts new runs until the last one returns", async () => {
  await withEngine(async ({ client, taskQueue, errors }) => {
    const handle = await client.startWorkflow("countdown", { args: [0], id: uniqueId("can"), taskQueue });
    assert.equal(await handle.result(), 3);
    assert.deepEqual(errors, []);
    // The first run (it continued as new) and the last one (it returned).
    await assertReplays(handle, WORKFLOWS);
    await assertReplays(client.getWorkflowHandle(handle.workflowId), WORKFLOWS);
  });
});

test("dev server: cancelling a sleeping workflow cancels it", async () => {
  await withEngine(async ({ client, taskQueue, errors }) => {
    const handle = await client.startWorkflow("sleeper", {
      args: [60_000],
      id: uniqueId("cancel"),
      taskQueue,
    });
    await handle.cancel();
    await assert.rejects(
      handle.result(),
      (e: Error) => /cancel/i.test(`${e.name} ${e.message} ${String(e.cause)}`),
    );
    const description = await handle.describe();
    assert.equal(description.status, "CANCELED");
    assert.ok(errors.every((e) => !(e instanceof Error) || !/nondetermin/i.test(e.message)), String(errors));
    await assertReplays(handle, WORKFLOWS);
  });
});

test("dev server: without a cache every task replays from full history and still completes", async () => {
  await withEngine(async ({ client, taskQueue, engine, errors }) => {
    const handle = await client.startWorkflow("summer", { id: uniqueId("nocache"), taskQueue });
    await handle.signal("add", 5);
    await handle.signal("done");
    assert.equal(await handle.result(), 5);
    assert.equal(engine.cacheSize, 0);
    assert.deepEqual(errors, []);
    const history = await assertReplays(handle, WORKFLOWS);
    // Each task replays from history, which tells it the SDK was recorded already.
    const sdks = recordedSdks(history);
    assert.ok(sdks.length >= 2, `${sdks.length} workflow tasks`);
    assert.deepEqual(sdks, [[SDK_NAME, SDK_VERSION], ...sdks.slice(1).map(() => ["", ""])]);
  }, 0);
});

test("dev server: updates are validated, accepted, run across tasks and completed, also after eviction", async () => {
  await withEngine(async ({ client, taskQueue, engine, errors }) => {
    const handle = await client.startWorkflow("summer", { id: uniqueId("update"), taskQueue });
    assert.equal(await handle.executeUpdate("addAndGet", { args: [10] }), 10);
    await assert.rejects(handle.executeUpdate("addAndGet", { args: [-1] }), /negative/);
    // The rejected update's speculative task left no events: the next signal must still arrive.
    await handle.signal("add", 1);
    assert.equal(await handle.query("total"), 11);
    engine.evictAll();
    // A cache miss: the accepted and completed update replays from history before the new one runs.
    assert.equal(await handle.executeUpdate("addAndGet", { args: [5] }), 16);
    await handle.signal("done");
    assert.equal(await handle.result(), 16);
    assert.deepEqual(errors, []);
    await assertReplays(handle, WORKFLOWS);
  });
});
