/**
 * Errors the client throws about workflows, queries, updates and schedules (the client throws
 * them; they live in common/ so other packages can recognise them). Each has a `code`, a `cause`
 * and a brand, so `instanceof` works across copies of the package.
 *
 * Pure code: no host APIs.
 *
 * @module
 */

import { defineBrand, hasBrand } from "./brand.ts";
import type { RetryState, TemporalFailure } from "./failures.ts";

/** The `code` of each client error class. */
export const ClientErrorCode = {
  WORKFLOW_ALREADY_STARTED: "WORKFLOW_ALREADY_STARTED",
  WORKFLOW_FAILED: "WORKFLOW_FAILED",
  WORKFLOW_CONTINUED_AS_NEW: "WORKFLOW_CONTINUED_AS_NEW",
  WORKFLOW_NOT_FOUND: "WORKFLOW_NOT_FOUND",
  WORKFLOW_QUERY_REJECTED: "WORKFLOW_QUERY_REJECTED",
  WORKFLOW_QUERY_FAILED: "WORKFLOW_QUERY_FAILED",
  WORKFLOW_UPDATE_FAILED: "WORKFLOW_UPDATE_FAILED",
  WORKFLOW_UPDATE_RPC_TIMEOUT_OR_CANCELLED: "WORKFLOW_UPDATE_RPC_TIMEOUT_OR_CANCELLED",
  SCHEDULE_ALREADY_RUNNING: "SCHEDULE_ALREADY_RUNNING",
} as const;
/** The `code` of a client error. */
export type ClientErrorCode = (typeof ClientErrorCode)[keyof typeof ClientErrorCode];

/** Options of {@linkcode WorkflowAlreadyStartedError}. */
export interface WorkflowAlreadyStartedErrorOptions {
  /** The workflow id that is taken. */
  workflowId: string;
  /** The workflow type the start asked for. */
  workflowType: string;
  /** The run id of the execution that is already running, if the server said. */
  runId?: string;
  /** The underlying error (usually an `RPCError` with code `ALREADY_EXISTS`). */
  cause?: Error;
}

/**
 * Starting a workflow failed because an execution with the same workflow id is running (or the
 * id reuse policy forbids another run).
 *
 * @example
 * ```ts
 * try {
 *   await client.startWorkflow(orderWorkflow, { id: "order-1", taskQueue: "orders" });
 * } catch (err) {
 *   if (err instanceof WorkflowAlreadyStartedError) console.log(err.workflowId, err.runId);
 * }
 * ```
 */
export class WorkflowAlreadyStartedError extends Error {
  readonly code: "WORKFLOW_ALREADY_STARTED" = ClientErrorCode.WORKFLOW_ALREADY_STARTED;
  declare cause: Error | undefined;
  /** The workflow id that is taken. */
  readonly workflowId: string;
  /** The workflow type the start asked for. */
  readonly workflowType: string;
  /** The run id of the execution that is already running, if known. */
  readonly runId: string | undefined;

  constructor(message: string, options: WorkflowAlreadyStartedErrorOptions) {
    super(message);
    this.cause = options.cause;
    this.workflowId = options.workflowId;
    this.workflowType = options.workflowType;
    this.runId = options.runId;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, value);
  }
}
defineBrand(WorkflowAlreadyStartedError, "WorkflowAlreadyStartedError");

/** Options of {@linkcode WorkflowFailedError}. */
export interface WorkflowFailedErrorOptions {
  /** Why the workflow failed: an `ApplicationFailure`, `TerminatedFailure`, `TimeoutFailure`, ... */
  cause: TemporalFailure;
  /** Why the workflow stopped retrying. Default: `"UNSPECIFIED"`. */
  retryState?: RetryState;
}

/**
 * Waiting for a workflow's result found that it failed, was cancelled, terminated or timed out;
 * `cause` says which, with its own cause chain.
 *
 * @example
 * ```ts
 * try {
 *   await handle.result();
 * } catch (err) {
 *   if (err instanceof WorkflowFailedError && err.cause instanceof ApplicationFailure) {
 *     console.log(err.cause.type, err.cause.details);
 *   }
 * }
 * ```
 */
