/**
 * Options for starting a workflow from a client, their policies, and the checks that turn bad
 * input into a clear error before any RPC is made.
 *
 * @module
 */

import { type Duration, durationToMs } from "../common/duration.ts";
import type { RetryPolicy } from "./retry_policy.ts";
import { validateRetryPolicy } from "./retry_policy.ts";
import type { SearchAttributesInput } from "./search_attributes.ts";
import type { RpcOptions } from "./types.ts";

/**
 * Whether a workflow id may be reused after a previous execution with that id has closed
 * (`temporal.api.enums.v1.WorkflowIdReusePolicy`).
 */
export const WorkflowIdReusePolicy = {
  /** Any closed execution's id may be reused (the default). */
  ALLOW_DUPLICATE: "ALLOW_DUPLICATE",
  /** Only the id of an execution that failed, was cancelled, terminated or timed out may be reused. */
  ALLOW_DUPLICATE_FAILED_ONLY: "ALLOW_DUPLICATE_FAILED_ONLY",
  /** The id may never be reused. */
  REJECT_DUPLICATE: "REJECT_DUPLICATE",
  /** Deprecated: use `ALLOW_DUPLICATE` with the conflict policy `TERMINATE_EXISTING`. */
  TERMINATE_IF_RUNNING: "TERMINATE_IF_RUNNING",
} as const;
/** Whether a workflow id may be reused after a previous execution has closed. */
export type WorkflowIdReusePolicy = (typeof WorkflowIdReusePolicy)[keyof typeof WorkflowIdReusePolicy];

/**
 * What to do when a workflow with the same id is already running
 * (`temporal.api.enums.v1.WorkflowIdConflictPolicy`).
 */
export const WorkflowIdConflictPolicy = {
  /** Fail the start with `WorkflowAlreadyStartedError` (the server's default). */
  FAIL: "FAIL",
  /** Return the running execution instead of starting a new one. */
  USE_EXISTING: "USE_EXISTING",
  /** Terminate the running execution and start a new one. */
  TERMINATE_EXISTING: "TERMINATE_EXISTING",
} as const;
/** What to do when a workflow with the same id is already running. */
export type WorkflowIdConflictPolicy =
  (typeof WorkflowIdConflictPolicy)[keyof typeof WorkflowIdConflictPolicy];

/** Task priority and fairness (`temporal.api.common.v1.Priority`). */
export interface Priority {
  /** 1 is the highest priority; larger numbers are lower. Default: the server's (3 of 5). */
  priorityKey?: number;
  /** Tasks with the same key share capacity fairly. Default: none. */
  fairnessKey?: string;
  /** The weight of this key in fairness. Default: 1. */
  fairnessWeight?: number;
}

/**
 * Options of `client.startWorkflow` and `client.executeWorkflow`; `id` and `taskQueue` are
 * required. Every duration is milliseconds or a string such as `"1 day"`.
 *
 * @example
 * ```ts
 * const options: WorkflowStartOptions<[string]> = {
 *   args: ["Ada"],
 *   id: "greet-ada",
 *   taskQueue: "greetings",
 *   executionTimeout: "1 hour",
 * };
 * ```
 */
export interface WorkflowStartOptions<Args extends unknown[] = unknown[]> extends RpcOptions {
  /** Arguments of the workflow. Default: none. */
  args?: Args;
  /** The workflow id: unique among running workflows of the namespace. Required. */
  id: string;
  /** The task queue the workers of this workflow poll. Required. */
  taskQueue: string;
  /** Timeout of the whole execution, across retries and continue-as-new. Default: unlimited. */
  executionTimeout?: Duration;
  /** Timeout of a single run. Default: unlimited. */
  runTimeout?: Duration;
  /** Timeout of a single workflow task. Default: 10 s (the server's). */
  taskTimeout?: Duration;
  /** Whether the id may be reused after a closed execution. Default: `ALLOW_DUPLICATE`. */
  idReusePolicy?: WorkflowIdReusePolicy;
  /** What to do if a workflow with the id is running. Default: unspecified (fail). */
  idConflictPolicy?: WorkflowIdConflictPolicy;
  /** Retries of the whole workflow. Default: none (workflows are not retried). */
  retryPolicy?: RetryPolicy;
  /** A cron schedule such as `"0 * * * *"`. Default: none. */
  cronSchedule?: string;
  /** Non-indexed values attached to the execution. Default: none. */
  memo?: Record<string, unknown>;
  /** Indexed values for visibility queries, with typed keys. Default: none. */
  searchAttributes?: SearchAttributesInput;
  /** A single-line summary shown by the UI and CLI. Default: none. */
  staticSummary?: string;
  /** Longer details shown by the UI and CLI. Default: none. */
  staticDetails?: string;
  /** How long the server waits before the first workflow task. Not with `cronSchedule`. Default: 0. */
  startDelay?: Duration;
  /** If set, start with signal-with-start: this signal is delivered with the start. Default: none. */
  startSignal?: string;
  /** Arguments of `startSignal`. Default: none. */
  startSignalArgs?: unknown[];
  /** Ask the server to hand the first workflow task back to this process's worker. Default: `false`. */
  requestEagerStart?: boolean;
  /** Task priority. Default: the server's. */
  priority?: Priority;
}

