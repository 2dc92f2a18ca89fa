import assert from "node:assert/strict";
import { test } from "node:test";
import { command, createRun, kinds, only, result, start, START_TIME, startJob } from "./harness.ts";

test("sleep starts a durable timer with seq 1 and resolves when it fires, with workflow time advanced", async () => {
  const { run, completion } = await start("sleeper", [1500]);
  assert.deepEqual(only(completion, "startTimer"), { kind: "startTimer", seq: 1, durationMs: 1500 });
  run.now = START_TIME + 1500;
  const done = await run.activate([{ kind: "fireTimer", seq: 1 }]);
  assert.equal(result(done), 1500);
});

test("timers take duration strings, count seq per kind and carry a summary", async () => {
  const { run, completion } = await start("twoTimers");
  assert.deepEqual(kinds(completion), ["startTimer", "startTimer"]);
  assert.equal(command(completion, "startTimer", 0).durationMs, 1000);
  const second = command(completion, "startTimer", 1);
  assert.equal(second.seq, 2);
  assert.equal(second.durationMs, 2000);
  assert.ok(second.summary?.data);
  assert.deepEqual(kinds(await run.activate([{ kind: "fireTimer", seq: 2 }])), []);
  assert.equal(result(await run.activate([{ kind: "fireTimer", seq: 1 }])), "done");
});

test("cancelling a timer's scope emits cancelTimer and rejects the sleep with a cancellation", async () => {
  const { completion } = await start("cancelledTimer");
  assert.deepEqual(kinds(completion), ["startTimer", "cancelTimer", "completeWorkflow"]);
  assert.equal(command(completion, "cancelTimer").seq, 1);
  assert.equal(result({ ...completion, commands: completion.commands.slice(2) }), "cancelled");
});

test("the deterministic setTimeout and clearTimeout are durable timers", async () => {
  const run = await createRun();
  await run.activate([startJob("cancellable")]);
  if (run.runtime === undefined) {
    // Through the isolate the same sources are the globals: a workflow exercises them.
    const timers = await createRun();
    const started = await timers.activate([startJob("globalTimers")]);
    assert.deepEqual(started.commands, [
      { kind: "startTimer", seq: 1, durationMs: 250 },
      { kind: "startTimer", seq: 2, durationMs: 500 },
      { kind: "cancelTimer", seq: 2 },
    ]);
    assert.deepEqual(result(await timers.activate([{ kind: "fireTimer", seq: 1 }])), ["a", 1]);
    return;
  }
  let fired: unknown[] = [];
  const id = run.runtime.deterministic.setTimeout(
    (...args: unknown[]) => {
      fired = args;
    },
    250,
    "a",
    1,
  );
  const other = run.runtime.deterministic.setTimeout(() => {
    fired = ["wrong"];
  }, 500);
  run.runtime.deterministic.clearTimeout(other);
  const completion = await run.activate([]);
  assert.deepEqual(completion.commands, [
    { kind: "startTimer", seq: id, durationMs: 250 },
    { kind: "startTimer", seq: other, durationMs: 500 },
    { kind: "cancelTimer", seq: other },
  ]);
  await run.activate([{ kind: "fireTimer", seq: id }]);
  assert.deepEqual(fired, ["a", 1]);
});

test("a timer that fires in the activation it was cancelled in is ignored", async () => {
  const { run } = await start("cancellable");
  const cancel = await run.activate([{ kind: "cancelWorkflow", reason: "stop" }, {
    kind: "fireTimer",
    seq: 1,
  }]);
  assert.deepEqual(kinds(cancel), ["cancelTimer", "cancelWorkflow"]);
});
