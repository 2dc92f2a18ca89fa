import assert from "node:assert/strict";
import { test } from "node:test";
import { runThreadSync, SyncThreadError } from "../../sandbox/sync_thread.ts";

/** Runs `program` and returns the error it ends with and how long the caller waited. */
function failure(program: string, options = {}): { error: SyncThreadError; ms: number } {
  const began = Date.now();
  try {
    runThreadSync("the test thread", program, {}, options);
  } catch (error) {
    assert.ok(error instanceof SyncThreadError, String(error));
    return { error, ms: Date.now() - began };
  }
  assert.fail("the thread replied");
}

test("the caller gets the thread's reply, computed from the data it was given", () => {
  const value = runThreadSync<{ sum: number; label: string }>(
    "the adding thread",
    "await new Promise((resolve) => setTimeout(resolve, 50));\nreply({ sum: workerData.a + workerData.b, label: workerData.label });",
    { a: 2, b: 40, label: "sum" },
  );
  assert.deepEqual(value, { sum: 42, label: "sum" });
});

test("a thread that fails, exits or ends without replying is reported at once, not after the stall limit", () => {
  const cases: [string, RegExp][] = [
    [
      "setTimeout(() => { throw new Error('boom in a callback'); }, 10);\nawait new Promise((r) => setTimeout(r, 60_000));",
      /the test thread failed: .*boom in a callback/s,
    ],
    [
      "setTimeout(() => process.exit(3), 10);\nawait new Promise((r) => setTimeout(r, 60_000));",
      /the test thread exited without replying/,
    ],
    ["const unused = 1;", /the test thread ended without replying/],
    ["reply(() => 'functions cannot be cloned');", /the test thread could not send its reply/],
  ];
  for (const [program, message] of cases) {
    const { error, ms } = failure(program);
    assert.match(error.message, message);
    // The default stall limit is 30 s: these must not come near it.
    assert.ok(ms < 15_000, `reported after ${ms} ms`);
  }
});

test("a thread whose event loop is stuck is given up after the stall limit, one that only waits after the time limit", () => {
  const stuck = failure("for (;;) {}", { stallMs: 1000 });
  assert.match(stuck.error.message, /stopped answering for 1 s/);
  const waiting = failure("await new Promise((r) => setTimeout(r, 60_000));", {
    stallMs: 30_000,
    timeoutMs: 1500,
  });
  assert.match(waiting.error.message, /did not answer within 2 s/);
  assert.ok(waiting.ms < 15_000, `gave up after ${waiting.ms} ms`);
});
