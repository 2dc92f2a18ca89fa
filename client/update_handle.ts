/**
 * A handle to a workflow update: its id, and its result once it completes.
 *
 * @module
 */

import type { ClientContext } from "./_context.ts";
import type { WorkflowUpdateOutcome } from "./interceptors.ts";
import type { RpcOptions } from "./types.ts";

/**
 * A workflow update that was started (and accepted) or that is looked up by id. `result()` waits
 * for the update to complete and returns its result, or throws `WorkflowUpdateFailedError`.
 *
 * @example
 * ```ts
 * const update = await handle.startUpdate("addItem", { args: ["apple"], waitForStage: "ACCEPTED" });
 * const total = await update.result();
 * ```
 */
export class WorkflowUpdateHandle<Result = unknown> {
  /** The update's id. */
  readonly updateId: string;
  /** The workflow's id. */
  readonly workflowId: string;
  /** The run the update was sent to, if known. */
  readonly workflowRunId: string | undefined;
  readonly #ctx: ClientContext;
  #outcome: WorkflowUpdateOutcome | undefined;

  /** @internal Handles are made by `WorkflowHandle.startUpdate` and `getUpdateHandle`. */
  constructor(
    ctx: ClientContext,
    ids: { updateId: string; workflowId: string; workflowRunId?: string | undefined },
    outcome?: WorkflowUpdateOutcome,
  ) {
    this.#ctx = ctx;
    this.updateId = ids.updateId;
    this.workflowId = ids.workflowId;
    this.workflowRunId = ids.workflowRunId === "" ? undefined : ids.workflowRunId;
    this.#outcome = outcome;
  }

  /**
   * Waits for the update to complete (long-polling the server) and returns its result.
   *
   * @throws {WorkflowUpdateFailedError} If the update failed or was rejected.
   * @throws {WorkflowUpdateRPCTimeoutOrCancelledError} If the call timed out or was aborted.
   */
  async result(options: RpcOptions = {}): Promise<Result> {
    this.#outcome ??= await this.#ctx.invoke("pollWorkflowUpdate", {
      ...options,
      workflowId: this.workflowId,
      ...(this.workflowRunId === undefined ? {} : { runId: this.workflowRunId }),
      updateId: this.updateId,
    });
    if ("error" in this.#outcome) throw this.#outcome.error;
    return this.#outcome.result as Result;
  }
}
