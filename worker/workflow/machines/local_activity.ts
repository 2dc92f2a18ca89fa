/**
 * The local activity machine: `scheduleLocalActivity` / `requestCancelLocalActivity` commands, run
 * on the host within the workflow task and recorded as `core_local_activity` markers (sdk-core's
 * format, so histories move between SDKs). In replay the result comes from the marker, matched by
 * sequence number rather than by command order.
 *
 * @module
 */

import { create } from "@bufbuild/protobuf";
import { CommandSchema } from "../../../gen/temporal/api/command/v1/message_pb.ts";
import { PayloadsSchema } from "../../../gen/temporal/api/common/v1/message_pb.ts";
import { CommandType } from "../../../gen/temporal/api/enums/v1/command_type_pb.ts";
import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import type { ActivityResolution, ScheduleLocalActivityCommand } from "../../../sandbox/protocol.ts";
import { failureFromJson, failureToJson, firstPayloadToJson, payloadFromJson } from "../convert.ts";
import { defineMachine, StateMachine } from "../state_machine.ts";
import {
  checkAttribute,
  type CommandMachine,
  describeEvent,
  type EngineContext,
  type OutgoingCommand,
} from "./machine.ts";
import { NondeterminismError } from "../nondeterminism_error.ts";

/** The marker name of local activities (shared with sdk-core based SDKs). */
export const LOCAL_ACTIVITY_MARKER_NAME = "core_local_activity";

type State =
  | "Executing"
  | "WaitingMarker"
  | "MarkerCommandCreated"
  | "MarkerRecorded";
type Trigger = "execute" | "resolve" | "cancel" | "MarkerRecorded";

/** The local activity machine's transition table (`WaitingMarker` is the replay start state). */
export const localActivityMachine = defineMachine<State, Trigger>("localActivity", "WaitingMarker", [
  ["WaitingMarker", "execute", "Executing"],
  ["WaitingMarker", "MarkerRecorded", "MarkerRecorded"],
  ["WaitingMarker", "cancel", "WaitingMarker"],
  ["Executing", "resolve", "MarkerCommandCreated"],
  ["Executing", "cancel", "Executing"],
  ["MarkerCommandCreated", "MarkerRecorded", "MarkerRecorded"],
  ["MarkerCommandCreated", "cancel", "MarkerCommandCreated"],
  ["MarkerRecorded", "cancel", "MarkerRecorded"],
]);

/** The `data` of a local activity marker (snake_case JSON, as sdk-core writes it). */
export interface LocalActivityMarkerData {
  seq: number;
  attempt: number;
  activity_id: string;
  activity_type: string;
  complete_time?: { seconds: number; nanos: number } | null;
  backoff?: { seconds: number; nanos: number } | null;
  original_schedule_time?: { seconds: number; nanos: number } | null;
}

/** Reads a local activity marker's data; undefined for other events. */
export function readLocalActivityMarker(event: HistoryEvent): LocalActivityMarkerData | undefined {
  if (event.attributes.case !== "markerRecordedEventAttributes") return undefined;
  const a = event.attributes.value;
  if (a.markerName !== LOCAL_ACTIVITY_MARKER_NAME) return undefined;
  const data = a.details["data"]?.payloads[0];
  if (data === undefined) return undefined;
  try {
    return JSON.parse(new TextDecoder().decode(data.data)) as LocalActivityMarkerData;
  } catch {
    return undefined;
  }
}

/** What the host must run for a local activity. */
export interface LocalActivityRequest {
  readonly command: ScheduleLocalActivityCommand;
  /** Aborted when the workflow cancels the local activity. */
  readonly signal: AbortSignal;
}

/** One local activity, keyed by its sequence number (shared with activities). */
export class LocalActivityMachine implements CommandMachine {
  readonly fsm: StateMachine<State, Trigger>;
  readonly seq: number;
  readonly command: ScheduleLocalActivityCommand;
  readonly #ctx: EngineContext;
  readonly #abort = new AbortController();
  #marker: OutgoingCommand | undefined;
  #resolved = false;
  #running = false;

  constructor(ctx: EngineContext, command: ScheduleLocalActivityCommand) {
    this.#ctx = ctx;
    this.command = command;
    this.seq = command.seq;
    this.fsm = new StateMachine(
      localActivityMachine,
      `localActivity seq=${command.seq} (${command.activityType})`,
    );
    if (!ctx.replaying) this.fsm.fire("execute");
  }

  /** True if the host should start running it now. */
  needsExecution(): boolean {
    return this.fsm.state === "Executing" && !this.#running;
  }

  /** True while the host runs it and its outcome is still awaited (not resolved, not cancelled). */
  get executing(): boolean {
    return this.fsm.state === "Executing";
  }

  /**
   * Aborts the host's run without resolving the workflow's promise: the task that ran it ends
   * without a marker (the run ended, or the task could not go on), so a later task runs it again
   * if the workflow still waits for it.
   */
  abandon(): void {
    this.#abort.abort();
  }

