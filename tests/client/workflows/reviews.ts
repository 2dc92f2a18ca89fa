/**
 * The workflow of the Client's async activity tests (bundled by the worker; the test imports it
 * only for its name and types). Its `approve` activities complete asynchronously: the test
 * completes, fails or cancels them through the Client's async activity handles.
 */
import {
  ActivityFailure,
  type ActivityOptions,
  ApplicationFailure,
  CancellationScope,
  executeActivity,
  isCancellation,
} from "../../../sandbox/workflow/mod.ts";

type Approve = (request: string) => Promise<unknown>;

const options: ActivityOptions = {
  startToCloseTimeout: "60s",
  heartbeatTimeout: "60s",
  retry: { maximumAttempts: 1 },
};

function approve(activityId: string, extra: ActivityOptions = {}): Promise<unknown> {
  return executeActivity<Approve>("approve", { ...options, ...extra, activityId, args: [activityId] });
}

function describe(error: unknown): string {
  if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure) {
    return `${error.cause.type}: ${error.cause.message}`;
  }
  return `unexpected: ${String(error)}`;
}

/**
 * Schedules three reviews at once (`a-complete`, `a-fail`, `a-cancel`); once the first two have
 * ended it cancels the third and waits for the activity to confirm; returns what it saw.
 */
export async function reviews(): Promise<{ approval: unknown; rejection: string; cancelled: boolean }> {
  const approval = approve("a-complete");
  const rejection = approve("a-fail").then(() => "not rejected", describe);
  const scope = new CancellationScope();
  const cancelled = scope
    .run(() => approve("a-cancel", { cancellationType: "WAIT_CANCELLATION_COMPLETED" }))
    .then(() => false, isCancellation);
  const result = { approval: await approval, rejection: await rejection, cancelled: false };
  scope.cancel();
  result.cancelled = await cancelled;
  return result;
}
