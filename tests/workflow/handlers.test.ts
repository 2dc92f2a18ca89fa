import assert from "node:assert/strict";
import { test } from "node:test";
import { command, kinds, only, payload, result, start, value } from "./harness.ts";

const signal = (signalName: string, ...args: unknown[]) => ({
  kind: "signalWorkflow" as const,
  signalName,
  args: args.map(payload),
});
const query = (queryType: string, ...args: unknown[]) => ({
  kind: "queryWorkflow" as const,
  queryId: `q-${queryType}`,
  queryType,
  args: args.map(payload),
});
const update = (name: string, id: string, args: unknown[], runValidator = true) => ({
  kind: "doUpdate" as const,
  id,
  protocolInstanceId: `pi-${id}`,
  name,
  args: args.map(payload),
  runValidator,
});

test("a signal runs its handler and unblocks the workflow's condition", async () => {
  const { run, completion } = await start("approval");
  assert.deepEqual(completion.commands, []);
  const done = await run.activate([signal("approve", "Ada")]);
  assert.equal(result(done), "approved by Ada with limit 0");
});

test("queries answer read-only in queryResults, without commands", async () => {
  const { run } = await start("approval");
  const answered = await run.activate([query("status", ">")]);
  assert.deepEqual(answered.commands, []);
  assert.deepEqual(
    answered.queryResults?.map((r) => ({
      ...r,
      result: r.status === "succeeded" ? value(r.result) : undefined,
    })),
    [
      { queryId: "q-status", status: "succeeded", result: ">waiting:0" },
    ],
  );
});

test("an unknown query fails with the registered query names", async () => {
  const { run } = await start("approval");
  const answered = await run.activate([query("nope")]);
  const answer = answered.queryResults?.[0];
  assert.equal(answer?.status, "failed");
  assert.match(
    answer?.status === "failed" ? answer.failure.message ?? "" : "",
    /no handler for query 'nope'; its queries are \['status'\]/,
  );
});

test("a query that issues a command or returns a promise fails, and the workflow is untouched", async () => {
  const { run } = await start("badQuery");
  const answered = await run.activate([query("mutates"), query("async")]);
  assert.deepEqual(answered.commands, []);
  assert.equal(answered.failure, undefined);
  const messages = answered.queryResults?.map((r) => (r.status === "failed" ? r.failure.message : "ok"));
  assert.match(messages?.[0] ?? "", /must not change the workflow: it issued a 'startTimer' command/);
  assert.match(messages?.[1] ?? "", /must be synchronous/);
});

test("an update is validated, accepted, run and completed with its result", async () => {
  const { run } = await start("approval");
  const completion = await run.activate([update("setLimit", "u1", [5])]);
  assert.deepEqual(kinds(completion), ["updateResponse", "updateResponse"]);
  assert.deepEqual(command(completion, "updateResponse", 0), {
    kind: "updateResponse",
    protocolInstanceId: "pi-u1",
    response: { status: "accepted" },
  });
  const completed = command(completion, "updateResponse", 1).response;
  assert.equal(completed.status, "completed");
  assert.equal(completed.status === "completed" ? value(completed.result) : undefined, 10);
  const answered = await run.activate([query("status", "")]);
  assert.equal(
    answered.queryResults?.[0]?.status === "succeeded" ? value(answered.queryResults[0].result) : undefined,
    "waiting:5",
  );
});

test("a validator that throws rejects the update before acceptance", async () => {
  const { run } = await start("approval");
  const completion = await run.activate([update("setLimit", "u2", [-1])]);
  const rejected = only(completion, "updateResponse").response;
  assert.equal(rejected.status, "rejected");
  assert.equal(rejected.status === "rejected" ? rejected.failure.message : "", "Negative limit -1");
});

test("the validator is skipped when the activation says so (replay of an accepted update)", async () => {
  const { run } = await start("approval");
  const completion = await run.activate([update("setLimit", "u3", [-1], false)]);
  assert.deepEqual(
    completion.commands.map((c) => (c.kind === "updateResponse" ? c.response.status : c.kind)),
    ["accepted", "completed"],
  );
});

test("an update without a handler is rejected at the end of the activation", async () => {
  const { run } = await start("approval");
  const completion = await run.activate([update("unknown", "u4", [])]);
  const rejected = only(completion, "updateResponse").response;
  assert.equal(rejected.status, "rejected");
  assert.match(
    rejected.status === "rejected" ? rejected.failure.message ?? "" : "",
    /no handler for update 'unknown'/,
  );
});

