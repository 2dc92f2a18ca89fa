import { test } from "node:test";
import assert from "node:assert/strict";
import {
  ScheduleAlreadyRunningError,
  WorkflowAlreadyStartedError,
  WorkflowContinuedAsNewError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowQueryFailedError,
  WorkflowQueryRejectedError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from "../../common/client_errors.ts";
import { ApplicationFailure } from "../../common/failures.ts";

test("client errors carry a code, a cause, their fields and a brand", () => {
  const cause = ApplicationFailure.create({ message: "boom", type: "Boom" });
  const errors = [
    [
      new WorkflowAlreadyStartedError("taken", { workflowId: "w", workflowType: "t", runId: "r", cause }),
      "WorkflowAlreadyStartedError",
      "WORKFLOW_ALREADY_STARTED",
    ],
    [
      new WorkflowFailedError("failed", { cause, retryState: "NON_RETRYABLE_FAILURE" }),
      "WorkflowFailedError",
      "WORKFLOW_FAILED",
    ],
    [
      new WorkflowContinuedAsNewError("can", { newExecutionRunId: "r2", cause }),
      "WorkflowContinuedAsNewError",
      "WORKFLOW_CONTINUED_AS_NEW",
    ],
    [
      new WorkflowNotFoundError("nf", { workflowId: "w", cause }),
      "WorkflowNotFoundError",
      "WORKFLOW_NOT_FOUND",
    ],
    [
      new WorkflowQueryRejectedError("rej", { status: "COMPLETED", cause }),
      "WorkflowQueryRejectedError",
      "WORKFLOW_QUERY_REJECTED",
    ],
    [new WorkflowQueryFailedError("qf", { cause }), "WorkflowQueryFailedError", "WORKFLOW_QUERY_FAILED"],
    [new WorkflowUpdateFailedError("uf", { cause }), "WorkflowUpdateFailedError", "WORKFLOW_UPDATE_FAILED"],
    [
      new WorkflowUpdateRPCTimeoutOrCancelledError("to", { cause }),
      "WorkflowUpdateRPCTimeoutOrCancelledError",
      "WORKFLOW_UPDATE_RPC_TIMEOUT_OR_CANCELLED",
    ],
    [
      new ScheduleAlreadyRunningError("sched", { scheduleId: "s", cause }),
      "ScheduleAlreadyRunningError",
      "SCHEDULE_ALREADY_RUNNING",
    ],
  ] as const;
  const classes = errors.map(([error]) => error.constructor as abstract new (...args: never[]) => Error);
  for (const [i, [error, name, code]] of errors.entries()) {
    assert.ok(error instanceof Error);
    assert.equal(error.name, name);
    assert.equal(error.code, code);
    assert.equal(error.cause, cause);
    assert.equal((error as unknown as Record<symbol, unknown>)[Symbol.for(`sandglass.${name}`)], true);
    for (const [j, ctor] of classes.entries()) {
      assert.equal(error instanceof ctor, i === j, `${name} vs ${j}`);
    }
  }
  const started = errors[0][0];
  assert.deepEqual([started.workflowId, started.workflowType, started.runId], ["w", "t", "r"]);
  assert.equal(errors[1][0].retryState, "NON_RETRYABLE_FAILURE");
  assert.equal(new WorkflowFailedError("f", { cause }).retryState, "UNSPECIFIED");
  assert.equal(errors[2][0].newExecutionRunId, "r2");
  assert.deepEqual([errors[3][0].workflowId, errors[3][0].runId], ["w", undefined]);
  assert.equal(errors[4][0].status, "COMPLETED");
  assert.equal(errors[8][0].scheduleId, "s");
  assert.equal(new WorkflowQueryFailedError("no cause").cause, undefined);
});

test("a client error from another copy is recognised by its brand", () => {
  const foreign = Object.create(Error.prototype, {
    [Symbol.for("sandglass.WorkflowFailedError")]: { value: true },
  });
  assert.ok(foreign instanceof WorkflowFailedError);
  assert.ok(!(foreign instanceof WorkflowNotFoundError));
});
