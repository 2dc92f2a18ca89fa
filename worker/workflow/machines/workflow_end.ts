/**
 * The four machines that end a run: `completeWorkflow`, `failWorkflow`, `cancelWorkflow` and
 * `continueAsNew`. Each has its own table; they share one implementation because each is a
 * single command matched by a single event.
 *
 * @module
 */

import { create } from "@bufbuild/protobuf";
import {
  type Command as ProtoCommand,
  CommandSchema,
} from "../../../gen/temporal/api/command/v1/message_pb.ts";
import { CommandType } from "../../../gen/temporal/api/enums/v1/command_type_pb.ts";
import { TaskQueueKind } from "../../../gen/temporal/api/enums/v1/task_queue_pb.ts";
import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import type {
  CancelWorkflowCommand,
  CompleteWorkflowCommand,
  ContinueAsNewCommand,
  FailWorkflowCommand,
} from "../../../sandbox/protocol.ts";
import {
  failureFromJson,
  headerFromJson,
  memoFieldsFromJson,
  msToDuration,
  payloadFromJson,
  payloadsFromJson,
  retryPolicyFromJson,
  searchAttributesFromJson,
  useCompatibleVersion,
} from "../convert.ts";
import { defineMachine, type MachineDefinition, StateMachine } from "../state_machine.ts";
import {
  checkAttribute,
  type CommandMachine,
  type EngineContext,
  type EventCase,
  type OutgoingCommand,
} from "./machine.ts";

type State = "Created" | "CommandCreated" | "CommandRecorded";
type Trigger =
  | "schedule"
  | "WorkflowExecutionCompleted"
  | "WorkflowExecutionFailed"
  | "WorkflowExecutionCanceled"
  | "WorkflowExecutionContinuedAsNew";

function endMachine(name: string, event: Trigger): MachineDefinition<State, Trigger> {
  return defineMachine<State, Trigger>(name, "Created", [
    ["Created", "schedule", "CommandCreated"],
    ["CommandCreated", event, "CommandRecorded"],
  ]);
}

/** `Created --(schedule)--> CommandCreated --(WorkflowExecutionCompleted)--> CommandRecorded`. */
export const completeWorkflowMachine = endMachine("completeWorkflow", "WorkflowExecutionCompleted");
/** `Created --(schedule)--> CommandCreated --(WorkflowExecutionFailed)--> CommandRecorded`. */
export const failWorkflowMachine = endMachine("failWorkflow", "WorkflowExecutionFailed");
/** `Created --(schedule)--> CommandCreated --(WorkflowExecutionCanceled)--> CommandRecorded`. */
export const cancelWorkflowMachine = endMachine("cancelWorkflow", "WorkflowExecutionCanceled");
/** `Created --(schedule)--> CommandCreated --(WorkflowExecutionContinuedAsNew)--> CommandRecorded`. */
export const continueAsNewMachine = endMachine("continueAsNew", "WorkflowExecutionContinuedAsNew");

type EndCommand =
  | CompleteWorkflowCommand
  | FailWorkflowCommand
  | CancelWorkflowCommand
  | ContinueAsNewCommand;

/** The machine of a command that ends the run. */
export class WorkflowEndMachine implements CommandMachine {
  readonly fsm: StateMachine<State, Trigger>;
  readonly #command: EndCommand;

  constructor(ctx: EngineContext, command: EndCommand) {
    this.#command = command;
    const [def, event, proto] = build(ctx, command);
    this.fsm = new StateMachine(def, command.kind);
    this.fsm.fire("schedule");
    ctx.enqueue({ machine: this, event, description: command.kind, proto });
  }

  handleCommandEvent(command: OutgoingCommand, event: HistoryEvent): void {
    const a = event.attributes;
    if (
      a.case === "workflowExecutionContinuedAsNewEventAttributes" && this.#command.kind === "continueAsNew"
    ) {
      const type = this.#command.workflowType;
      if (type !== undefined && type !== "") {
        checkAttribute(command, event, "workflowType", type, a.value.workflowType?.name);
      }
    }
    const c = a.case ?? "";
    const trigger = (c.charAt(0).toUpperCase() + c.slice(1).replace(/EventAttributes$/, "")) as Trigger;
    this.fsm.fire(trigger, Number(event.eventId));
  }

  handleEvent(event: HistoryEvent): void {
    this.fsm.fire("schedule", Number(event.eventId));
  }
}

function build(
  ctx: EngineContext,
  c: EndCommand,
): [MachineDefinition<State, Trigger>, EventCase, ProtoCommand] {
  switch (c.kind) {
    case "completeWorkflow":
      return [
        completeWorkflowMachine,
        "workflowExecutionCompletedEventAttributes",
        create(CommandSchema, {
          commandType: CommandType.COMPLETE_WORKFLOW_EXECUTION,
          attributes: {
            case: "completeWorkflowExecutionCommandAttributes",
            value: { result: c.result === undefined ? undefined : { payloads: [payloadFromJson(c.result)] } },
          },
        }),
      ];
    case "failWorkflow":
      return [
        failWorkflowMachine,
        "workflowExecutionFailedEventAttributes",
        create(CommandSchema, {
          commandType: CommandType.FAIL_WORKFLOW_EXECUTION,
          attributes: {
            case: "failWorkflowExecutionCommandAttributes",
            value: { failure: failureFromJson(c.failure) },
          },
        }),
      ];
    case "cancelWorkflow":
      return [
        cancelWorkflowMachine,
        "workflowExecutionCanceledEventAttributes",
        create(CommandSchema, {
          commandType: CommandType.CANCEL_WORKFLOW_EXECUTION,
          attributes: { case: "cancelWorkflowExecutionCommandAttributes", value: {} },
        }),
      ];
    case "continueAsNew":
      return [
        continueAsNewMachine,
        "workflowExecutionContinuedAsNewEventAttributes",
        create(CommandSchema, {
          commandType: CommandType.CONTINUE_AS_NEW_WORKFLOW_EXECUTION,
          attributes: {
            case: "continueAsNewWorkflowExecutionCommandAttributes",
            value: {
              workflowType: { name: c.workflowType || ctx.workflowType },
              taskQueue: { name: c.taskQueue || ctx.taskQueue, kind: TaskQueueKind.NORMAL },
              input: payloadsFromJson(c.args),
              workflowRunTimeout: msToDuration(c.workflowRunTimeoutMs),
              workflowTaskTimeout: msToDuration(c.workflowTaskTimeoutMs),
              backoffStartInterval: msToDuration(c.backoffStartIntervalMs),
              retryPolicy: retryPolicyFromJson(c.retryPolicy),
              header: headerFromJson(c.headers),
              memo: memoFieldsFromJson(c.memo),
              searchAttributes: searchAttributesFromJson(c.searchAttributes),
              inheritBuildId: useCompatibleVersion(c.versioningIntent, c.taskQueue, ctx.taskQueue),
            },
          },
        }),
      ];
  }
}