  /** Moves a local activity whose marker replay did not find into execution (the task is new work). */
  startIfWaiting(): void {
    if (this.fsm.state === "WaitingMarker" && !this.#resolved) this.fsm.fire("execute");
  }

  /** Hands the request to the host, once. */
  takeRequest(): LocalActivityRequest {
    this.#running = true;
    return { command: this.command, signal: this.#abort.signal };
  }

  /** The host finished running it (or gave up): records the marker and resolves the workflow's promise. */
  resolve(result: ActivityResolution, completeTimeMs: number): void {
    if (this.fsm.state !== "Executing") return;
    this.fsm.fire("resolve");
    const data: LocalActivityMarkerData = {
      seq: this.seq,
      attempt: result.status === "backoff" ? result.attempt - 1 : this.command.attempt,
      activity_id: this.command.activityId,
      activity_type: this.command.activityType,
      complete_time: toJsonTime(completeTimeMs),
      backoff: result.status === "backoff" ? toJsonTime(result.backoffMs) : null,
      original_schedule_time: toJsonTime(this.command.originalScheduleTime ?? completeTimeMs),
    };
    const details: Record<string, ReturnType<typeof create<typeof PayloadsSchema>>> = {
      data: create(PayloadsSchema, {
        payloads: [{
          metadata: { encoding: new TextEncoder().encode("json/plain") },
          data: new TextEncoder().encode(JSON.stringify(data)),
        }],
      }),
    };
    if (result.status === "completed" && result.result !== undefined) {
      details["result"] = create(PayloadsSchema, { payloads: [payloadFromJson(result.result)] });
    }
    const failure = result.status === "failed" || result.status === "cancelled"
      ? failureFromJson(result.failure)
      : undefined;
    this.#marker = {
      machine: this,
      event: "markerRecordedEventAttributes",
      description: `scheduleLocalActivity seq=${this.seq} (type '${this.command.activityType}')`,
      proto: create(CommandSchema, {
        commandType: CommandType.RECORD_MARKER,
        attributes: {
          case: "recordMarkerCommandAttributes",
          value: { markerName: LOCAL_ACTIVITY_MARKER_NAME, details, failure },
        },
      }),
    };
    this.#ctx.enqueue(this.#marker);
    this.#push(result);
  }

  /**
   * The workflow cancelled the local activity: the host's run is aborted and, in new work, the
   * activity resolves as cancelled at once (in replay its marker says how it ended).
   */
  cancel(): void {
    this.fsm.fire("cancel");
    this.#abort.abort();
    if (this.#ctx.replaying || this.#resolved) return;
    if (this.fsm.state === "WaitingMarker") this.fsm.fire("execute");
    this.resolve({
      status: "cancelled",
      failure: { message: "Local activity cancelled", canceledFailureInfo: {} },
    }, this.#ctx.currentTime);
  }

  /** The marker for this local activity appeared in history. */
  handleMarker(event: HistoryEvent, data: LocalActivityMarkerData): void {
    if (this.#marker !== undefined) this.#ctx.dequeue(this.#marker);
    const command = this.#marker ??
      {
        machine: this,
        event: "markerRecordedEventAttributes" as const,
        description: `scheduleLocalActivity seq=${this.seq}`,
        proto: create(CommandSchema, {}),
      };
    checkAttribute(command, event, "activity type", this.command.activityType, data.activity_type);
    this.fsm.fire("MarkerRecorded", Number(event.eventId));
    if (this.#resolved) return;
    const a = event.attributes.case === "markerRecordedEventAttributes" ? event.attributes.value : undefined;
    if (a === undefined) {
      throw new NondeterminismError("SG1106", `Expected a marker, got ${describeEvent(event)}`);
    }
    if (data.backoff) {
      this.#push({
        status: "backoff",
        attempt: data.attempt + 1,
        backoffMs: fromJsonTime(data.backoff),
        originalScheduleTime: data.original_schedule_time
          ? fromJsonTime(data.original_schedule_time)
          : undefined,
      });
    } else if (a.failure !== undefined) {
      const failure = failureToJson(a.failure);
      const cancelled = a.failure.failureInfo.case === "canceledFailureInfo" ||
        a.failure.cause?.failureInfo.case === "canceledFailureInfo";
      this.#push(cancelled ? { status: "cancelled", failure } : { status: "failed", failure });
    } else {
      this.#push({ status: "completed", result: firstPayloadToJson(a.details["result"]) });
    }
  }

  handleCommandEvent(_command: OutgoingCommand, event: HistoryEvent): void {
    const data = readLocalActivityMarker(event);
    if (data === undefined) {
      throw new NondeterminismError(
        "SG1106",
        `Expected a local activity marker, got ${describeEvent(event)}`,
      );
    }
    this.handleMarker(event, data);
  }

  handleEvent(event: HistoryEvent): void {
    this.handleCommandEvent(undefined as never, event);
  }

  #push(result: ActivityResolution): void {
    if (this.#resolved) return;
    this.#resolved = true;
    if (result.status === "backoff" && result.originalScheduleTime === undefined) {
      delete result.originalScheduleTime;
    }
    this.#ctx.pushJob({ kind: "resolveLocalActivity", seq: this.seq, result });
  }
}

function toJsonTime(ms: number): { seconds: number; nanos: number } {
  const seconds = Math.floor(ms / 1000);
  return { seconds, nanos: Math.round((ms - seconds * 1000) * 1_000_000) };
}

function fromJsonTime(t: { seconds: number; nanos: number }): number {
  return t.seconds * 1000 + Math.floor(t.nanos / 1_000_000);
}
