/**
 * The shape of a schedule: what it starts (a workflow), when (calendars, intervals, cron), with
 * which policies, and its state; plus what `describe()` and `listSchedules()` report.
 *
 * @module
 */

import type { Duration } from "../common/duration.ts";
import type { ScheduleListEntry as ScheduleListEntryProto } from "../gen/temporal/api/schedule/v1/message_pb.ts";
import type { DescribeScheduleResponse } from "../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import type { RetryPolicy } from "./retry_policy.ts";
import type { SearchAttributesInput, TypedSearchAttributes } from "./search_attributes.ts";
import type { WorkflowRef } from "./types.ts";
import type { Priority } from "./workflow_options.ts";

/**
 * What to do when an action is due while the previous one still runs
 * (`temporal.api.enums.v1.ScheduleOverlapPolicy`).
 */
export const ScheduleOverlapPolicy = {
  /** Do not start the new action (the server's default). */
  SKIP: "SKIP",
  /** Start it when the running one ends; keep at most one waiting. */
  BUFFER_ONE: "BUFFER_ONE",
  /** Start each in turn when the previous one ends. */
  BUFFER_ALL: "BUFFER_ALL",
  /** Cancel the running one, then start the new one. */
  CANCEL_OTHER: "CANCEL_OTHER",
  /** Terminate the running one, then start the new one. */
  TERMINATE_OTHER: "TERMINATE_OTHER",
  /** Start the new one alongside. */
  ALLOW_ALL: "ALLOW_ALL",
} as const;
/** What to do when an action is due while the previous one still runs. */
export type ScheduleOverlapPolicy = (typeof ScheduleOverlapPolicy)[keyof typeof ScheduleOverlapPolicy];

/** A range of calendar values, `start` to `end` inclusive, every `step`. */
export interface ScheduleRange {
  start: number;
  /** Default: `start`. */
  end?: number;
  /** Default: 1. */
  step?: number;
}

/**
 * Calendar times matched by ranges; an absent field takes the default: second, minute and hour
 * `0`, every day of month, month, year and day of week.
 */
export interface ScheduleCalendarSpec {
  second?: ScheduleRange[];
  minute?: ScheduleRange[];
  hour?: ScheduleRange[];
  /** 1 to 31. */
  dayOfMonth?: ScheduleRange[];
  /** 1 to 12. */
  month?: ScheduleRange[];
  year?: ScheduleRange[];
  /** 0 (Sunday) to 6. */
  dayOfWeek?: ScheduleRange[];
  comment?: string;
}

/** Every `every`, shifted by `offset` (from the epoch). */
export interface ScheduleIntervalSpec {
  every: Duration;
  /** Default: 0. */
  offset?: Duration;
}

/** When a schedule takes actions: the union of calendars, intervals and cron expressions, minus `skip`. */
export interface ScheduleSpec {
  calendars?: ScheduleCalendarSpec[];
  intervals?: ScheduleIntervalSpec[];
  /** Cron expressions such as `"0 12 * * MON-FRI"`. */
  cronExpressions?: string[];
  /** Calendar times to leave out. */
  skip?: ScheduleCalendarSpec[];
  /** No action before this time. */
  startAt?: Date;
  /** No action after this time. */
  endAt?: Date;
  /** Delay each action by a random time up to this. */
  jitter?: Duration;
  /** IANA time zone of the calendars, e.g. `"Europe/Paris"`. Default: UTC. */
  timeZoneName?: string;
}

/** The action of a schedule: start a workflow. */
export interface ScheduleActionStartWorkflow {
  /** The workflow (its function, class or type name). */
  workflow: WorkflowRef;
  /** Arguments of the workflow. Default: none. */
  args?: unknown[];
  /** Workflow id; the server appends the scheduled time to it. Required. */
  id: string;
  /** Task queue of the workflow. Required. */
  taskQueue: string;
  executionTimeout?: Duration;
  runTimeout?: Duration;
  taskTimeout?: Duration;
  retryPolicy?: RetryPolicy;
  /** Memo of each started workflow. */
  memo?: Record<string, unknown>;
  /** Search attributes of each started workflow. */
  searchAttributes?: SearchAttributesInput;
  /** Summary of each started workflow, shown by the UI and CLI. */
  staticSummary?: string;
  /** Details of each started workflow, shown by the UI and CLI. */
  staticDetails?: string;
  priority?: Priority;
}