export class WorkflowFailedError extends Error {
  readonly code: "WORKFLOW_FAILED" = ClientErrorCode.WORKFLOW_FAILED;
  declare cause: TemporalFailure;
  /** Why the workflow stopped retrying. */
  readonly retryState: RetryState;

  constructor(message: string, options: WorkflowFailedErrorOptions) {
    super(message);
    this.cause = options.cause;
    this.retryState = options.retryState ?? "UNSPECIFIED";
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, value);
  }
}
defineBrand(WorkflowFailedError, "WorkflowFailedError");

/** Options of {@linkcode WorkflowContinuedAsNewError}. */
export interface WorkflowContinuedAsNewErrorOptions {
  /** The run id of the new run. */
  newExecutionRunId: string;
  /** The underlying error, if any. */
  cause?: Error;
}

/**
 * Waiting for a run's result found that it continued as new, and the caller asked not to follow
 * runs.
 *
 * @example
 * ```ts
 * if (err instanceof WorkflowContinuedAsNewError) handle = client.getWorkflowHandle(id, { runId: err.newExecutionRunId });
 * ```
 */
export class WorkflowContinuedAsNewError extends Error {
  readonly code: "WORKFLOW_CONTINUED_AS_NEW" = ClientErrorCode.WORKFLOW_CONTINUED_AS_NEW;
  declare cause: Error | undefined;
  /** The run id of the new run. */
  readonly newExecutionRunId: string;

  constructor(message: string, options: WorkflowContinuedAsNewErrorOptions) {
    super(message);
    this.cause = options.cause;
    this.newExecutionRunId = options.newExecutionRunId;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, value);
  }
}
defineBrand(WorkflowContinuedAsNewError, "WorkflowContinuedAsNewError");

/** Options of {@linkcode WorkflowNotFoundError}. */
export interface WorkflowNotFoundErrorOptions {
  /** The workflow id asked for. */
  workflowId: string;
  /** The run id asked for, if any. */
  runId?: string;
  /** The underlying error (usually an `RPCError` with code `NOT_FOUND`). */
  cause?: Error;
}

/**
 * The workflow execution does not exist (or its history was deleted after retention).
 *
 * @example
 * ```ts
 * if (err instanceof WorkflowNotFoundError) console.log(`No workflow '${err.workflowId}'`);
 * ```
 */
export class WorkflowNotFoundError extends Error {
  readonly code: "WORKFLOW_NOT_FOUND" = ClientErrorCode.WORKFLOW_NOT_FOUND;
  declare cause: Error | undefined;
  /** The workflow id asked for. */
  readonly workflowId: string;
  /** The run id asked for, if any. */
  readonly runId: string | undefined;

  constructor(message: string, options: WorkflowNotFoundErrorOptions) {
    super(message);
    this.cause = options.cause;
    this.workflowId = options.workflowId;
    this.runId = options.runId;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, value);
  }
}
defineBrand(WorkflowNotFoundError, "WorkflowNotFoundError");

/** Options of {@linkcode WorkflowQueryRejectedError}. */
export interface WorkflowQueryRejectedErrorOptions {
  /** The workflow's status when the query was rejected, e.g. `"COMPLETED"` or `"FAILED"`. */
  status: string;
  /** The underlying error, if any. */
  cause?: Error;
}

/**
 * The server rejected a query because of the workflow's status and the query's reject condition
 * (e.g. `NOT_OPEN` and the workflow has completed).
 *
 * @example
 * ```ts
 * if (err instanceof WorkflowQueryRejectedError) console.log(err.status);
 * ```
 */
export class WorkflowQueryRejectedError extends Error {
  readonly code: "WORKFLOW_QUERY_REJECTED" = ClientErrorCode.WORKFLOW_QUERY_REJECTED;
  declare cause: Error | undefined;
  /** The workflow's status, e.g. `"COMPLETED"`. */
  readonly status: string;

