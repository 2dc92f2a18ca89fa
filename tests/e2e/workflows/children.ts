/**
 * Workflows of the child and external workflow tests (bundled by the worker, never imported by
 * the host).
 */
import {
  ApplicationFailure,
  CancellationScope,
  CancelledFailure,
  type ChildWorkflowCancellationType,
  ChildWorkflowFailure,
  condition,
  defineSignal,
  executeChild,
  getExternalWorkflowHandle,
  isCancellation,
  type ParentClosePolicy,
  setHandler,
  startChild,
  TimeoutFailure,
  workflowInfo,
} from "../../../sandbox/workflow/mod.ts";

export const go = defineSignal<[string]>("go");
export const finish = defineSignal("finish");

/** Reports what the child sees of its own options. */
export async function childInfo(value: string): Promise<Record<string, unknown>> {
  const info = workflowInfo();
  return {
    value,
    workflowId: info.workflowId,
    taskQueue: info.taskQueue,
    parentWorkflowId: info.parent?.workflowId,
    memo: info.memo,
    searchAttributes: info.searchAttributes,
    executionTimeoutMs: info.executionTimeoutMs,
    runTimeoutMs: info.runTimeoutMs,
    taskTimeoutMs: info.taskTimeoutMs,
    retryMaximumAttempts: info.retryPolicy?.maximumAttempts,
  };
}

/** Runs `childInfo` as a child with every option set. */
export async function parentWithOptions(childId: string, childTaskQueue: string): Promise<unknown> {
  return await executeChild(childInfo, {
    args: ["hi"],
    workflowId: childId,
    taskQueue: childTaskQueue,
    workflowExecutionTimeout: "1 minute",
    workflowRunTimeout: "30s",
    workflowTaskTimeout: "5s",
    retry: { maximumAttempts: 2 },
    memo: { purpose: "options", nested: { n: 1 } },
    searchAttributes: { SandglassKeyword: "child-of-options" },
    parentClosePolicy: "TERMINATE",
    workflowIdReusePolicy: "WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE",
  });
}

/** Waits for the `go` signal and returns its argument. */
export async function childWaitsForSignal(): Promise<string> {
  let value: string | undefined;
  setHandler(go, (v) => {
    value = v;
  });
  await condition(() => value !== undefined);
  return `child got ${value}`;
}

/** Starts `childWaitsForSignal`, signals it through the handle, and returns its result. */
export async function parentSignalsChild(childId: string): Promise<string> {
  const child = await startChild(childWaitsForSignal, { workflowId: childId });
  await child.signal(go, "from parent");
  return await child.result();
}

/** Fails with a non-retryable application failure. */
export async function childFails(): Promise<never> {
  throw ApplicationFailure.create({
    message: "child broke",
    type: "ChildBroke",
    nonRetryable: true,
    details: [7],
  });
}

/** Runs `childFails` and describes the failure it caught. */
export async function parentCatchesChildFailure(childId: string): Promise<Record<string, unknown>> {
  try {
    await executeChild(childFails, { workflowId: childId });
    return { caught: false };
  } catch (error) {
    if (!(error instanceof ChildWorkflowFailure)) throw error;
    const cause = error.cause;
    return {
      caught: true,
      childWorkflowId: error.execution.workflowId,
      childRunIdSet: error.execution.runId !== "",
      workflowType: error.workflowType,
      causeIsApplicationFailure: cause instanceof ApplicationFailure,
      causeType: cause instanceof ApplicationFailure ? cause.type : undefined,
      causeMessage: cause?.message,
      causeDetails: cause instanceof ApplicationFailure ? cause.details : undefined,
    };
  }
}

/** Runs `childFails` without catching: the parent fails with the ChildWorkflowFailure. */
export async function parentFailsWithChild(childId: string): Promise<void> {
  await executeChild(childFails, { workflowId: childId });
}

/** Waits forever (until cancelled or terminated). */
export async function childWaitsForever(): Promise<void> {
  await condition(() => false);
}

/** Fails until its third attempt (workflow retry policy). */
export async function childFlaky(): Promise<number> {
  const { attempt } = workflowInfo();
  if (attempt < 3) throw ApplicationFailure.create({ message: `attempt ${attempt} failed`, type: "Flaky" });
  return attempt;
}

/** Runs `childFlaky` with a retry policy. */
export async function parentRetriesChild(childId: string): Promise<number> {
  return await executeChild(childFlaky, {
    workflowId: childId,
    retry: { maximumAttempts: 3, initialInterval: "100ms", backoffCoefficient: 1 },
  });
}

