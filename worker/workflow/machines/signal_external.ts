/**
 * The signal-external machine: `signalExternal` / `cancelSignalExternal` commands and the
 * `SignalExternalWorkflowExecutionInitiated`, `ExternalWorkflowExecutionSignaled` and
 * `SignalExternalWorkflowExecutionFailed` events.
 *
 * @module
 */

import { create } from "@bufbuild/protobuf";
import { CommandSchema } from "../../../gen/temporal/api/command/v1/message_pb.ts";
import { CommandType } from "../../../gen/temporal/api/enums/v1/command_type_pb.ts";
import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import type { FailureJson, SignalExternalCommand } from "../../../sandbox/protocol.ts";
import { headerFromJson, payloadsFromJson } from "../convert.ts";
import { defineMachine, StateMachine } from "../state_machine.ts";
import { checkAttribute, type CommandMachine, type EngineContext, type OutgoingCommand } from "./machine.ts";

type State = "Created" | "CommandCreated" | "CommandRecorded" | "Signaled" | "Failed" | "Cancelled";
type Trigger =
  | "schedule"
  | "cancel"
  | "SignalExternalWorkflowExecutionInitiated"
  | "ExternalWorkflowExecutionSignaled"
  | "SignalExternalWorkflowExecutionFailed";

/** The signal-external machine's transition table. */
export const signalExternalMachine = defineMachine<State, Trigger>("signalExternal", "Created", [
  ["Created", "schedule", "CommandCreated"],
  ["CommandCreated", "cancel", "Cancelled"],
  ["CommandCreated", "SignalExternalWorkflowExecutionInitiated", "CommandRecorded"],
  ["CommandRecorded", "cancel", "CommandRecorded"],
  ["CommandRecorded", "ExternalWorkflowExecutionSignaled", "Signaled"],
  ["CommandRecorded", "SignalExternalWorkflowExecutionFailed", "Failed"],
  ["Cancelled", "cancel", "Cancelled"],
  ["Signaled", "cancel", "Signaled"],
  ["Failed", "cancel", "Failed"],
]);

/** One signal sent to another workflow (or a child), keyed by its sequence number. */
export class SignalExternalMachine implements CommandMachine {
  readonly fsm: StateMachine<State, Trigger>;
  readonly seq: number;
  readonly #ctx: EngineContext;
  readonly #command: SignalExternalCommand;
  readonly #outgoing: OutgoingCommand;

  constructor(ctx: EngineContext, command: SignalExternalCommand) {
    this.#ctx = ctx;
    this.#command = command;
    this.seq = command.seq;
    this.fsm = new StateMachine(
      signalExternalMachine,
      `signalExternal seq=${command.seq} ('${command.signalName}')`,
    );
    this.fsm.fire("schedule");
    const t = command.target;
    this.#outgoing = {
      machine: this,
      event: "signalExternalWorkflowExecutionInitiatedEventAttributes",
      description: `signalExternal seq=${command.seq} (signal '${command.signalName}' to '${t.workflowId}')`,
      proto: create(CommandSchema, {
        commandType: CommandType.SIGNAL_EXTERNAL_WORKFLOW_EXECUTION,
        attributes: {
          case: "signalExternalWorkflowExecutionCommandAttributes",
          value: {
            namespace: t.kind === "execution" ? t.namespace || ctx.namespace : ctx.namespace,
            execution: { workflowId: t.workflowId, runId: t.kind === "execution" ? t.runId ?? "" : "" },
            signalName: command.signalName,
            input: payloadsFromJson(command.args),
            header: headerFromJson(command.headers),
            childWorkflowOnly: t.kind === "child",
          },
        },
      }),
    };
    ctx.enqueue(this.#outgoing);
  }

  /** The workflow cancelled the signal: only possible before it was sent. */
  cancel(): void {
    if (this.fsm.state === "CommandCreated") {
      this.#ctx.dequeue(this.#outgoing);
      this.fsm.fire("cancel");
      this.#ctx.pushJob({
        kind: "resolveSignalExternal",
        seq: this.seq,
        failure: { message: "Signal was cancelled before being sent", canceledFailureInfo: {} },
      });
      return;
    }
    this.fsm.fire("cancel");
  }

  handleCommandEvent(command: OutgoingCommand, event: HistoryEvent): void {
    if (event.attributes.case === "signalExternalWorkflowExecutionInitiatedEventAttributes") {
      const a = event.attributes.value;
      checkAttribute(command, event, "signalName", this.#command.signalName, a.signalName);
      checkAttribute(
        command,
        event,
        "workflowId",
        this.#command.target.workflowId,
        a.workflowExecution?.workflowId,
      );
    }
    this.fsm.fire("SignalExternalWorkflowExecutionInitiated", Number(event.eventId));
    this.#ctx.route(event.eventId, this);
  }

  handleEvent(event: HistoryEvent): void {
    const id = Number(event.eventId);
    if (event.attributes.case === "signalExternalWorkflowExecutionFailedEventAttributes") {
      this.fsm.fire("SignalExternalWorkflowExecutionFailed", id);
      const failure: FailureJson = {
        message:
          `Unable to signal external workflow '${this.#command.target.workflowId}' because it was not found`,
        applicationFailureInfo: { type: "ExternalWorkflowExecutionNotFound", nonRetryable: true },
      };
      this.#ctx.pushJob({ kind: "resolveSignalExternal", seq: this.seq, failure });
      return;
    }
    this.fsm.fire("ExternalWorkflowExecutionSignaled", id);
    this.#ctx.pushJob({ kind: "resolveSignalExternal", seq: this.seq });
  }
}
