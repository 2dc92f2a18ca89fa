/**
 * Internal: maps RPC errors of workflow calls to the client error classes, and builds the errors
 * that `result()`, `query()` and updates throw.
 *
 * @module
 */

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
} from "../common/client_errors.ts";
import { ApplicationFailure, RetryState, type TemporalFailure } from "../common/failures.ts";
import { rpcRuntime } from "./_rpc_runtime_loader.ts";
import { RPCCode } from "./rpc_code.ts";
import { RPCError } from "./rpc_error.ts";

const RETRY_STATES: readonly RetryState[] = Object.values(RetryState);

/** The name of a retry state number from the wire. */
export function retryStateName(value: number): RetryState {
  return RETRY_STATES[value] ?? "UNSPECIFIED";
}

function runIdText(runId: string | undefined): string {
  return runId ? ` (run '${runId}')` : "";
}

/**
 * The server's refusals of too-large payloads or requests, reworded to say what happened and what
 * to do; other errors are returned as they are. The error stays an `RPCError` with the same code.
 */
export function mapPayloadSizeError(err: unknown): unknown {
  if (!(err instanceof RPCError)) return err;
  const blob = err.code === RPCCode.INVALID_ARGUMENT && /blob data size exceeds limit/i.test(err.message);
  const message = err.code === RPCCode.RESOURCE_EXHAUSTED && /message larger than max/i.test(err.message);
  if (!blob && !message) return err;
  const what = blob
    ? "a payload is larger than the server's blob size limit (2 MiB by default)"
    : "the request is larger than the server's message size limit (4 MiB by default)";
  return new RPCError(
    `Payload too large: ${what}. Server said: '${err.message}'. Store large data elsewhere and pass a reference`,
    err.code,
    { details: err.details, metadata: err.metadata, cause: err },
  );
}

/** NOT_FOUND becomes `WorkflowNotFoundError`; any other error is returned as is. */
export function mapWorkflowError(err: unknown, workflowId: string, runId: string | undefined): unknown {
  err = mapPayloadSizeError(err);
  if (err instanceof RPCError && err.code === RPCCode.NOT_FOUND) {
    return new WorkflowNotFoundError(
      `Workflow '${workflowId}'${runIdText(runId)} not found: ${err.message}`,
      { workflowId, ...(runId ? { runId } : {}), cause: err },
    );
  }
  return err;
}

/** ALREADY_EXISTS on a start becomes `WorkflowAlreadyStartedError` with the running run's id. */
export function mapStartError(err: unknown, workflowId: string, workflowType: string): unknown {
  err = mapPayloadSizeError(err);
  if (err instanceof RPCError && err.code === RPCCode.ALREADY_EXISTS) {
    const runId = err.findDetail(rpcRuntime().WorkflowExecutionAlreadyStartedFailureSchema)?.runId ||
      undefined;
    return new WorkflowAlreadyStartedError(
      `Workflow '${workflowId}' of type '${workflowType}' is already started${runIdText(runId)}: ` +
        "pick another id, or set idConflictPolicy / idReusePolicy",
      { workflowId, workflowType, ...(runId ? { runId } : {}), cause: err },
    );
  }
  return err;
}

/** A query that failed in the workflow (INVALID_ARGUMENT) becomes `WorkflowQueryFailedError`. */
export function mapQueryError(err: unknown, workflowId: string, runId: string | undefined): unknown {
  err = mapPayloadSizeError(err);
  if (err instanceof RPCError && err.code === RPCCode.INVALID_ARGUMENT) {
    return new WorkflowQueryFailedError(err.message, { cause: err });
  }
  return mapWorkflowError(err, workflowId, runId);
}

/** The error for a query the server rejected because of the workflow's status. */
export function queryRejectedError(status: string): WorkflowQueryRejectedError {
  return new WorkflowQueryRejectedError(`Query rejected: the workflow's status is ${status}`, { status });
}

/** A deadline or cancellation of an update call becomes `WorkflowUpdateRPCTimeoutOrCancelledError`. */
export function mapUpdateError(
  err: unknown,
  workflowId: string,
  runId: string | undefined,
  updateId: string,
): unknown {
  if (err instanceof RPCError && (err.code === RPCCode.DEADLINE_EXCEEDED || err.code === RPCCode.CANCELLED)) {
    return new WorkflowUpdateRPCTimeoutOrCancelledError(
      `Update '${updateId}' of workflow '${workflowId}': the call timed out or was cancelled (the update itself may still run)`,
      { cause: err },
    );
  }
  return mapWorkflowError(err, workflowId, runId);
}

/** The error an update failed or was rejected with. */
export function updateFailedError(
  cause: Error,
  ids: { workflowId: string; runId: string; updateId: string; updateName: string | undefined },
): WorkflowUpdateFailedError {
  const name = ids.updateName === undefined ? "" : ` '${ids.updateName}'`;
  return new WorkflowUpdateFailedError(
    `Update${name} (id '${ids.updateId}') of workflow '${ids.workflowId}' failed: ${cause.message}`,
    { cause },
  );
}

/** The error of a workflow that closed other than by completing. */
export function workflowFailedError(
  message: string,
  cause: TemporalFailure | undefined,
  retryState: number,
): WorkflowFailedError {
  return new WorkflowFailedError(message, {
    cause: cause ?? new ApplicationFailure("The workflow failed without a failure in its history"),
    retryState: retryStateName(retryState),
  });
}

/** The error of `result({ followRuns: false })` when the run continued as new. */
export function continuedAsNewError(newExecutionRunId: string): WorkflowContinuedAsNewError {
  return new WorkflowContinuedAsNewError(
    `Workflow continued as new with run '${newExecutionRunId}'; call result() with followRuns: true to follow it`,
    { newExecutionRunId },
  );
}

/** ALREADY_EXISTS on a schedule creation becomes `ScheduleAlreadyRunningError`. */
export function mapScheduleCreateError(err: unknown, scheduleId: string): unknown {
  if (err instanceof RPCError && err.code === RPCCode.ALREADY_EXISTS) {
    return new ScheduleAlreadyRunningError(`Schedule '${scheduleId}' already exists: pick another id`, {
      scheduleId,
      cause: err,
    });
  }
  return err;
}
