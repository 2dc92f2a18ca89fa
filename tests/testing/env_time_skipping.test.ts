import { test } from "node:test";
import assert from "node:assert/strict";
import process from "node:process";
import { WorkflowNotFoundError } from "../../common/client_errors.ts";
import { EventType } from "../../gen/temporal/api/enums/v1/event_type_pb.ts";
import type { ClientInterceptor } from "../../client/interceptors.ts";
import type { WorkflowHandle } from "../../client/workflow_handle.ts";
import { WorkflowEnvironment } from "../../testing/mod.ts";
import { Worker } from "../../worker/mod.ts";
import { assertReplays } from "../e2e/e2e_support.ts";
import { uniqueId } from "../support/servers.ts";

// One time-skipping server for this file, started by the first test and stopped by the last.
// Its clock is global to the server, so this file does not share it with other files.
const slow = { timeout: 120_000 };
const WORKFLOWS = new URL("./fixtures/env_workflows.ts", import.meta.url);
const DAY_MS = 24 * 60 * 60 * 1000;
const seenCalls: string[] = [];
const recorder: ClientInterceptor = {
  fetchWorkflowHistoryEvents(input, next) {
    seenCalls.push(`fetchWorkflowHistoryEvents:${input.eventFilterType}`);
    return next(input);
  },
};
let started: Promise<WorkflowEnvironment> | undefined;

function environment(): Promise<WorkflowEnvironment> {
  started ??= WorkflowEnvironment.startTimeSkipping({ client: { interceptors: [recorder] } });
  return started;
}

/** Runs `fn` with a worker of the fixture workflows on a fresh task queue. */
async function withWorker<R>(env: WorkflowEnvironment, fn: (taskQueue: string) => Promise<R>): Promise<R> {
  const taskQueue = uniqueId("ts");
  await using worker = new Worker(env.client, { taskQueue, workflowsPath: WORKFLOWS });
  await worker.start();
  return await fn(taskQueue);
}

/** Waits until the workflow's history has an event of `type` (the worker has processed the task). */
async function waitForEvent(handle: WorkflowHandle, type: EventType): Promise<void> {
  for (let i = 0; i < 200; i++) {
    for await (const event of handle.fetchHistoryEvents()) if (event.eventType === type) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`No event of type ${type} in the history of '${handle.workflowId}'`);
}

test(
  "the signal workflow returns 'got signal' when signalled (its 45 s timeout does not fire meanwhile)",
  slow,
  async () => {
    const env = await environment();
    assert.equal(env.supportsTimeSkipping, true);
    assert.equal(env.namespace, "default");
    const handle = await withWorker(env, async (taskQueue) => {
      const handle = await env.client.startWorkflow("signalOrTimeout", { id: uniqueId("wf"), taskQueue });
      await waitForEvent(handle, EventType.TIMER_STARTED);
      await handle.signal("someSignal");
      assert.equal(await handle.result(), "got signal");
      return handle;
    });
    await assertReplays(handle, WORKFLOWS);
  },
);

test(
  "a workflow that sleeps 24 hours completes in under 2 s of wall time, and the server clock moved a day",
  slow,
  async () => {
    const env = await environment();
    const before = await env.getCurrentTime();
    const workflowId = uniqueId("wf");
    const { result, wallMs } = await withWorker(env, async (taskQueue) => {
      const began = performance.now();
      const result = await env.client.executeWorkflow("waitADay", { id: workflowId, taskQueue });
      return { result, wallMs: performance.now() - began };
    });
    const after = await env.getCurrentTime();
    assert.equal(result, "all done");
    assert.ok(wallMs < 2_000, `took ${Math.round(wallMs)} ms of wall time`);
    assert.ok(
      after.getTime() - before.getTime() >= DAY_MS,
      `the clock moved ${after.getTime() - before.getTime()} ms`,
    );
    // The environment's interceptor sits after the user's, which still sees the result's long poll.
    assert.ok(seenCalls.includes("fetchWorkflowHistoryEvents:CLOSE_EVENT"));
    await assertReplays(env.client.getWorkflowHandle(workflowId), WORKFLOWS);
  },
);

