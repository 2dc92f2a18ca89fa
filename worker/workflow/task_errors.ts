/**
 * Internal errors of the engine that decide how a workflow task ends: the runtime failed the task,
 * or the cached run no longer matches the server's view and must be rebuilt from full history.
 *
 * @module
 */

import type { FailureJson } from "../../sandbox/protocol.ts";

/** The workflow runtime (or the engine) failed the workflow task; the server retries it. */
export class WorkflowTaskFailedError extends Error {
  /** The failure to report, in proto3 JSON. */
  readonly failure: FailureJson;
  /** The `WorkflowTaskFailedCause` name, e.g. `WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE`. */
  readonly causeName: string;

  constructor(failure: FailureJson, causeName: string) {
    super(failure.message ?? "Workflow task failed");
    this.failure = failure;
    this.causeName = causeName;
  }
}

/** The cached run is out of step with history (a task it completed was failed or timed out). */
export class StaleRunError extends Error {}
