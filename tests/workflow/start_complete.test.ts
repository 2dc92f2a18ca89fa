import assert from "node:assert/strict";
import { test } from "node:test";
import { createRun, error, kinds, only, payload, result, start, startJob } from "./harness.ts";

test("a function workflow completes with its return value", async () => {
  const { run, completion } = await start("hello", ["Ada"]);
  assert.equal(completion.runId, run.runId);
  assert.equal(completion.failure, undefined);
  assert.equal(result(completion), "Hello, Ada!");
});

test("an ApplicationFailure fails the workflow with its type, details and non-retryable flag", async () => {
  const { completion } = await start("failsWithApplicationFailure");
  const failed = only(completion, "failWorkflow");
  assert.equal(failed.failure.message, "Card declined");
  assert.equal(failed.failure.applicationFailureInfo?.type, "CardDeclined");
  assert.equal(failed.failure.applicationFailureInfo?.nonRetryable, true);
  const err = error(failed.failure) as Error & { details?: unknown[] };
  assert.deepEqual(err.details, [42]);
});

test("any other error thrown by the workflow fails the workflow task, so a fixed deployment can retry it", async () => {
  const { completion } = await start("failsWithPlainError");
  assert.deepEqual(completion.commands, []);
  assert.equal(completion.failure?.message, "Bad input");
  assert.equal(completion.failure?.applicationFailureInfo?.type, "TypeError");
});

test("a DeterminismViolationError fails the workflow task, not the workflow", async () => {
  const { completion } = await start("violatesDeterminism");
  assert.deepEqual(completion.commands, []);
  assert.match(completion.failure?.message ?? "", /Used something nondeterministic/);
});

test("an unknown workflow type fails the task with the registered types named", async () => {
  const run = await createRun("minimal");
  const completion = await run.activate([startJob("noSuchWorkflow")]);
  assert.deepEqual(completion.commands, []);
  assert.match(completion.failure?.message ?? "", /Workflow type 'noSuchWorkflow' is not registered/);
  assert.match(completion.failure?.message ?? "", /'hello'/);
});

test("a class workflow runs its @workflow.run method under its defined name, after its init hook", async () => {
  const { run, completion } = await start("Greeting", ["Bob"]);
  assert.deepEqual(kinds(completion), []);
  const done = await run.activate([{ kind: "signalWorkflow", signalName: "finish", args: [] }]);
  assert.equal(result(done), "Hello, Bob (Bob, init 1)");
});

test("a class workflow without a name is registered under its class name", async () => {
  const { completion } = await start("PlainClassWorkflow", [21]);
  assert.equal(result(completion), 42);
});

test("a dynamic workflow class runs for unregistered workflow types", async () => {
  const { completion } = await start("AnythingElse", [1, "two"]);
  assert.equal(result(completion), "AnythingElse(1,two)");
});

test("signals delivered with the start job reach class handlers before the run method", async () => {
  const run = await createRun();
  const completion = await run.activate([
    startJob("Greeting", ["Cy"]),
    { kind: "signalWorkflow", signalName: "set-greeting", args: [payload("Hi")] },
    { kind: "signalWorkflow", signalName: "finish", args: [] },
  ]);
  assert.equal(result(completion), "Hi, Cy (Cy, init 1)");
});

test("a removeFromCache activation produces no commands", async () => {
  const { run } = await start("cancellable");
  const completion = await run.activate([{ kind: "removeFromCache", message: "cache full" }]);
  assert.deepEqual(completion.commands, []);
  assert.equal(completion.failure, undefined);
});
