/**
 * Internal: schedules to and from their protobuf messages.
 *
 * @module
 */

import type { MessageInitShape } from "@bufbuild/protobuf";
import { dateToTimestamp, type ProtoTimestamp, timestampToDate } from "../common/timestamp.ts";
import type { DataConverter } from "../common/data_converter.ts";
import { type Duration, durationToMs, durationToProto, protoDurationToMs } from "../common/duration.ts";
import type {
  Range,
  Schedule as ScheduleProto,
  ScheduleActionResult,
  ScheduleSchema,
  ScheduleSpec as ScheduleSpecProto,
  StructuredCalendarSpec,
} from "../gen/temporal/api/schedule/v1/message_pb.ts";
import type { ScheduleOverlapPolicy as OverlapProto } from "../gen/temporal/api/enums/v1/schedule_pb.ts";
import { decodeFirst, decodeMap, decodeValues, encodeMap, encodeValue, encodeValues } from "./_data.ts";
import { retryPolicyFromProto, retryPolicyToProto, validateRetryPolicy } from "./retry_policy.ts";
import type {
  Schedule,
  ScheduleActionExecution,
  ScheduleCalendarSpec,
  ScheduleDescriptionSchedule,
  ScheduleOverlapPolicy,
  ScheduleRange,
  ScheduleSpec,
} from "./schedule_types.ts";
import { encodeSearchAttributes } from "./search_attributes.ts";
import { workflowTypeName } from "./types.ts";

const OVERLAP: readonly ScheduleOverlapPolicy[] = [
  "SKIP",
  "SKIP",
  "BUFFER_ONE",
  "BUFFER_ALL",
  "CANCEL_OTHER",
  "TERMINATE_OTHER",
  "ALLOW_ALL",
];

/** The wire number of an overlap policy (0 when unset). */
export function overlapToProto(policy: ScheduleOverlapPolicy | undefined): OverlapProto {
  if (policy === undefined) return 0;
  const index = OVERLAP.indexOf(policy, 1);
  if (index < 1) {
    throw new TypeError(
      `Invalid overlap policy '${String(policy)}': expected one of ${OVERLAP.slice(1).join(", ")}`,
    );
  }
  return index as OverlapProto;
}

function duration(value: Duration | undefined) {
  return value === undefined ? undefined : durationToProto(value);
}

function date(value: ProtoTimestamp | undefined): Date | undefined {
  return value === undefined ? undefined : timestampToDate(value);
}

function requireString(name: string, value: unknown): void {
  if (typeof value !== "string" || value === "") {
    throw new TypeError(`Missing ${name}: expected a non-empty string, got '${String(value)}'`);
  }
}

function checkDate(name: string, value: unknown): void {
  if (value !== undefined && (!(value instanceof Date) || Number.isNaN(value.getTime()))) {
    throw new TypeError(`Invalid ${name} '${String(value)}': expected a valid Date`);
  }
}

/** Checks a schedule before any RPC. */
export function validateSchedule(schedule: Schedule): void {
  if (typeof schedule !== "object" || schedule === null) {
    throw new TypeError("Missing schedule: expected { action, spec, policy?, state? }");
  }
  const action = schedule.action;
  if (typeof action !== "object" || action === null) {
    throw new TypeError("Missing schedule action: expected { workflow, id, taskQueue, args? }");
  }
  workflowTypeName(action.workflow);
  requireString("schedule action workflow id", action.id);
  requireString("schedule action task queue", action.taskQueue);
  if (action.args !== undefined && !Array.isArray(action.args)) {
    throw new TypeError(`Invalid schedule action args '${String(action.args)}': expected an array`);
  }
  for (const key of ["executionTimeout", "runTimeout", "taskTimeout"] as const) {
    if (action[key] !== undefined) durationToMs(action[key]);
  }
  if (action.retryPolicy !== undefined) validateRetryPolicy(action.retryPolicy);
  const spec = schedule.spec;
  if (typeof spec !== "object" || spec === null) {
    throw new TypeError("Missing schedule spec: expected { calendars?, intervals?, cronExpressions?, ... }");
  }
  for (const interval of spec.intervals ?? []) {
    if (durationToMs(interval.every) <= 0) {
      throw new TypeError(
        `Invalid schedule interval '${String(interval.every)}': expected a positive duration`,
      );
    }
    if (interval.offset !== undefined) durationToMs(interval.offset);
  }
  checkDate("spec.startAt", spec.startAt);
  checkDate("spec.endAt", spec.endAt);
  if (spec.jitter !== undefined) durationToMs(spec.jitter);
  overlapToProto(schedule.policy?.overlap);
  if (schedule.policy?.catchupWindow !== undefined) durationToMs(schedule.policy.catchupWindow);
  const remaining = schedule.state?.remainingActions;
  if (remaining !== undefined && (!Number.isInteger(remaining) || remaining < 0)) {
    throw new TypeError(`Invalid state.remainingActions '${String(remaining)}': expected a whole number`);
  }
}