/** A schedule's action as read back: the workflow type is a name. */
export interface ScheduleActionStartWorkflowDescription
  extends Omit<ScheduleActionStartWorkflow, "workflow"> {
  workflow: string;
}

/** Policies of a schedule. */
export interface SchedulePolicy {
  /** Default: `SKIP`. */
  overlap?: ScheduleOverlapPolicy;
  /** How late a missed action may still run (after downtime). Default: 1 year (the server's). */
  catchupWindow?: Duration;
  /** Pause the schedule when a workflow it started fails. Default: `false`. */
  pauseOnFailure?: boolean;
  /** Start workflows with the configured id, without appending the time. Default: `false`. */
  keepOriginalWorkflowId?: boolean;
}

/** State of a schedule. */
export interface ScheduleState {
  /** A human-readable note (e.g. why it is paused). */
  note?: string;
  /** Whether the schedule is paused. Default: `false`. */
  paused?: boolean;
  /** Stop after `remainingActions` actions. Default: `false`. */
  limitedActions?: boolean;
  remainingActions?: number;
}

/** A schedule to create or update. */
export interface Schedule {
  action: ScheduleActionStartWorkflow;
  spec: ScheduleSpec;
  policy?: SchedulePolicy;
  state?: ScheduleState;
}

/** A schedule as read back from the server. */
export interface ScheduleDescriptionSchedule {
  action: ScheduleActionStartWorkflowDescription;
  spec: ScheduleSpec;
  policy: SchedulePolicy;
  state: ScheduleState;
}

/** A period to run actions for as if it had just passed. */
export interface ScheduleBackfill {
  startAt: Date;
  endAt: Date;
  /** Default: the schedule's. */
  overlap?: ScheduleOverlapPolicy;
}

/** An action a schedule took. */
export interface ScheduleActionExecution {
  scheduledAt: Date | undefined;
  startedAt: Date | undefined;
  workflowId: string;
  firstExecutionRunId: string;
}

/** What `scheduleHandle.describe()` reports. */
export interface ScheduleDescription {
  readonly id: string;
  readonly schedule: ScheduleDescriptionSchedule;
  readonly info: {
    readonly numActions: number;
    readonly numActionsMissedCatchupWindow: number;
    readonly numActionsSkippedOverlap: number;
    readonly runningActions: { workflowId: string; runId: string }[];
    readonly recentActions: ScheduleActionExecution[];
    readonly nextActionTimes: Date[];
    readonly createdAt: Date | undefined;
    readonly lastUpdatedAt: Date | undefined;
  };
  readonly searchAttributes: TypedSearchAttributes;
  /** Decodes the schedule's memo. */
  memo(): Promise<Record<string, unknown>>;
  /** The token of this version of the schedule (for read-modify-write). */
  readonly conflictToken: Uint8Array;
  readonly raw: DescribeScheduleResponse;
}

/** A schedule as `listSchedules()` reports it. */
export interface ScheduleListEntry {
  readonly id: string;
  /** Spec, workflow type, note and pause flag. */
  readonly schedule: { spec: ScheduleSpec; workflowType: string; note: string; paused: boolean } | undefined;
  readonly recentActions: ScheduleActionExecution[];
  readonly nextActionTimes: Date[];
  readonly searchAttributes: TypedSearchAttributes;
  memo(): Promise<Record<string, unknown>>;
  readonly raw: ScheduleListEntryProto;
}

/** What an updater given to `scheduleHandle.update()` returns: the new schedule, or `undefined` to change nothing. */
export interface ScheduleUpdate {
  schedule: Schedule;
  /** Replace the schedule's search attributes. Default: unchanged. */
  searchAttributes?: SearchAttributesInput;
}
