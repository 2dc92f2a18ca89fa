/**
 * Creating and listing schedules, and the implementations of the schedule calls.
 *
 * @module
 */

import { dateToTimestamp } from "../common/timestamp.ts";
import { callOptions, type ClientContext, rpcOptionsOf } from "./_context.ts";
import { decodeMap, encodeMap } from "./_data.ts";
import { mapScheduleCreateError } from "./_errors.ts";
import {
  actionsFromProto,
  overlapToProto,
  scheduleFromProto,
  scheduleToProto,
  specFromProto,
  timestampToDate,
  validateSchedule,
} from "./_schedule_convert.ts";
import { ScheduleHandle } from "./schedule_handle.ts";
import type {
  CreateScheduleInput,
  ListSchedulesInput,
  ListSchedulesOutput,
  PatchScheduleInput,
  ScheduleIdInput,
  SchedulePatch,
  UpdateScheduleInput,
} from "./schedule_interceptors.ts";
import type { Schedule, ScheduleBackfill, ScheduleDescription, ScheduleListEntry } from "./schedule_types.ts";
import {
  decodeSearchAttributes,
  encodeSearchAttributes,
  type SearchAttributesInput,
} from "./search_attributes.ts";
import type { RpcOptions } from "./types.ts";

/** Options of `client.createSchedule`. */
export interface CreateScheduleOptions extends RpcOptions {
  /** What, when and how. Required. */
  schedule: Schedule;
  /** Take one action right away. Default: `false`. */
  triggerImmediately?: boolean;
  /** Periods to take actions for as if they had just passed. Default: none. */
  backfill?: ScheduleBackfill[];
  /** Memo of the schedule itself. Default: none. */
  memo?: Record<string, unknown>;
  /** Search attributes of the schedule itself. Default: none. */
  searchAttributes?: SearchAttributesInput;
}

/** Options of `client.listSchedules`. */
export interface ListSchedulesOptions extends RpcOptions {
  /** Schedules per page. Default: 1000. */
  pageSize?: number;
}

export function checkBackfills(backfills: readonly ScheduleBackfill[]): void {
  if (!Array.isArray(backfills)) {
    throw new TypeError("Invalid backfill: expected an array of { startAt, endAt }");
  }
  for (const b of backfills) {
    if (!(b?.startAt instanceof Date) || !(b.endAt instanceof Date) || b.endAt < b.startAt) {
      throw new TypeError(
        "Invalid backfill: expected { startAt: Date, endAt: Date } with endAt not before startAt",
      );
    }
    overlapToProto(b.overlap);
  }
}

export function checkScheduleId(scheduleId: string): void {
  if (typeof scheduleId !== "string" || scheduleId === "") {
    throw new TypeError(`Missing schedule id: expected a non-empty string, got '${String(scheduleId)}'`);
  }
}

/** Validates, creates the schedule and returns its handle. */
export async function createSchedule(
  ctx: ClientContext,
  scheduleId: string,
  options: CreateScheduleOptions,
): Promise<ScheduleHandle> {
  checkScheduleId(scheduleId);
  if (typeof options !== "object" || options === null) {
    throw new TypeError("Missing schedule options: expected { schedule, ... }");
  }
  validateSchedule(options.schedule);
  checkBackfills(options.backfill ?? []);
  if (options.searchAttributes !== undefined) encodeSearchAttributes(options.searchAttributes);
  await ctx.invoke("createSchedule", {
    ...rpcOptionsOf(options),
    scheduleId,
    schedule: options.schedule,
    triggerImmediately: options.triggerImmediately ?? false,
    backfill: options.backfill ?? [],
    ...(options.memo === undefined ? {} : { memo: options.memo }),
    ...(options.searchAttributes === undefined ? {} : { searchAttributes: options.searchAttributes }),
  });
  return new ScheduleHandle(ctx, scheduleId);
}

/** Lists schedules lazily. */
export async function* listSchedules(
  ctx: ClientContext,
  query: string | undefined,
  options: ListSchedulesOptions,
): AsyncGenerator<ScheduleListEntry, void, undefined> {
  let token: Uint8Array | undefined;
  do {
    const page = await ctx.invoke("listSchedules", {
      ...rpcOptionsOf(options),
      ...(query === undefined ? {} : { query }),
      pageSize: options.pageSize ?? 1000,
      ...(token === undefined ? {} : { nextPageToken: token }),
    });
    yield* page.schedules;
    token = page.nextPageToken.length > 0 ? page.nextPageToken : undefined;
  } while (token !== undefined);
}

function patchToProto(patch: SchedulePatch) {
  return {
    triggerImmediately: patch.trigger === undefined
      ? undefined
      : { overlapPolicy: overlapToProto(patch.trigger.overlap) },
    backfillRequest: (patch.backfill ?? []).map((b) => ({
      startTime: dateToTimestamp(b.startAt),
      endTime: dateToTimestamp(b.endAt),
      overlapPolicy: overlapToProto(b.overlap),
    })),
    pause: patch.pause ?? "",
    unpause: patch.unpause ?? "",
  };
}

