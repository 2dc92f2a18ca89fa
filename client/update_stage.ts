/**
 * The stages of a workflow update that a caller can wait for.
 *
 * @module
 */

/**
 * How far an update must have gone before `startUpdate` returns
 * (`temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage`).
 *
 * @example
 * ```ts
 * const update = await handle.startUpdate("addItem", { args: ["apple"], waitForStage: "ACCEPTED" });
 * ```
 */
export const WorkflowUpdateStage = {
  /** The server has admitted the update (not yet supported by the server as a wait stage). */
  ADMITTED: "ADMITTED",
  /** A worker has validated and accepted the update. */
  ACCEPTED: "ACCEPTED",
  /** The update has completed with a result or a failure. */
  COMPLETED: "COMPLETED",
} as const;
/** How far an update must have gone before `startUpdate` returns. */
export type WorkflowUpdateStage = (typeof WorkflowUpdateStage)[keyof typeof WorkflowUpdateStage];

import type { UpdateWorkflowExecutionLifecycleStage } from "../gen/temporal/api/enums/v1/update_pb.ts";

const TO_PROTO: Readonly<Record<WorkflowUpdateStage, number>> = { ADMITTED: 1, ACCEPTED: 2, COMPLETED: 3 };

/** The wire number of a stage. */
export function updateStageToProto(stage: WorkflowUpdateStage): UpdateWorkflowExecutionLifecycleStage {
  const value = TO_PROTO[stage];
  if (value === undefined) {
    throw new TypeError(`Invalid waitForStage '${String(stage)}': expected ACCEPTED or COMPLETED`);
  }
  return value as UpdateWorkflowExecutionLifecycleStage;
}
