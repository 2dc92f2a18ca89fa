/**
 * What every command state machine shares: the engine context it acts through, the outgoing
 * command record matched against history, and helpers for naming events and commands in errors.
 *
 * @module
 */

import type { Command as ProtoCommand } from "../../../gen/temporal/api/command/v1/message_pb.ts";
import type { Message } from "../../../gen/temporal/api/protocol/v1/message_pb.ts";
import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import type { ActivationJob } from "../../../sandbox/protocol.ts";
import { NondeterminismError } from "../nondeterminism_error.ts";
import type { StateMachine } from "../state_machine.ts";

/** The `attributes.case` names of history events. */
export type EventCase = NonNullable<HistoryEvent["attributes"]["case"]>;

/** The attributes message of the history event case `C`. */
export type EventAttributes<C extends EventCase> = Extract<HistoryEvent["attributes"], { case: C }>["value"];

/** What a machine may do to the run: emit jobs, queue commands, route later events to itself. */
export interface EngineContext {
  readonly namespace: string;
  /** The workflow's task queue (the default for activities and children). */
  readonly taskQueue: string;
  readonly workflowId: string;
  readonly workflowType: string;
  /** Workflow time of the current task, ms since the epoch. */
  readonly currentTime: number;
  /** True while the current workflow task is being replayed from history. */
  readonly replaying: boolean;
  /** Adds a job to the next activation. */
  pushJob(job: ActivationJob): void;
  /** Routes later events that point at `eventId` (scheduled/initiated/started id) to `machine`. */
  route(eventId: bigint, machine: CommandMachine): void;
  /** Queues a command to send, in order; history must echo it with a command event. */
  enqueue(command: OutgoingCommand): void;
  /** Sends a protocol message that no command carries (an update rejection) with the current task. */
  sendMessage(message: Message): void;
  /** Removes a command not yet matched by history; false if it is not queued any more. */
  dequeue(command: OutgoingCommand): boolean;
}

/** A command the workflow issued, waiting for its command event in history. */
export interface OutgoingCommand {
  readonly machine: CommandMachine;
  readonly proto: ProtoCommand;
  /** The history event case this command produces. */
  readonly event: EventCase;
  /** Names the command in errors, e.g. `startTimer seq=1`. */
  readonly description: string;
  /** A protocol message sent together with this command (update acceptances and responses). */
  readonly message?: Message;
}

/** One command state machine instance. */
export interface CommandMachine {
  readonly fsm: StateMachine<string, string>;
  /** The command event for `command` arrived: checks identifying attributes, then transitions. */
  handleCommandEvent(command: OutgoingCommand, event: HistoryEvent): void;
  /** A later (non-command) event routed to this machine. */
  handleEvent(event: HistoryEvent): void;
}

/** The event's type name without the attribute suffix, e.g. `TimerStarted`. */
export function eventTypeName(event: HistoryEvent): string {
  const c = event.attributes.case;
  if (c === undefined) return `EventType(${event.eventType})`;
  const base = c.replace(/EventAttributes$/, "");
  return base.charAt(0).toUpperCase() + base.slice(1);
}

/** Names an event in errors: `event 5 TimerStarted`. */
export function describeEvent(event: HistoryEvent): string {
  return `event ${event.eventId} ${eventTypeName(event)}`;
}

/** The attributes of `event`, which must be of case `c`. */
export function attributesOf<C extends EventCase>(event: HistoryEvent, c: C): EventAttributes<C> {
  if (event.attributes.case !== c) {
    throw new NondeterminismError(
      "SG1106",
      `Expected a ${c.replace(/EventAttributes$/, "")} event, got ${describeEvent(event)}`,
    );
  }
  return event.attributes.value as EventAttributes<C>;
}

/** Throws `SG1101` if an identifying attribute of a command differs from its history event. */
export function checkAttribute(
  command: OutgoingCommand,
  event: HistoryEvent,
  field: string,
  issued: unknown,
  recorded: unknown,
): void {
  if (issued === recorded) return;
  throw new NondeterminismError(
    "SG1101",
    `Command ${command.description} does not match ${describeEvent(event)}: ${field} is ` +
      `${JSON.stringify(issued)} in the workflow but ${JSON.stringify(recorded)} in history`,
  );
}