  constructor(message: string, options: WorkflowQueryRejectedErrorOptions) {
    super(message);
    this.cause = options.cause;
    this.status = options.status;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, value);
  }
}
defineBrand(WorkflowQueryRejectedError, "WorkflowQueryRejectedError");

/** Options of {@linkcode WorkflowQueryFailedError} and the update errors. */
export interface ClientErrorOptions {
  /** The underlying error. */
  cause?: Error;
}

/**
 * A query failed: the workflow has no handler of that name, the handler threw, or the query
 * could not be answered.
 *
 * @example
 * ```ts
 * if (err instanceof WorkflowQueryFailedError) console.log(err.message, err.cause);
 * ```
 */
export class WorkflowQueryFailedError extends Error {
  readonly code: "WORKFLOW_QUERY_FAILED" = ClientErrorCode.WORKFLOW_QUERY_FAILED;
  declare cause: Error | undefined;

  constructor(message: string, options: ClientErrorOptions = {}) {
    super(message);
    this.cause = options.cause;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, value);
  }
}
defineBrand(WorkflowQueryFailedError, "WorkflowQueryFailedError");

/**
 * An update was rejected by its validator or its handler failed; `cause` is the failure.
 *
 * @example
 * ```ts
 * if (err instanceof WorkflowUpdateFailedError && err.cause instanceof ApplicationFailure) { ... }
 * ```
 */
export class WorkflowUpdateFailedError extends Error {
  readonly code: "WORKFLOW_UPDATE_FAILED" = ClientErrorCode.WORKFLOW_UPDATE_FAILED;
  declare cause: Error | undefined;

  constructor(message: string, options: ClientErrorOptions = {}) {
    super(message);
    this.cause = options.cause;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, value);
  }
}
defineBrand(WorkflowUpdateFailedError, "WorkflowUpdateFailedError");

/**
 * The call that waits for an update timed out or was cancelled before the update reached the
 * stage asked for. The update may still run; its outcome is unknown to this call.
 *
 * @example
 * ```ts
 * if (err instanceof WorkflowUpdateRPCTimeoutOrCancelledError) retryLater();
 * ```
 */
export class WorkflowUpdateRPCTimeoutOrCancelledError extends Error {
  readonly code: "WORKFLOW_UPDATE_RPC_TIMEOUT_OR_CANCELLED" =
    ClientErrorCode.WORKFLOW_UPDATE_RPC_TIMEOUT_OR_CANCELLED;
  declare cause: Error | undefined;

  constructor(message: string, options: ClientErrorOptions = {}) {
    super(message);
    this.cause = options.cause;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, value);
  }
}
defineBrand(WorkflowUpdateRPCTimeoutOrCancelledError, "WorkflowUpdateRPCTimeoutOrCancelledError");

/** Options of {@linkcode ScheduleAlreadyRunningError}. */
export interface ScheduleAlreadyRunningErrorOptions {
  /** The schedule id that is taken. */
  scheduleId: string;
  /** The underlying error (usually an `RPCError` with code `ALREADY_EXISTS`). */
  cause?: Error;
}

/**
 * Creating a schedule failed because a schedule with that id exists.
 *
 * @example
 * ```ts
 * if (err instanceof ScheduleAlreadyRunningError) console.log(err.scheduleId);
 * ```
 */
export class ScheduleAlreadyRunningError extends Error {
  readonly code: "SCHEDULE_ALREADY_RUNNING" = ClientErrorCode.SCHEDULE_ALREADY_RUNNING;
  declare cause: Error | undefined;
  /** The schedule id that is taken. */
  readonly scheduleId: string;

  constructor(message: string, options: ScheduleAlreadyRunningErrorOptions) {
    super(message);
    this.cause = options.cause;
    this.scheduleId = options.scheduleId;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, value);
  }
}
defineBrand(ScheduleAlreadyRunningError, "ScheduleAlreadyRunningError");
