import assert from "node:assert/strict";
import { test } from "node:test";
import { createPrng, uuid4From } from "../../sandbox/workflow/internal/prng.ts";
import {
  command,
  createRun,
  kinds,
  only,
  payload,
  result,
  start,
  START_TIME,
  startJob,
  value,
} from "./harness.ts";

test("workflowInfo, now, uuid4 and random come from the start job and the activation", async () => {
  const { run, completion } = await start("utilities", [], {
    memo: { fields: { owner: payload("ops") } },
    searchAttributes: { indexedFields: { CustomKeyword: payload("k1") } },
    parent: { namespace: "default", workflowId: "p", runId: "pr" },
    lastCompletionResult: [payload("previous")],
    attempt: 2,
  });
  const info = result(completion) as Record<string, unknown>;
  const random = createPrng("1234567890123");
  const expectedUuid = uuid4From(random);
  assert.deepEqual(info, {
    workflowId: "wf-1",
    runId: run.runId,
    workflowType: "utilities",
    namespace: "default",
    taskQueue: "tq",
    attempt: 2,
    memo: { owner: "ops" },
    searchAttributes: { CustomKeyword: "k1" },
    startTime: new Date(START_TIME).toISOString(),
    now: new Date(START_TIME).toISOString(),
    uuid: expectedUuid,
    random: random(),
    parent: { namespace: "default", workflowId: "p", runId: "pr" },
    lastResult: "previous",
  });
});

test("time and randomness are the same on replay and follow the activation timestamp", async () => {
  const first = await start("timeAndRandom");
  first.run.now = START_TIME + 1000;
  const a = result(await first.run.activate([{ kind: "fireTimer", seq: 1 }]));
  const replay = await createRun();
  await replay.activate([startJob("timeAndRandom")], { isReplaying: true });
  replay.now = START_TIME + 1000;
  const b = result(await replay.activate([{ kind: "fireTimer", seq: 1 }], { isReplaying: true }));
  assert.deepEqual(a, b);
  assert.equal((a as { second: { now: number } }).second.now, START_TIME + 1000);
});

test("updateRandomSeed changes the random sequence", async () => {
  const run = await createRun();
  await run.activate([startJob("timeAndRandom")]);
  const reseeded = await run.activate([{ kind: "updateRandomSeed", randomnessSeed: "99" }, {
    kind: "fireTimer",
    seq: 1,
  }]);
  const second = (result(reseeded) as { second: { random: number } }).second.random;
  assert.equal(second, createPrng("99")());
});

test("the PRNG is deterministic per seed and yields floats in [0, 1)", () => {
  const a = createPrng("42");
  const b = createPrng("42");
  const c = createPrng("43");
  const xs = Array.from({ length: 1000 }, () => a());
  assert.deepEqual(xs.slice(0, 5), Array.from({ length: 5 }, () => b()));
  assert.notEqual(xs[0], c());
  assert.ok(xs.every((x) => x >= 0 && x < 1));
  assert.ok(new Set(xs).size > 990);
});

test("log records carry the workflow's ids and nothing is logged while replaying", async () => {
  const run = await createRun();
  await run.activate([startJob("replayLogging")], { isReplaying: true });
  assert.equal(run.logs.length, 0);
  await run.activate([{ kind: "fireTimer", seq: 1 }]);
  assert.equal(run.logs.length, 1);
  const record = run.logs[0]!;
  assert.equal(record.level, "WARN");
  assert.equal(record.message, "second task");
  assert.deepEqual(record.attrs, {
    namespace: "default",
    taskQueue: "tq",
    workflowId: "wf-1",
    runId: run.runId,
    workflowType: "replayLogging",
  });
});

test("patched records a marker when not replaying; deprecatePatch records a deprecated one", async () => {
  const { run, completion } = await start("patching");
  assert.deepEqual(completion.commands.slice(0, 2), [
    { kind: "setPatchMarker", patchId: "v2", deprecated: false },
    { kind: "setPatchMarker", patchId: "old-fix", deprecated: true },
  ]);
  assert.equal(result(await run.activate([{ kind: "fireTimer", seq: 1 }])), "true/true");
});

test("on replay, patched is true only if history has the marker", async () => {
  const withMarker = await createRun();
  const a = await withMarker.activate([startJob("patching"), { kind: "notifyHasPatch", patchId: "v2" }], {
    isReplaying: true,
  });
  assert.deepEqual(kinds(a), ["setPatchMarker", "startTimer"]);
  assert.equal(
    result(await withMarker.activate([{ kind: "fireTimer", seq: 1 }], { isReplaying: true })),
    "true/true",
  );
  const without = await createRun();
  const b = await without.activate([startJob("patching")], { isReplaying: true });
  assert.deepEqual(kinds(b), ["startTimer"]);
  assert.equal(
    result(await without.activate([{ kind: "fireTimer", seq: 1 }], { isReplaying: true })),
    "false/false",
  );
});

test("upsertSearchAttributes and upsertMemo emit commands and update workflowInfo", async () => {
  const { completion } = await start("upserts");
  const sa = command(completion, "upsertSearchAttributes").searchAttributes.indexedFields ?? {};
  assert.equal(value(sa["CustomKeyword"]), "abc");
  assert.equal(value(sa["CustomIntField"]), 3);
  assert.equal(sa["Removed"]?.metadata?.["encoding"], btoa("binary/null"));
  const memo = command(completion, "modifyWorkflowProperties").upsertedMemo.fields ?? {};
  assert.equal(value(memo["note"]), "hi");
  assert.equal(memo["gone"]?.metadata?.["encoding"], btoa("binary/null"));
  assert.deepEqual(value(command(completion, "completeWorkflow").result), {
    searchAttributes: { CustomKeyword: "abc", CustomIntField: 3 },
    memo: { note: "hi" },
  });
});

test("queries run on the run's state without affecting it, even mid-activation ordering", async () => {
  const { run } = await start("approval");
  const completion = await run.activate([
    { kind: "queryWorkflow", queryId: "q1", queryType: "status", args: [payload("")] },
    { kind: "signalWorkflow", signalName: "approve", args: [payload("Zed")] },
  ]);
  // Signals are applied before queries (core's order), so the query sees the signal.
  assert.equal(
    completion.queryResults?.[0]?.status === "succeeded"
      ? value(completion.queryResults[0].result)
      : undefined,
    "Zed:0",
  );
  assert.equal(value(only(completion, "completeWorkflow").result), "approved by Zed with limit 0");
});