function rangesToProto(ranges: ScheduleRange[] | undefined) {
  return (ranges ?? []).map((r) => ({ start: r.start, end: r.end ?? r.start, step: r.step ?? 1 }));
}

/**
 * The server matches nothing for an empty field (but every year for an empty `year`), so absent
 * fields get their documented defaults here: second, minute, hour 0; every day, month, weekday.
 */
function calendarToProto(c: ScheduleCalendarSpec) {
  const or = (ranges: ScheduleRange[] | undefined, fallback: ScheduleRange) =>
    rangesToProto(ranges === undefined || ranges.length === 0 ? [fallback] : ranges);
  return {
    second: or(c.second, { start: 0 }),
    minute: or(c.minute, { start: 0 }),
    hour: or(c.hour, { start: 0 }),
    dayOfMonth: or(c.dayOfMonth, { start: 1, end: 31 }),
    month: or(c.month, { start: 1, end: 12 }),
    year: rangesToProto(c.year),
    dayOfWeek: or(c.dayOfWeek, { start: 0, end: 6 }),
    comment: c.comment ?? "",
  };
}

function specToProto(spec: ScheduleSpec) {
  return {
    structuredCalendar: (spec.calendars ?? []).map(calendarToProto),
    excludeStructuredCalendar: (spec.skip ?? []).map(calendarToProto),
    cronString: spec.cronExpressions ?? [],
    interval: (spec.intervals ?? []).map((i) => ({
      interval: durationToProto(i.every),
      phase: duration(i.offset),
    })),
    startTime: spec.startAt === undefined ? undefined : dateToTimestamp(spec.startAt),
    endTime: spec.endAt === undefined ? undefined : dateToTimestamp(spec.endAt),
    jitter: duration(spec.jitter),
    timezoneName: spec.timeZoneName ?? "",
  };
}

/** The `temporal.api.schedule.v1.Schedule` init shape of a schedule, payloads encoded. */
export async function scheduleToProto(
  dc: DataConverter,
  schedule: Schedule,
): Promise<MessageInitShape<typeof ScheduleSchema>> {
  const a = schedule.action;
  const memo = await encodeMap(dc, a.memo);
  const summary = a.staticSummary === undefined ? undefined : await encodeValue(dc, a.staticSummary);
  const details = a.staticDetails === undefined ? undefined : await encodeValue(dc, a.staticDetails);
  return {
    spec: specToProto(schedule.spec),
    action: {
      action: {
        case: "startWorkflow",
        value: {
          workflowId: a.id,
          workflowType: { name: workflowTypeName(a.workflow) },
          taskQueue: { name: a.taskQueue },
          input: { payloads: await encodeValues(dc, a.args ?? []) },
          workflowExecutionTimeout: duration(a.executionTimeout),
          workflowRunTimeout: duration(a.runTimeout),
          workflowTaskTimeout: duration(a.taskTimeout),
          retryPolicy: a.retryPolicy === undefined ? undefined : retryPolicyToProto(a.retryPolicy),
          memo: memo === undefined ? undefined : { fields: memo },
          searchAttributes: a.searchAttributes === undefined
            ? undefined
            : { indexedFields: encodeSearchAttributes(a.searchAttributes) },
          userMetadata: summary === undefined && details === undefined ? undefined : { summary, details },
          priority: a.priority === undefined ? undefined : {
            priorityKey: a.priority.priorityKey ?? 0,
            fairnessKey: a.priority.fairnessKey ?? "",
            fairnessWeight: a.priority.fairnessWeight ?? 0,
          },
        },
      },
    },
    policies: {
      overlapPolicy: overlapToProto(schedule.policy?.overlap),
      catchupWindow: duration(schedule.policy?.catchupWindow),
      pauseOnFailure: schedule.policy?.pauseOnFailure ?? false,
      keepOriginalWorkflowId: schedule.policy?.keepOriginalWorkflowId ?? false,
    },
    state: {
      notes: schedule.state?.note ?? "",
      paused: schedule.state?.paused ?? false,
      limitedActions: schedule.state?.limitedActions ?? false,
      remainingActions: BigInt(schedule.state?.remainingActions ?? 0),
    },
  };
}

function rangesFromProto(ranges: Range[]): ScheduleRange[] | undefined {
  if (ranges.length === 0) return undefined;
  return ranges.map((r) => ({ start: r.start, end: Math.max(r.end, r.start), step: r.step || 1 }));
}

