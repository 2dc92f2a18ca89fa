import assert from "node:assert/strict";
import { test } from "node:test";
import { kinds, only, payload, result, start, value } from "./harness.ts";

const approve = { kind: "signalWorkflow" as const, signalName: "approve", args: [payload("x")] };

test("condition with a timeout resolves true when met, and cancels its timer", async () => {
  const { run, completion } = await start("conditionTimeout", [60_000]);
  assert.deepEqual(completion.commands, [{ kind: "startTimer", seq: 1, durationMs: 60_000 }]);
  const done = await run.activate([approve]);
  assert.deepEqual(kinds(done), ["cancelTimer", "completeWorkflow"]);
  assert.equal(
    value(done.commands[1]?.kind === "completeWorkflow" ? done.commands[1].result : undefined),
    "met",
  );
});

test("condition with a timeout resolves false when the timer fires first", async () => {
  const { run } = await start("conditionTimeout", [1000]);
  const done = await run.activate([{ kind: "fireTimer", seq: 1 }]);
  assert.equal(result(done), "timed out");
});

test("continueAsNew ends the run with a continueAsNew command of the same type and task queue", async () => {
  const { completion } = await start("counter", [1]);
  const can = only(completion, "continueAsNew");
  assert.equal(can.workflowType, "counter");
  assert.equal(can.taskQueue, "tq");
  assert.deepEqual(can.args.map(value), [2]);
});

test("makeContinueAsNewFunc carries every option", async () => {
  const { completion } = await start("continueElsewhere");
  const can = only(completion, "continueAsNew");
  assert.deepEqual(
    {
      ...can,
      args: can.args.map(value),
      memo: { a: value(can.memo?.["a"]) },
      searchAttributes: value(can.searchAttributes?.indexedFields?.["CustomKeyword"]),
    },
    {
      kind: "continueAsNew",
      workflowType: "counter",
      taskQueue: "other-tq",
      args: [7],
      workflowRunTimeoutMs: 3_600_000,
      workflowTaskTimeoutMs: 10_000,
      memo: { a: 1 },
      searchAttributes: "x",
      retryPolicy: { maximumAttempts: 2 },
      backoffStartIntervalMs: 60_000,
    },
  );
});

test("a run that reached its last iteration completes instead of continuing", async () => {
  const { completion } = await start("counter", [3]);
  assert.equal(result(completion), 3);
});