/** The implementations of the schedule calls. */
export const scheduleCalls = {
  async createSchedule(ctx: ClientContext, input: CreateScheduleInput): Promise<void> {
    const memo = await encodeMap(ctx.dataConverter, input.memo);
    const hasPatch = input.triggerImmediately || input.backfill.length > 0;
    try {
      await ctx.workflowService.createSchedule({
        namespace: ctx.namespace,
        scheduleId: input.scheduleId,
        schedule: await scheduleToProto(ctx.dataConverter, input.schedule),
        initialPatch: hasPatch
          ? patchToProto({ ...(input.triggerImmediately ? { trigger: {} } : {}), backfill: input.backfill })
          : undefined,
        identity: ctx.identity,
        requestId: crypto.randomUUID(),
        memo: memo === undefined ? undefined : { fields: memo },
        searchAttributes: input.searchAttributes === undefined
          ? undefined
          : { indexedFields: encodeSearchAttributes(input.searchAttributes) },
      }, callOptions(input));
    } catch (err) {
      throw mapScheduleCreateError(err, input.scheduleId);
    }
  },

  async describeSchedule(ctx: ClientContext, input: ScheduleIdInput): Promise<ScheduleDescription> {
    const response = await ctx.workflowService.describeSchedule(
      { namespace: ctx.namespace, scheduleId: input.scheduleId },
      callOptions(input),
    );
    const info = response.info;
    return {
      id: input.scheduleId,
      schedule: await scheduleFromProto(ctx.dataConverter, response.schedule),
      info: {
        numActions: Number(info?.actionCount ?? 0n),
        numActionsMissedCatchupWindow: Number(info?.missedCatchupWindow ?? 0n),
        numActionsSkippedOverlap: Number(info?.overlapSkipped ?? 0n),
        runningActions: (info?.runningWorkflows ?? []).map((w) => ({
          workflowId: w.workflowId,
          runId: w.runId,
        })),
        recentActions: actionsFromProto(info?.recentActions ?? []),
        nextActionTimes: (info?.futureActionTimes ?? []).map((t) => timestampToDate(t)!),
        createdAt: timestampToDate(info?.createTime),
        lastUpdatedAt: timestampToDate(info?.updateTime),
      },
      searchAttributes: decodeSearchAttributes(response.searchAttributes?.indexedFields),
      memo: () => decodeMap(ctx.dataConverter, response.memo?.fields),
      conflictToken: response.conflictToken,
      raw: response,
    };
  },

  async updateSchedule(ctx: ClientContext, input: UpdateScheduleInput): Promise<void> {
    await ctx.workflowService.updateSchedule({
      namespace: ctx.namespace,
      scheduleId: input.scheduleId,
      schedule: await scheduleToProto(ctx.dataConverter, input.schedule),
      conflictToken: input.conflictToken,
      identity: ctx.identity,
      requestId: crypto.randomUUID(),
      searchAttributes: input.searchAttributes === undefined
        ? undefined
        : { indexedFields: encodeSearchAttributes(input.searchAttributes) },
    }, callOptions(input));
  },

  async patchSchedule(ctx: ClientContext, input: PatchScheduleInput): Promise<void> {
    await ctx.workflowService.patchSchedule({
      namespace: ctx.namespace,
      scheduleId: input.scheduleId,
      patch: patchToProto(input.patch),
      identity: ctx.identity,
      requestId: crypto.randomUUID(),
    }, callOptions(input));
  },

  async deleteSchedule(ctx: ClientContext, input: ScheduleIdInput): Promise<void> {
    await ctx.workflowService.deleteSchedule(
      { namespace: ctx.namespace, scheduleId: input.scheduleId, identity: ctx.identity },
      callOptions(input),
    );
  },

  async listSchedules(ctx: ClientContext, input: ListSchedulesInput): Promise<ListSchedulesOutput> {
    const response = await ctx.workflowService.listSchedules({
      namespace: ctx.namespace,
      maximumPageSize: input.pageSize,
      nextPageToken: input.nextPageToken ?? new Uint8Array(),
      query: input.query ?? "",
    }, callOptions(input));
    return {
      schedules: response.schedules.map((entry) => ({
        id: entry.scheduleId,
        schedule: entry.info === undefined ? undefined : {
          spec: specFromProto(entry.info.spec),
          workflowType: entry.info.workflowType?.name ?? "",
          note: entry.info.notes,
          paused: entry.info.paused,
        },
        recentActions: actionsFromProto(entry.info?.recentActions ?? []),
        nextActionTimes: (entry.info?.futureActionTimes ?? []).map((t) => timestampToDate(t)!),
        searchAttributes: decodeSearchAttributes(entry.searchAttributes?.indexedFields),
        memo: () => decodeMap(ctx.dataConverter, entry.memo?.fields),
        raw: entry,
      })),
      nextPageToken: response.nextPageToken,
    };
  },
};