const REUSE_POLICIES: ReadonlySet<string> = new Set(Object.values(WorkflowIdReusePolicy));
const CONFLICT_POLICIES: ReadonlySet<string> = new Set(Object.values(WorkflowIdConflictPolicy));

function requireNonEmptyString(name: string, value: unknown): void {
  if (typeof value !== "string" || value === "") {
    throw new TypeError(`Missing ${name}: expected a non-empty string, got '${String(value)}'`);
  }
}

function checkDuration(name: string, value: Duration | undefined): void {
  if (value === undefined) return;
  try {
    durationToMs(value);
  } catch (err) {
    throw new TypeError(`Invalid ${name}: ${(err as Error).message}`);
  }
}

/**
 * Checks start options before any RPC and throws a `TypeError` that names the bad option.
 *
 * @throws {TypeError} If `id` or `taskQueue` is missing, a duration or policy is invalid, or two
 * options conflict.
 *
 * @example
 * ```ts
 * validateWorkflowStartOptions({ id: "", taskQueue: "q" }); // throws "Missing workflow id: ..."
 * ```
 */
export function validateWorkflowStartOptions(options: WorkflowStartOptions): void {
  if (typeof options !== "object" || options === null) {
    throw new TypeError("Missing workflow options: expected an object with at least 'id' and 'taskQueue'");
  }
  requireNonEmptyString("workflow id", options.id);
  requireNonEmptyString("task queue", options.taskQueue);
  if (options.args !== undefined && !Array.isArray(options.args)) {
    throw new TypeError(`Invalid args '${String(options.args)}': expected an array of workflow arguments`);
  }
  checkDuration("executionTimeout", options.executionTimeout);
  checkDuration("runTimeout", options.runTimeout);
  checkDuration("taskTimeout", options.taskTimeout);
  checkDuration("startDelay", options.startDelay);
  checkDuration("rpcTimeout", options.rpcTimeout);
  if (options.idReusePolicy !== undefined && !REUSE_POLICIES.has(options.idReusePolicy)) {
    throw new TypeError(
      `Invalid idReusePolicy '${options.idReusePolicy}': expected one of ${[...REUSE_POLICIES].join(", ")}`,
    );
  }
  if (options.idConflictPolicy !== undefined && !CONFLICT_POLICIES.has(options.idConflictPolicy)) {
    throw new TypeError(
      `Invalid idConflictPolicy '${options.idConflictPolicy}': expected one of ${
        [...CONFLICT_POLICIES].join(", ")
      }`,
    );
  }
  if (options.idReusePolicy === "TERMINATE_IF_RUNNING" && options.idConflictPolicy !== undefined) {
    throw new TypeError(
      "Invalid idConflictPolicy: it cannot be set with idReusePolicy 'TERMINATE_IF_RUNNING'; use idConflictPolicy 'TERMINATE_EXISTING' alone",
    );
  }
  if (options.startDelay !== undefined && options.cronSchedule) {
    throw new TypeError("Invalid startDelay: it cannot be combined with cronSchedule");
  }
  if (options.startSignalArgs !== undefined && options.startSignal === undefined) {
    throw new TypeError("Invalid startSignalArgs: set startSignal to the signal's name as well");
  }
  if (options.startSignal !== undefined) requireNonEmptyString("startSignal", options.startSignal);
  if (options.startSignalArgs !== undefined && !Array.isArray(options.startSignalArgs)) {
    throw new TypeError(`Invalid startSignalArgs '${String(options.startSignalArgs)}': expected an array`);
  }
  if (options.retryPolicy !== undefined) validateRetryPolicy(options.retryPolicy);
  if (options.memo !== undefined && (typeof options.memo !== "object" || options.memo === null)) {
    throw new TypeError(`Invalid memo '${String(options.memo)}': expected an object of values`);
  }
}
