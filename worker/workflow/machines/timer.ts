/**
 * The timer state machine: `startTimer` / `cancelTimer` commands, `TimerStarted`, `TimerFired`
 * and `TimerCanceled` events.
 *
 * @module
 */

import { create } from "@bufbuild/protobuf";
import { CommandSchema } from "../../../gen/temporal/api/command/v1/message_pb.ts";
import { CommandType } from "../../../gen/temporal/api/enums/v1/command_type_pb.ts";
import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import type { StartTimerCommand } from "../../../sandbox/protocol.ts";
import { msToDuration, payloadFromJson } from "../convert.ts";
import { defineMachine, StateMachine } from "../state_machine.ts";
import {
  attributesOf,
  checkAttribute,
  type CommandMachine,
  type EngineContext,
  type OutgoingCommand,
} from "./machine.ts";

type State =
  | "Created"
  | "StartCommandCreated"
  | "StartCommandRecorded"
  | "CancelTimerCommandCreated"
  | "Fired"
  | "Canceled";
type Trigger = "schedule" | "TimerStarted" | "TimerFired" | "cancel" | "TimerCanceled";

/** The timer machine's transition table. */
export const timerMachine = defineMachine<State, Trigger>("timer", "Created", [
  ["Created", "schedule", "StartCommandCreated"],
  ["StartCommandCreated", "TimerStarted", "StartCommandRecorded"],
  ["StartCommandCreated", "cancel", "Canceled"],
  ["StartCommandRecorded", "TimerFired", "Fired"],
  ["StartCommandRecorded", "cancel", "CancelTimerCommandCreated"],
  ["CancelTimerCommandCreated", "cancel", "CancelTimerCommandCreated"],
  ["CancelTimerCommandCreated", "TimerCanceled", "Canceled"],
  ["Canceled", "cancel", "Canceled"],
  ["Fired", "cancel", "Fired"],
]);

/** One durable timer, keyed by its sequence number (the timer id is the decimal seq). */
export class TimerMachine implements CommandMachine {
  readonly fsm: StateMachine<State, Trigger>;
  readonly seq: number;
  /** The timer id: the decimal seq, or the id history recorded (histories of other SDKs number differently). */
  timerId: string;
  readonly #ctx: EngineContext;
  #start: OutgoingCommand;

  constructor(ctx: EngineContext, command: StartTimerCommand) {
    this.#ctx = ctx;
    this.seq = command.seq;
    this.timerId = String(command.seq);
    this.fsm = new StateMachine(timerMachine, `timer seq=${command.seq}`);
    this.fsm.fire("schedule");
    this.#start = {
      machine: this,
      event: "timerStartedEventAttributes",
      description: `startTimer seq=${command.seq}`,
      proto: create(CommandSchema, {
        commandType: CommandType.START_TIMER,
        userMetadata: command.summary === undefined
          ? undefined
          : { summary: payloadFromJson(command.summary) },
        attributes: {
          case: "startTimerCommandAttributes",
          value: { timerId: this.timerId, startToFireTimeout: msToDuration(Math.max(command.durationMs, 1)) },
        },
      }),
    };
    ctx.enqueue(this.#start);
  }

  /** The workflow cancelled the timer (no job: the runtime settles its own promise). */
  cancel(): void {
    if (this.fsm.state === "StartCommandCreated") {
      this.#ctx.dequeue(this.#start);
      this.fsm.fire("cancel");
      return;
    }
    const before = this.fsm.state;
    this.fsm.fire("cancel");
    if (before === "StartCommandRecorded") {
      this.#ctx.enqueue({
        machine: this,
        event: "timerCanceledEventAttributes",
        description: `cancelTimer seq=${this.seq}`,
        proto: create(CommandSchema, {
          commandType: CommandType.CANCEL_TIMER,
          attributes: { case: "cancelTimerCommandAttributes", value: { timerId: this.timerId } },
        }),
      });
    }
  }

  handleCommandEvent(command: OutgoingCommand, event: HistoryEvent): void {
    if (event.attributes.case === "timerStartedEventAttributes") {
      // Timer ids are not compared: SDKs number timers differently, and order and kind are checked already.
      this.timerId = event.attributes.value.timerId;
      this.fsm.fire("TimerStarted", Number(event.eventId));
      this.#ctx.route(event.eventId, this);
    } else {
      const a = attributesOf(event, "timerCanceledEventAttributes");
      checkAttribute(command, event, "timerId", this.timerId, a.timerId);
      this.fsm.fire("TimerCanceled", Number(event.eventId));
    }
  }

  handleEvent(event: HistoryEvent): void {
    attributesOf(event, "timerFiredEventAttributes");
    this.fsm.fire("TimerFired", Number(event.eventId));
    this.#ctx.pushJob({ kind: "fireTimer", seq: this.seq });
  }
}
