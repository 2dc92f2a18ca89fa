/**
 * The activity info `ActivityEnvironment` gives activities unless a test sets its own.
 *
 * @module
 */

import type { ActivityInfo } from "../worker/activity/activity_info.ts";

/**
 * A plausible `ActivityInfo` for unit tests: first attempt of activity `test` (type `unknown`)
 * of workflow `test`/`test-run` on task queue `test` in namespace `default`, scheduled and started
 * now, no timeouts, no heartbeat details. Fields in `overrides` win.
 *
 * @example
 * ```ts
 * const info = defaultActivityInfo({ attempt: 2, heartbeatDetails: [42] });
 * ```
 */
export function defaultActivityInfo(overrides: Partial<ActivityInfo> = {}): ActivityInfo {
  const now = new Date();
  return {
    activityId: "test",
    activityType: "unknown",
    taskToken: new TextEncoder().encode("test"),
    attempt: 1,
    namespace: "default",
    taskQueue: "test",
    workflowExecution: { workflowId: "test", runId: "test-run" },
    workflowType: "test",
    workflowNamespace: "default",
    scheduledTime: now,
    currentAttemptScheduledTime: now,
    startedTime: now,
    scheduleToCloseTimeoutMs: undefined,
    startToCloseTimeoutMs: undefined,
    heartbeatTimeoutMs: undefined,
    heartbeatDetails: [],
    isLocal: false,
    ...overrides,
  };
}