test("async update handlers complete later; a handler failure fails only the update", async () => {
  const { run } = await start("asyncUpdate");
  const first = await run.activate([update("slow", "s1", ["abc"]), update("boom", "b1", [])]);
  assert.deepEqual(
    first.commands.map((
      c,
    ) => (c.kind === "updateResponse" ? `${c.protocolInstanceId}:${c.response.status}` : c.kind)),
    ["pi-s1:accepted", "startTimer", "pi-b1:accepted", "pi-b1:failed"],
  );
  const done = await run.activate([{ kind: "fireTimer", seq: 1 }]);
  assert.deepEqual(kinds(done), ["updateResponse", "completeWorkflow"]);
  const completed = command(done, "updateResponse").response;
  assert.equal(completed.status === "completed" ? value(completed.result) : undefined, "ABC");
  assert.equal(value(command(done, "completeWorkflow").result), "finished");
});

test("signals that arrive before their handler is set are buffered and delivered in order", async () => {
  const { run } = await start("lateHandler");
  await run.activate([signal("approve", "first"), signal("approve", "second")]);
  const done = await run.activate([{ kind: "fireTimer", seq: 1 }]);
  assert.deepEqual(result(done), ["first", "second"]);
});

test("default handlers receive signals, queries and updates without their own handler", async () => {
  const { run } = await start("dynamicHandlers");
  const answered = await run.activate([query("anything", 1, 2)]);
  assert.equal(
    answered.queryResults?.[0]?.status === "succeeded" ? value(answered.queryResults[0].result) : undefined,
    "anything?1,2",
  );
  const updated = await run.activate([update("whatever", "d1", ["x"])]);
  const response = command(updated, "updateResponse", 1).response;
  assert.equal(response.status === "completed" ? value(response.result) : undefined, "whatever!x");
  const done = await run.activate([signal("ping", "a", "b")]);
  assert.deepEqual(result(done), ["ping(a,b)"]);
});

test("a signal handler that throws fails the workflow", async () => {
  const { run } = await start("failingSignalHandler");
  const completion = await run.activate([signal("approve", "x")]);
  const failed = command(completion, "failWorkflow");
  assert.equal(failed.failure.message, "Signal handler failed");
  assert.equal(failed.failure.applicationFailureInfo?.type, "SignalError");
});

test("class workflows: decorated signals, queries, updates with validator and a dynamic signal", async () => {
  const { run } = await start("Greeting", ["Dee"]);
  const q = await run.activate([query("current")]);
  assert.equal(
    q.queryResults?.[0]?.status === "succeeded" ? value(q.queryResults[0].result) : undefined,
    "Hello, Dee",
  );
  const rejected = await run.activate([update("rename", "r1", [""])]);
  assert.equal(only(rejected, "updateResponse").response.status, "rejected");
  const renamed = await run.activate([update("rename", "r2", ["Eve"])]);
  const response = command(renamed, "updateResponse", 1).response;
  assert.equal(response.status === "completed" ? value(response.result) : undefined, "renamed to Eve");
  await run.activate([signal("mystery", 1, 2)]);
  const done = await run.activate([signal("finish")]);
  assert.equal(result(done), "mystery:1,2, Dee (Eve, init 1)");
});

test("the metadata query lists the workflow's handlers", async () => {
  const { run } = await start("approval");
  const answered = await run.activate([query("__temporal_workflow_metadata")]);
  const meta = answered.queryResults?.[0]?.status === "succeeded"
    ? value(answered.queryResults[0].result)
    : undefined;
  assert.deepEqual(meta, {
    definition: {
      type: "approval",
      queryDefinitions: [{ name: "status" }],
      signalDefinitions: [{ name: "approve" }],
      updateDefinitions: [{ name: "setLimit" }],
    },
  });
});

test("finishing while a signal handler still runs logs a warning about unfinished handlers", async () => {
  const { run, completion } = await start("unfinishedHandler");
  assert.deepEqual(kinds(completion), ["startTimer"]);
  const done = await run.activate([signal("approve", "x"), { kind: "fireTimer", seq: 1 }]);
  assert.deepEqual(kinds(done), ["startTimer", "completeWorkflow"]);
  assert.ok(run.logs.some((r) => r.level === "WARN" && /still running/.test(r.message)));
});
