/**
 * The interceptable schedule calls: their inputs and outputs.
 *
 * @module
 */

import type {
  Schedule,
  ScheduleBackfill,
  ScheduleDescription,
  ScheduleListEntry,
  ScheduleOverlapPolicy,
} from "./schedule_types.ts";
import type { SearchAttributesInput } from "./search_attributes.ts";
import type { RpcOptions } from "./types.ts";

/** Input of `createSchedule`. */
export interface CreateScheduleInput extends RpcOptions {
  readonly scheduleId: string;
  readonly schedule: Schedule;
  readonly triggerImmediately: boolean;
  readonly backfill: readonly ScheduleBackfill[];
  readonly memo?: Record<string, unknown>;
  readonly searchAttributes?: SearchAttributesInput;
}

/** Input of `describeSchedule` and `deleteSchedule`. */
export interface ScheduleIdInput extends RpcOptions {
  readonly scheduleId: string;
}

/** Input of `updateSchedule`. */
export interface UpdateScheduleInput extends RpcOptions {
  readonly scheduleId: string;
  readonly schedule: Schedule;
  /** The token of the version the update was computed from; the server rejects it if stale. */
  readonly conflictToken: Uint8Array;
  readonly searchAttributes?: SearchAttributesInput;
}

/** A change applied to a schedule without a read-modify-write. */
export interface SchedulePatch {
  readonly trigger?: { readonly overlap?: ScheduleOverlapPolicy };
  readonly backfill?: readonly ScheduleBackfill[];
  /** Pause, with this note. */
  readonly pause?: string;
  /** Unpause, with this note. */
  readonly unpause?: string;
}

/** Input of `patchSchedule`. */
export interface PatchScheduleInput extends RpcOptions {
  readonly scheduleId: string;
  readonly patch: SchedulePatch;
}

/** Input of `listSchedules`: one page. */
export interface ListSchedulesInput extends RpcOptions {
  readonly query?: string;
  readonly pageSize: number;
  readonly nextPageToken?: Uint8Array;
}

/** Output of `listSchedules`. */
export interface ListSchedulesOutput {
  readonly schedules: ScheduleListEntry[];
  readonly nextPageToken: Uint8Array;
}

/** The interceptable schedule calls: `[input, output]`. */
export interface ScheduleCalls {
  createSchedule: [CreateScheduleInput, void];
  describeSchedule: [ScheduleIdInput, ScheduleDescription];
  updateSchedule: [UpdateScheduleInput, void];
  patchSchedule: [PatchScheduleInput, void];
  deleteSchedule: [ScheduleIdInput, void];
  listSchedules: [ListSchedulesInput, ListSchedulesOutput];
}
