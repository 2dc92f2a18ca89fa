import assert from "node:assert/strict";
import { test } from "node:test";
import { ApplicationFailure, CancelledFailure } from "../../common/failures.ts";
import { runInThread } from "../../worker/activity/mod.ts";

const fixture = new URL("./activity_thread_fixture.ts", import.meta.url);

test("runInThread computes in a worker thread while the event loop keeps running", async () => {
  let ticks = 0;
  const timer = setInterval(() => ticks++, 5);
  try {
    const count = await runInThread<number>(fixture, "countPrimes", [200_000]);
    assert.equal(count, 17_984);
    assert.ok(ticks > 0, "timers fired while the thread computed");
  } finally {
    clearInterval(timer);
  }
});

test("runInThread rejects with an ApplicationFailure carrying the thrown error's type, flags and details", async () => {
  const error = await runInThread(fixture, "fails").then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof ApplicationFailure);
  assert.equal(error.message, "bad input");
  assert.equal(error.type, "BadInput");
  assert.equal(error.nonRetryable, true);
  assert.deepEqual(error.details, [{ field: "limit" }]);
});

test("aborting the signal terminates the thread and rejects with the reason", async () => {
  const controller = new AbortController();
  const running = runInThread(fixture, "spinForever", [], { signal: controller.signal });
  setTimeout(() => controller.abort(new CancelledFailure("stop")), 100);
  await assert.rejects(
    running,
    (error: unknown) => error instanceof CancelledFailure && error.message === "stop",
  );
});
