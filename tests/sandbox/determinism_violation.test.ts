import { test } from "node:test";
import assert from "node:assert/strict";
import { bundleWorkflows, stopBundler } from "../../sandbox/bundler.ts";
import { DeterminismViolationError } from "../../sandbox/mod.ts";
import { DeterminismViolationError as WorkflowDeterminismViolationError } from "../../sandbox/workflow/mod.ts";
import { createWorkflowHost } from "../../sandbox/host.ts";
import { resultOf, startActivation } from "./fixtures/activations.ts";

const WORKFLOWS = new URL("./fixtures/violation_workflows.ts", import.meta.url);

test("the sandbox and sandglass/workflow export one DeterminismViolationError class", () => {
  assert.equal(DeterminismViolationError, WorkflowDeterminismViolationError);
  const error = new DeterminismViolationError("Used Math.random directly");
  assert.ok(error instanceof Error);
  assert.equal(error.name, "DeterminismViolationError");
  // A copy of the class elsewhere (the isolate's prelude, another bundle) recognises it by brand.
  const copy = Object.create(Error.prototype) as object;
  Object.defineProperty(copy, Symbol.for("sandglass.DeterminismViolationError"), { value: true });
  assert.ok(copy instanceof DeterminismViolationError);
  assert.ok(!(new Error("plain") instanceof DeterminismViolationError));
});

test("the prelude's violation errors are instances of the workflow API's class and fail the task", async () => {
  const bundle = await bundleWorkflows(WORKFLOWS);
  const host = await createWorkflowHost({ bundle });
  try {
    const caught = resultOf(await host.activate(startActivation("caught", "catchViolation")));
    assert.deepEqual(caught, {
      threw: true,
      instanceOf: true,
      sameClass: false,
      name: "DeterminismViolationError",
      ownBrandFalse: true,
    });
    const uncaught = await host.activate(startActivation("uncaught", "uncaughtViolation"));
    assert.deepEqual(uncaught.commands, [], "a violation fails the task, not the workflow");
    assert.match(uncaught.failure?.message ?? "", /setTimeout needs a function, got string/);
  } finally {
    host.dispose();
    await stopBundler();
  }
});