/** Runs `childWaitsForever` with a short run timeout and reports the timeout. */
export async function parentChildTimesOut(childId: string): Promise<Record<string, unknown>> {
  try {
    await executeChild(childWaitsForever, { workflowId: childId, workflowRunTimeout: "1s" });
    return { timedOut: false };
  } catch (error) {
    if (!(error instanceof ChildWorkflowFailure)) throw error;
    return {
      timedOut: error.cause instanceof TimeoutFailure,
      timeoutType: error.cause instanceof TimeoutFailure ? error.cause.timeoutType : undefined,
    };
  }
}

/** Starts a child in a scope, cancels the scope once it started, and reports how the result settled. */
export async function parentCancelsChild(
  childId: string,
  cancellationType: ChildWorkflowCancellationType,
): Promise<Record<string, unknown>> {
  let started = false;
  const scope = new CancellationScope();
  const result = scope.run(async () => {
    // ABANDON on close: what happens to the child is the cancellation type's doing alone.
    const child = await startChild(childWaitsForever, {
      workflowId: childId,
      cancellationType,
      parentClosePolicy: "ABANDON",
    });
    started = true;
    return await child.result();
  });
  let finished = false;
  setHandler(finish, () => {
    finished = true;
  });
  await condition(() => started);
  scope.cancel();
  let outcome: Record<string, unknown>;
  try {
    await result;
    outcome = { settled: "completed" };
  } catch (error) {
    outcome = {
      settled: "rejected",
      isCancellation: isCancellation(error),
      isChildWorkflowFailure: error instanceof ChildWorkflowFailure,
      causeIsCancelled: error instanceof ChildWorkflowFailure && error.cause instanceof CancelledFailure,
    };
  }
  // The server drops a cancel request whose sender has closed: stay open until the test is done.
  await condition(() => finished);
  return outcome;
}

/** Waits for its child, which waits forever: cancelling this workflow cancels the child. */
export async function parentAwaitsChild(childId: string): Promise<void> {
  await executeChild(childWaitsForever, { workflowId: childId });
}

/** Starts a child with a parent close policy and returns without waiting for it. */
export async function parentLeavesChild(
  childId: string,
  parentClosePolicy: ParentClosePolicy,
): Promise<string> {
  const child = await startChild(childWaitsForever, { workflowId: childId, parentClosePolicy });
  return child.firstExecutionRunId;
}

/** Starts a cron child (abandoned) and returns its first run id. */
export async function parentStartsCronChild(childId: string): Promise<string> {
  const child = await startChild(childInfo, {
    args: ["cron"],
    workflowId: childId,
    cronSchedule: "0 0 1 1 *",
    parentClosePolicy: "ABANDON",
  });
  return child.firstExecutionRunId;
}

/** Tries to start a child whose id is taken; reports the error. */
export async function parentStartsTakenId(
  childId: string,
  reusePolicy?: string,
): Promise<Record<string, unknown>> {
  try {
    await startChild(childInfo, {
      args: ["dup"],
      workflowId: childId,
      ...(reusePolicy === undefined ? {} : { workflowIdReusePolicy: reusePolicy }),
    });
    return { started: true };
  } catch (error) {
    return { started: false, name: (error as Error).name, message: (error as Error).message };
  }
}

// ---- external workflows ----------------------------------------------------------------------

/** Signals another workflow by id (and run id, if given). */
export async function signalsExternal(workflowId: string, runId?: string): Promise<string> {
  await getExternalWorkflowHandle(workflowId, runId).signal(go, "from external");
  return "signalled";
}

/** Requests cancellation of another workflow by id (and run id, if given). */
export async function cancelsExternal(workflowId: string, runId?: string): Promise<string> {
  await getExternalWorkflowHandle(workflowId, runId).cancel();
  return "cancel requested";
}

/** Signals or cancels a workflow that does not exist; reports the error. */
export async function externalMissing(
  workflowId: string,
  action: "signal" | "cancel",
): Promise<Record<string, unknown>> {
  const handle = getExternalWorkflowHandle(workflowId);
  try {
    if (action === "signal") await handle.signal(go, "nobody");
    else await handle.cancel();
    return { failed: false };
  } catch (error) {
    return {
      failed: true,
      isApplicationFailure: error instanceof ApplicationFailure,
      type: error instanceof ApplicationFailure ? error.type : undefined,
      message: (error as Error).message,
    };
  }
}

/** Waits for cancellation; reports that it saw it and ends normally. */
export async function waitsForCancel(): Promise<string> {
  try {
    await condition(() => false);
    return "not cancelled";
  } catch (error) {
    if (isCancellation(error)) return "cancelled and cleaned up";
    throw error;
  }
}
