import { test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "../../client/client.ts";
import { CancelledFailure } from "../../common/failures.ts";
import {
  activityContext,
  cancellationReason,
  cancellationSignal,
  cancelled,
  client,
  heartbeat,
  inActivity,
  info,
  sleep,
  workerShutdownSignal,
} from "../../worker/activity/mod.ts";
import { ActivityEnvironment, defaultActivityInfo } from "../../testing/mod.ts";

/** An activity in the style of the guide: resumes from heartbeat details, heartbeats each step. */
async function countTo(limit: number): Promise<number> {
  let n = (info().heartbeatDetails[0] as number | undefined) ?? 0;
  while (n < limit) {
    await sleep(1);
    n++;
    heartbeat(n);
  }
  return n;
}

test("run() passes the arguments and returns the result; info() is the default info with overrides", async () => {
  const env = new ActivityEnvironment({ info: { activityType: "countTo", attempt: 3 } });
  const seen = await env.run(
    (a: number, b: string) => ({ a, b, info: info(), inside: inActivity() }),
    1,
    "x",
  );
  assert.equal(seen.a, 1);
  assert.equal(seen.b, "x");
  assert.equal(seen.inside, true);
  assert.equal(seen.info.activityType, "countTo");
  assert.equal(seen.info.attempt, 3);
  assert.equal(seen.info.activityId, defaultActivityInfo().activityId);
  assert.deepEqual(seen.info.workflowExecution, { workflowId: "test", runId: "test-run" });
  assert.equal(inActivity(), false);
  assert.throws(() => info(), /Not in an activity/);
});

test("info is settable between runs, and each run keeps the info it started with across awaits", async () => {
  const env = new ActivityEnvironment();
  env.info = { ...env.info, attempt: 1, heartbeatDetails: [7] };
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const first = env.run(async () => {
    await gate;
    return [info().attempt, info().heartbeatDetails];
  });
  env.info = { ...env.info, attempt: 2, heartbeatDetails: [] };
  const second = env.run(() => info().attempt);
  release();
  assert.deepEqual(await first, [1, [7]]);
  assert.equal(await second, 2);
  assert.equal(await env.run(countTo, 10), 10);
});

test("heartbeat() details reach onHeartbeat, in order, whether set in the options or later", async () => {
  const fromOptions: unknown[][] = [];
  const env = new ActivityEnvironment({ onHeartbeat: (details) => fromOptions.push(details) });
  await env.run(countTo, 3);
  assert.deepEqual(fromOptions, [[1], [2], [3]]);

  const later: unknown[][] = [];
  env.onHeartbeat = (details) => later.push(details);
  env.info = { ...env.info, heartbeatDetails: [1] };
  await env.run(async () => {
    heartbeat("a", { b: 2 });
    await countTo(3);
  });
  assert.deepEqual(later, [["a", { b: 2 }], [2], [3]]);
});

test("cancel() fires the cancellation signal of a running activity; cancelled() and sleep() reject with a CancelledFailure", async () => {
  const env = new ActivityEnvironment();
  env.onHeartbeat = (details) => {
    if (details[0] === "ready") env.cancel();
  };
  const observed: { aborted: boolean; reason: string | undefined }[] = [];
  const running = env.run(async () => {
    const signal = cancellationSignal();
    observed.push({ aborted: signal.aborted, reason: cancellationReason() });
    const sleeping = sleep(60_000);
    heartbeat("ready");
    await assert.rejects(sleeping, CancelledFailure);
    observed.push({ aborted: signal.aborted, reason: cancellationReason() });
    await cancelled();
  });
  await assert.rejects(running, CancelledFailure);
  assert.deepEqual(observed, [{ aborted: false, reason: undefined }, { aborted: true, reason: "CANCELLED" }]);
  assert.equal(env.isCancelled, true);
  // A cancelled environment starts later runs cancelled.
  await assert.rejects(env.run(() => cancelled()), CancelledFailure);
});

test("cancel(reason) reports the reason; a second cancel keeps the first; an unknown reason is rejected", () => {
  const env = new ActivityEnvironment();
  assert.throws(() => env.cancel("BORED" as never), {
    name: "TypeError",
    message: /Invalid cancellation reason 'BORED'/,
  });
  assert.equal(env.isCancelled, false);
  env.cancel("NOT_FOUND");
  env.cancel("PAUSED");
  const reason = env.run(() => {
    const signal = activityContext().cancellationSignal;
    return { reason: cancellationReason(), error: signal.reason };
  });
  assert.equal(reason.reason, "NOT_FOUND");
  assert.ok(reason.error instanceof CancelledFailure);
});

test("workerShutdown() fires workerShutdownSignal without cancelling the activity", async () => {
  const env = new ActivityEnvironment();
  const running = env.run(async () => {
    const shutdown = workerShutdownSignal();
    assert.equal(shutdown.aborted, false);
    await new Promise((resolve) => shutdown.addEventListener("abort", resolve, { once: true }));
    return { cancelled: cancellationSignal().aborted, reason: cancellationReason() };
  });
  assert.equal(env.isWorkerShutdown, false);
  env.workerShutdown();
  assert.equal(env.isWorkerShutdown, true);
  assert.deepEqual(await running, { cancelled: false, reason: undefined });
  assert.equal(await env.run(() => workerShutdownSignal().aborted), true);
});

test("client() returns the environment's client, and says what to do when there is none", async () => {
  const env = new ActivityEnvironment();
  assert.throws(() => env.run(() => client()), /has no client/);
  const own = await Client.connect("127.0.0.1:1", { lazy: true });
  try {
    env.client = own;
    assert.equal(env.run(() => client()), own);
    assert.equal(new ActivityEnvironment({ client: own }).run(() => client()), own);
  } finally {
    await own.connection.close();
  }
});

test("run() rejects a value that is not a function", () => {
  const env = new ActivityEnvironment();
  assert.throws(() => env.run("countTo" as never), {
    name: "TypeError",
    message: /Invalid activity 'countTo'/,
  });
});