test("the signal workflow returns 'got timeout' after env.sleep(50 s)", slow, async () => {
  const env = await environment();
  const handle = await withWorker(env, async (taskQueue) => {
    const handle = await env.client.startWorkflow("signalOrTimeout", { id: uniqueId("wf"), taskQueue });
    await waitForEvent(handle, EventType.TIMER_STARTED);
    await env.sleep(50_000);
    await waitForEvent(handle, EventType.TIMER_FIRED);
    assert.equal(await env.withAutoTimeSkippingDisabled(() => handle.result()), "got timeout");
    return handle;
  });
  await assertReplays(handle, WORKFLOWS);
});

test(
  "getCurrentTime moves with env.sleep, and workflows see the skipped time in Date.now()",
  slow,
  async () => {
    const env = await environment();
    const t0 = await env.getCurrentTime();
    await env.sleep("1 hour");
    const t1 = await env.getCurrentTime();
    const moved = t1.getTime() - t0.getTime();
    assert.ok(moved >= 3_600_000 && moved < 3_600_000 + 60_000, `the clock moved ${moved} ms`);

    const workflowId = uniqueId("wf");
    const [inside, afterSleep] = await withWorker(
      env,
      (taskQueue) =>
        env.client.executeWorkflow("clockAroundSleep", { args: [6 * 3_600_000], id: workflowId, taskQueue }),
    ) as [number, number];
    assert.ok(inside >= t1.getTime(), "the workflow starts at or after the environment's time");
    assert.ok(afterSleep - inside >= 6 * 3_600_000, `the workflow's clock moved ${afterSleep - inside} ms`);
    const t2 = await env.getCurrentTime();
    assert.ok(t2.getTime() >= afterSleep);
    await assertReplays(env.client.getWorkflowHandle(workflowId), WORKFLOWS);
  },
);

test("the clock stays locked while nobody waits and inside withAutoTimeSkippingDisabled", slow, async () => {
  const env = await environment();
  await withWorker(env, async (taskQueue) => {
    const handle = await env.client.startWorkflow("waitADay", { id: uniqueId("wf"), taskQueue });
    try {
      await waitForEvent(handle, EventType.TIMER_STARTED);
      const before = await env.getCurrentTime();
      let settled = false;
      const abort = new AbortController();
      const waiting = env.withAutoTimeSkippingDisabled(async () => {
        assert.equal(env.autoTimeSkipping, false);
        try {
          return await handle.result({ signal: abort.signal });
        } finally {
          settled = true;
        }
      });
      assert.equal(env.autoTimeSkipping, false);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const after = await env.getCurrentTime();
      assert.equal(settled, false, "a day-long timer fired although skipping was disabled");
      assert.ok(
        after.getTime() - before.getTime() < 60 * 60_000,
        `the clock moved ${after.getTime() - before.getTime()} ms`,
      );
      abort.abort();
      await assert.rejects(waiting);
      assert.equal(env.autoTimeSkipping, true);
      // Outside the scope, waiting skips the day again: the lock count was left balanced.
      assert.equal(await handle.result(), "all done");
      await assertReplays(handle, WORKFLOWS);
    } finally {
      await handle.terminate().catch(() => {});
    }
  });
});

test(
  "a failed wait leaves the lock balanced, and sleep rejects a bad duration before any call",
  slow,
  async () => {
    const env = await environment();
    await assert.rejects(env.client.getWorkflowHandle(uniqueId("missing")).result(), WorkflowNotFoundError);
    await assert.rejects(env.sleep("5 fortnights"), {
      name: "TypeError",
      message: /Invalid duration '5 fortnights'/,
    });
    const workflowId = uniqueId("wf");
    const result = await withWorker(
      env,
      (taskQueue) => env.client.executeWorkflow("waitADay", { id: workflowId, taskQueue }),
    );
    assert.equal(result, "all done");
    await assertReplays(env.client.getWorkflowHandle(workflowId), WORKFLOWS);
  },
);

test("teardown closes the client and stops the server; a second teardown does nothing", slow, async () => {
  const env = await environment();
  const pid = env.server?.pid;
  assert.equal(typeof pid, "number");
  await env.teardown();
  await env.teardown();
  assert.throws(() => process.kill(pid!, 0), { code: "ESRCH" });
  await assert.rejects(env.getCurrentTime());
});