function calendarFromProto(c: StructuredCalendarSpec): ScheduleCalendarSpec {
  const out: ScheduleCalendarSpec = {};
  const fields = ["second", "minute", "hour", "dayOfMonth", "month", "year", "dayOfWeek"] as const;
  for (const field of fields) {
    const ranges = rangesFromProto(c[field]);
    if (ranges !== undefined) out[field] = ranges;
  }
  if (c.comment !== "") out.comment = c.comment;
  return out;
}

/** A spec read back from the wire. */
export function specFromProto(spec: ScheduleSpecProto | undefined): ScheduleSpec {
  if (spec === undefined) return {};
  const out: ScheduleSpec = {};
  if (spec.structuredCalendar.length > 0) out.calendars = spec.structuredCalendar.map(calendarFromProto);
  if (spec.excludeStructuredCalendar.length > 0) {
    out.skip = spec.excludeStructuredCalendar.map(calendarFromProto);
  }
  if (spec.cronString.length > 0) out.cronExpressions = [...spec.cronString];
  if (spec.interval.length > 0) {
    out.intervals = spec.interval.map((i) => ({
      every: protoDurationToMs(i.interval) ?? 0,
      ...(i.phase === undefined || protoDurationToMs(i.phase) === 0
        ? {}
        : { offset: protoDurationToMs(i.phase)! }),
    }));
  }
  if (spec.startTime !== undefined) out.startAt = timestampToDate(spec.startTime);
  if (spec.endTime !== undefined) out.endAt = timestampToDate(spec.endTime);
  if (spec.jitter !== undefined) out.jitter = protoDurationToMs(spec.jitter)!;
  if (spec.timezoneName !== "") out.timeZoneName = spec.timezoneName;
  return out;
}

/** A schedule read back from the wire, payloads decoded. */
export async function scheduleFromProto(
  dc: DataConverter,
  schedule: ScheduleProto | undefined,
): Promise<ScheduleDescriptionSchedule> {
  const action = schedule?.action?.action;
  if (action?.case !== "startWorkflow") {
    throw new Error(
      `Unsupported schedule action '${String(action?.case)}': Sandglass knows startWorkflow only`,
    );
  }
  const w = action.value;
  const summary = w.userMetadata?.summary;
  const details = w.userMetadata?.details;
  const policies = schedule?.policies;
  const state = schedule?.state;
  const ms = (d: typeof w.workflowRunTimeout) => protoDurationToMs(d);
  const description: ScheduleDescriptionSchedule = {
    action: {
      workflow: w.workflowType?.name ?? "",
      args: await decodeValues(dc, w.input?.payloads),
      id: w.workflowId,
      taskQueue: w.taskQueue?.name ?? "",
      ...(w.workflowExecutionTimeout === undefined
        ? {}
        : { executionTimeout: ms(w.workflowExecutionTimeout)! }),
      ...(w.workflowRunTimeout === undefined ? {} : { runTimeout: ms(w.workflowRunTimeout)! }),
      ...(w.workflowTaskTimeout === undefined ? {} : { taskTimeout: ms(w.workflowTaskTimeout)! }),
      ...(w.retryPolicy === undefined ? {} : { retryPolicy: retryPolicyFromProto(w.retryPolicy)! }),
      memo: await decodeMap(dc, w.memo?.fields),
      ...(summary === undefined ? {} : { staticSummary: await decodeFirst(dc, [summary]) as string }),
      ...(details === undefined ? {} : { staticDetails: await decodeFirst(dc, [details]) as string }),
    },
    spec: specFromProto(schedule?.spec),
    policy: {
      overlap: OVERLAP[policies?.overlapPolicy ?? 0] ?? "SKIP",
      ...(policies?.catchupWindow === undefined
        ? {}
        : { catchupWindow: protoDurationToMs(policies.catchupWindow)! }),
      pauseOnFailure: policies?.pauseOnFailure ?? false,
      keepOriginalWorkflowId: policies?.keepOriginalWorkflowId ?? false,
    },
    state: {
      note: state?.notes ?? "",
      paused: state?.paused ?? false,
      limitedActions: state?.limitedActions ?? false,
      remainingActions: Number(state?.remainingActions ?? 0n),
    },
  };
  return description;
}

/** Actions a schedule took, from the wire. */
export function actionsFromProto(results: ScheduleActionResult[]): ScheduleActionExecution[] {
  return results.map((r) => ({
    scheduledAt: date(r.scheduleTime),
    startedAt: date(r.actualTime),
    workflowId: r.startWorkflowResult?.workflowId ?? "",
    firstExecutionRunId: r.startWorkflowResult?.runId ?? "",
  }));
}

export { date as timestampToDate };
