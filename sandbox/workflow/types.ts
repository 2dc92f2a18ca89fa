/**
 * Types of the workflow API: workflow functions and classes (for typed clients), signal, query and
 * update definitions, workflow info, and the options of activities, child workflows and
 * continue-as-new.
 *
 * @module
 */

import type { Duration } from "../../common/duration.ts";
import type { TemporalFailure } from "../../common/failures.ts";
import type {
  ActivityCancellationType,
  ChildWorkflowCancellationType,
  ParentClosePolicy,
  PayloadJson,
  PriorityJson,
} from "../protocol.ts";

export type { ActivityCancellationType, ChildWorkflowCancellationType, ParentClosePolicy };

// deno-lint-ignore no-explicit-any
type AnyArgs = any[];

/** A workflow function: an exported async function of the workflows module. */
export type Workflow = (...args: AnyArgs) => Promise<unknown>;

/** A workflow class (decorated with `@workflow.defn`); its `@workflow.run` method takes the arguments. */
// deno-lint-ignore no-explicit-any
export type WorkflowClass = abstract new (...args: any[]) => any;

/**
 * The arguments of a workflow function, or of a workflow class's `run` method.
 *
 * @example
 * ```ts
 * type A = WorkflowArgs<typeof greet>; // [name: string]
 * ```
 */
export type WorkflowArgs<W> = W extends (...args: infer A) => unknown ? A
  : W extends abstract new (...args: AnyArgs) => infer I
    ? I extends { run(...args: infer A): unknown } ? A : unknown[]
  : unknown[];

/**
 * The resolved result of a workflow function, or of a workflow class's `run` method.
 *
 * @example
 * ```ts
 * type R = WorkflowResult<typeof greet>; // string
 * ```
 */
export type WorkflowResult<W> = W extends (...args: AnyArgs) => infer R ? Awaited<R>
  : W extends abstract new (...args: AnyArgs) => infer I
    ? I extends { run(...args: AnyArgs): infer R } ? Awaited<R>
    : unknown
  : unknown;

/** A signal: its name, with the argument types as a phantom. */
export interface SignalDefinition<Args extends unknown[] = [], Name extends string = string> {
  readonly type: "signal";
  readonly name: Name;
  /** Phantom: never set. */
  readonly __args?: Args;
}

/** A query: its name, with the argument and result types as phantoms. */
export interface QueryDefinition<Ret = unknown, Args extends unknown[] = [], Name extends string = string> {
  readonly type: "query";
  readonly name: Name;
  /** Phantom: never set. */
  readonly __args?: Args;
  /** Phantom: never set. */
  readonly __ret?: Ret;
}

/** An update: its name, with the argument and result types as phantoms. */
export interface UpdateDefinition<Ret = unknown, Args extends unknown[] = [], Name extends string = string> {
  readonly type: "update";
  readonly name: Name;
  /** Phantom: never set. */
  readonly __args?: Args;
  /** Phantom: never set. */
  readonly __ret?: Ret;
}

/** What happens when the workflow ends while a handler is still running. */
export type HandlerUnfinishedPolicy = "WARN_AND_ABANDON" | "ABANDON";

/** A retry policy for activities, child workflows and continue-as-new. */
export interface RetryPolicy {
  /** Delay before the first retry. Default (server): 1 s. */
  initialInterval?: Duration;
  /** Multiplier of the delay after each retry. Default (server): 2. */
  backoffCoefficient?: number;
  /** Upper bound of the delay. Default (server): 100 × `initialInterval`. */
  maximumInterval?: Duration;
  /** Attempts in total, 0 = unlimited. Default: 0. */
  maximumAttempts?: number;
  /** Application failure types that are not retried. Default: none. */
  nonRetryableErrorTypes?: string[];
}

/** Scheduling priority (`temporal.api.common.v1.Priority`). */
export type Priority = PriorityJson;

/** Options of activities (`proxyActivities`, `executeActivity`, `startActivity`). One of `startToCloseTimeout` or `scheduleToCloseTimeout` is required. */
export interface ActivityOptions {
  /** Activity id. Default: the activity's sequence number as a string. */
  activityId?: string;
  /** Task queue. Default: the workflow's task queue. */
  taskQueue?: string;
  /** Limit of one attempt's run time. */
  startToCloseTimeout?: Duration;
  /** Limit of the whole activity, retries included. */
  scheduleToCloseTimeout?: Duration;
  /** Limit of the time spent queued. Default: none. */
  scheduleToStartTimeout?: Duration;
  /** The activity must heartbeat at least this often. Default: none. */
  heartbeatTimeout?: Duration;
  /** Retry policy. Default: the server's (unlimited attempts, exponential backoff). */
  retry?: RetryPolicy;
  /** What cancellation of the activity's scope does. Default: `"TRY_CANCEL"`. */
  cancellationType?: ActivityCancellationType;
  /** Let the server hand the activity to this worker eagerly. Default: `true`. */
  allowEagerDispatch?: boolean;
  /** Worker versioning intent. Default: none. */
  versioningIntent?: "COMPATIBLE" | "DEFAULT";
  /** Priority. Default: none. */
  priority?: Priority;
  /** A one-line summary shown in the UI. Default: none. */
  summary?: string;
}

