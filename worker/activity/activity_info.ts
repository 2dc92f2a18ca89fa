/**
 * What an activity knows about itself: ids, type, attempt, timeouts, and the heartbeat details
 * its previous attempt recorded.
 *
 * @module
 */

/**
 * The immutable information of the running activity attempt, from `info()`.
 *
 * @example
 * ```ts
 * import { info } from "sandglass/activity";
 *
 * export async function charge(orderId: string) {
 *   const { attempt, heartbeatDetails } = info();
 *   const resumeFrom = (heartbeatDetails[0] as number | undefined) ?? 0;
 * }
 * ```
 */
export interface ActivityInfo {
  /** The activity id, unique within its workflow run. */
  readonly activityId: string;
  /** The activity type name (the key it was registered under). */
  readonly activityType: string;
  /** Token that identifies this attempt, for asynchronous completion with the client. */
  readonly taskToken: Uint8Array;
  /** The attempt number, starting at 1. */
  readonly attempt: number;
  /** The namespace of the worker running the activity. */
  readonly namespace: string;
  /** The task queue the activity was polled from. */
  readonly taskQueue: string;
  /** The workflow that scheduled the activity. */
  readonly workflowExecution: { readonly workflowId: string; readonly runId: string };
  /** The type of the workflow that scheduled the activity. */
  readonly workflowType: string;
  /** The namespace of the workflow that scheduled the activity. */
  readonly workflowNamespace: string;
  /** When the activity was first scheduled. */
  readonly scheduledTime: Date | undefined;
  /** When the current attempt was scheduled. */
  readonly currentAttemptScheduledTime: Date | undefined;
  /** When the current attempt started. */
  readonly startedTime: Date | undefined;
  /** Schedule-to-close timeout in ms, if any. */
  readonly scheduleToCloseTimeoutMs: number | undefined;
  /** Start-to-close timeout in ms, if any. */
  readonly startToCloseTimeoutMs: number | undefined;
  /** Heartbeat timeout in ms, if any. */
  readonly heartbeatTimeoutMs: number | undefined;
  /** The details of the last heartbeat of an earlier attempt (`[]` if none). */
  readonly heartbeatDetails: readonly unknown[];
  /** `false`: this activity runs from the activity task queue (local activities are `true`). */
  readonly isLocal: boolean;
}
