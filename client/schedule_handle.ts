/**
 * A handle to a schedule: describe, update (read-modify-write), pause, unpause, trigger,
 * backfill, delete.
 *
 * @module
 */

import { type ClientContext, rpcOptionsOf } from "./_context.ts";
import { validateSchedule } from "./_schedule_convert.ts";
import type {
  ScheduleBackfill,
  ScheduleDescription,
  ScheduleOverlapPolicy,
  ScheduleUpdate,
} from "./schedule_types.ts";
import { encodeSearchAttributes } from "./search_attributes.ts";
import type { RpcOptions } from "./types.ts";

function checkNote(note: unknown): void {
  if (note !== undefined && typeof note !== "string") {
    throw new TypeError(`Invalid note '${String(note)}': expected a string`);
  }
}

/**
 * A handle to a schedule.
 *
 * @example
 * ```ts
 * const schedule = client.getScheduleHandle("nightly-report");
 * await schedule.pause("Quarter close");
 * await schedule.trigger({ overlap: "ALLOW_ALL" });
 * ```
 */
export class ScheduleHandle {
  /** The schedule id. */
  readonly id: string;
  readonly #ctx: ClientContext;

  /** @internal Made by `client.createSchedule` and `client.getScheduleHandle`. */
  constructor(ctx: ClientContext, id: string) {
    if (typeof id !== "string" || id === "") {
      throw new TypeError(`Missing schedule id: expected a non-empty string, got '${String(id)}'`);
    }
    this.#ctx = ctx;
    this.id = id;
  }

  /** Describes the schedule: its definition, state, recent and next actions. */
  describe(options: RpcOptions = {}): Promise<ScheduleDescription> {
    return this.#ctx.invoke("describeSchedule", { ...rpcOptionsOf(options), scheduleId: this.id });
  }

  /**
   * Updates the schedule by read-modify-write: `updater` receives the current description and
   * returns the new schedule (or `undefined` to change nothing); the write carries the conflict
   * token of the description read, so the server discards it if the schedule changed in between.
   *
   * @example
   * ```ts
   * await handle.update((current) => ({
   *   schedule: { ...current.schedule, action: { ...current.schedule.action, args: ["v2"] } },
   * }));
   * ```
   */
  async update(
    updater: (
      description: ScheduleDescription,
    ) => ScheduleUpdate | undefined | Promise<ScheduleUpdate | undefined>,
    options: RpcOptions = {},
  ): Promise<void> {
    if (typeof updater !== "function") throw new TypeError("Missing updater: expected a function");
    const description = await this.describe(options);
    const update = await updater(description);
    if (update === undefined) return;
    validateSchedule(update.schedule);
    if (update.searchAttributes !== undefined) encodeSearchAttributes(update.searchAttributes);
    await this.#ctx.invoke("updateSchedule", {
      ...rpcOptionsOf(options),
      scheduleId: this.id,
      schedule: update.schedule,
      conflictToken: description.conflictToken,
      ...(update.searchAttributes === undefined ? {} : { searchAttributes: update.searchAttributes }),
    });
  }

  /** Pauses the schedule, with a note. */
  async pause(note = "Paused via Sandglass", options: RpcOptions = {}): Promise<void> {
    checkNote(note);
    await this.#ctx.invoke("patchSchedule", {
      ...rpcOptionsOf(options),
      scheduleId: this.id,
      patch: { pause: note },
    });
  }

  /** Unpauses the schedule, with a note. */
  async unpause(note = "Unpaused via Sandglass", options: RpcOptions = {}): Promise<void> {
    checkNote(note);
    await this.#ctx.invoke("patchSchedule", {
      ...rpcOptionsOf(options),
      scheduleId: this.id,
      patch: { unpause: note },
    });
  }

  /** Takes an action now, with an overlap policy (default: the schedule's). */
  trigger(options: RpcOptions & { overlap?: ScheduleOverlapPolicy } = {}): Promise<void> {
    return this.#ctx.invoke("patchSchedule", {
      ...rpcOptionsOf(options),
      scheduleId: this.id,
      patch: { trigger: options.overlap === undefined ? {} : { overlap: options.overlap } },
    });
  }

  /** Takes the actions of past periods as if they had just passed. */
  async backfill(backfills: ScheduleBackfill[], options: RpcOptions = {}): Promise<void> {
    if (!Array.isArray(backfills) || backfills.length === 0) {
      throw new TypeError("Missing backfill: give at least one { startAt, endAt }");
    }
    for (const b of backfills) {
      if (!(b?.startAt instanceof Date) || !(b.endAt instanceof Date) || b.endAt < b.startAt) {
        throw new TypeError(
          "Invalid backfill: expected { startAt: Date, endAt: Date } with endAt not before startAt",
        );
      }
    }
    await this.#ctx.invoke("patchSchedule", {
      ...rpcOptionsOf(options),
      scheduleId: this.id,
      patch: { backfill: backfills },
    });
  }

  /** Deletes the schedule (workflows it started keep running). */
  delete(options: RpcOptions = {}): Promise<void> {
    return this.#ctx.invoke("deleteSchedule", { ...rpcOptionsOf(options), scheduleId: this.id });
  }
}
