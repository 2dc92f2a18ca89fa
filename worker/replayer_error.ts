/**
 * The error of a replay that failed for another reason than nondeterminism.
 *
 * @module
 */

import { defineBrand, hasBrand } from "../common/brand.ts";
import type { FailureJson } from "../sandbox/protocol.ts";

/**
 * A history could not be replayed, for another reason than nondeterminism: the workflow code
 * failed a workflow task (it threw an error that is not a workflow failure, broke a determinism
 * rule of the sandbox, or its workflow type is not exported), or the history itself is unusable.
 * Nondeterminism is reported as a `NondeterminismError` instead.
 *
 * @example Telling the two apart
 * ```ts
 * try { await replayer.replayWorkflow(history); } catch (e) {
 *   if (e instanceof NondeterminismError) console.log("changed code", e.code);
 *   else if (e instanceof ReplayError) console.log("task failed", e.failure?.message);
 * }
 * ```
 */
export class ReplayError extends Error {
  /** The workflow id of the replayed run. */
  readonly workflowId: string;
  /** The run id of the replayed run. */
  readonly runId: string;
  /** The workflow task failure the workflow code raised (proto3 JSON), if that is what happened. */
  readonly failure: FailureJson | undefined;

  constructor(
    message: string,
    options: {
      workflowId: string;
      runId: string;
      failure?: FailureJson;
      cause?: unknown;
    },
  ) {
    super(
      message,
      options.cause === undefined ? undefined : { cause: options.cause },
    );
    this.workflowId = options.workflowId;
    this.runId = options.runId;
    this.failure = options.failure;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, value);
  }
}
defineBrand(ReplayError, "ReplayError");