/** Options of local activities. One of `startToCloseTimeout` or `scheduleToCloseTimeout` is required. */
export interface LocalActivityOptions {
  /** Activity id. Default: the activity's sequence number as a string. */
  activityId?: string;
  /** Limit of one attempt's run time. */
  startToCloseTimeout?: Duration;
  /** Limit of the whole activity, retries included. */
  scheduleToCloseTimeout?: Duration;
  /** Limit of the time spent queued. Default: none. */
  scheduleToStartTimeout?: Duration;
  /** Retry policy. Default: the server's defaults. */
  retry?: RetryPolicy;
  /** Retries with a longer backoff than this use a durable timer. Default: the worker's (1 min). */
  localRetryThreshold?: Duration;
  /** What cancellation of the activity's scope does. Default: `"TRY_CANCEL"`. */
  cancellationType?: ActivityCancellationType;
  /** A one-line summary shown in the UI. Default: none. */
  summary?: string;
}

/** Options of child workflows. */
export interface ChildWorkflowOptions {
  /** Workflow id. Default: a deterministic random UUID. */
  workflowId?: string;
  /** Task queue. Default: the parent's task queue. */
  taskQueue?: string;
  /** Namespace. Default: the parent's. */
  namespace?: string;
  /** What cancelling the child's scope does. Default: `"WAIT_CANCELLATION_COMPLETED"`. */
  cancellationType?: ChildWorkflowCancellationType;
  /** What the server does to the child when the parent closes. Default: `"TERMINATE"`. */
  parentClosePolicy?: ParentClosePolicy;
  /** Limit of the whole child execution, retries and continue-as-new included. */
  workflowExecutionTimeout?: Duration;
  /** Limit of one run. */
  workflowRunTimeout?: Duration;
  /** Limit of one workflow task. Default (server): 10 s. */
  workflowTaskTimeout?: Duration;
  /** `temporal.api.enums.v1.WorkflowIdReusePolicy` name, e.g. `"WORKFLOW_ID_REUSE_POLICY_REJECT_DUPLICATE"`. */
  workflowIdReusePolicy?: string;
  /** Retry policy of the child. Default: none. */
  retry?: RetryPolicy;
  /** Cron schedule. Default: none. */
  cronSchedule?: string;
  /** Memo. Default: none. */
  memo?: Record<string, unknown>;
  /** Search attributes (name to value or list of values). Default: none. */
  searchAttributes?: Record<string, unknown>;
  /** Worker versioning intent. Default: none. */
  versioningIntent?: "COMPATIBLE" | "DEFAULT";
  /** Priority. Default: none. */
  priority?: Priority;
  /** A one-line summary shown in the UI. Default: none. */
  summary?: string;
}

/** Options of {@linkcode continueAsNew} (via `makeContinueAsNewFunc`). */
export interface ContinueAsNewOptions {
  /** Workflow type of the new run. Default: this run's. */
  workflowType?: string;
  /** Task queue of the new run. Default: this run's. */
  taskQueue?: string;
  /** Run timeout of the new run. Default: this run's. */
  workflowRunTimeout?: Duration;
  /** Task timeout of the new run. Default: this run's. */
  workflowTaskTimeout?: Duration;
  /** Memo of the new run. Default: this run's. */
  memo?: Record<string, unknown>;
  /** Search attributes of the new run. Default: this run's. */
  searchAttributes?: Record<string, unknown>;
  /** Retry policy of the new run. Default: this run's. */
  retry?: RetryPolicy;
  /** Delay before the new run starts. Default: none. */
  backoffStartInterval?: Duration;
  /** Worker versioning intent. Default: none. */
  versioningIntent?: "COMPATIBLE" | "DEFAULT";
}

/** The parent or root of a workflow. */
export interface ParentWorkflowInfo {
  namespace: string;
  workflowId: string;
  runId: string;
}

/** Facts about the running workflow, from `workflowInfo()`. */
export interface WorkflowInfo {
  readonly workflowId: string;
  readonly runId: string;
  readonly workflowType: string;
  readonly namespace: string;
  readonly taskQueue: string;
  readonly firstExecutionRunId: string;
  readonly continuedFromExecutionRunId: string | undefined;
  readonly originalExecutionRunId: string | undefined;
  /** Attempt number, from 1. */
  readonly attempt: number;
  readonly cronSchedule: string | undefined;
  readonly cronScheduleToScheduleIntervalMs: number | undefined;
  readonly parent: ParentWorkflowInfo | undefined;
  readonly root: { workflowId: string; runId: string } | undefined;
  readonly executionTimeoutMs: number | undefined;
  readonly runTimeoutMs: number | undefined;
  readonly taskTimeoutMs: number | undefined;
  readonly executionExpirationTime: Date | undefined;
  /** When the workflow execution started. */
  readonly startTime: Date;
  /** When this run's first workflow task started. */
  readonly runStartTime: Date;
  readonly retryPolicy: RetryPolicy | undefined;
  readonly searchAttributes: Readonly<Record<string, unknown>>;
  readonly memo: Readonly<Record<string, unknown>>;
  /** The previous run's result (cron or retry). */
  readonly lastResult: unknown;
  /** The previous run's failure (cron or retry). */
  readonly lastFailure: TemporalFailure | undefined;
  readonly priority: Priority | undefined;
  /** Id of the latest processed history event. */
  readonly historyLength: number;
  /** History size in bytes (0 if unknown). */
  readonly historySize: number;
  /** The server suggests continuing as new. */
  readonly continueAsNewSuggested: boolean;
  readonly currentBuildId: string | undefined;
  /**
   * The headers the run was started with (set by client interceptors, a parent's outbound
   * interceptors or continue-as-new), in proto3 JSON form; read one with `decodeHeader`.
   */
  readonly headers: Readonly<Record<string, PayloadJson>>;
  /** Facts that change between replay and live execution: never branch on them. */
  readonly unsafe: { readonly isReplaying: boolean; readonly now: number };
}
