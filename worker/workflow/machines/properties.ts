/**
 * Two single-command machines that change the run's own properties: `upsertSearchAttributes`
 * (event `UpsertWorkflowSearchAttributes`) and `modifyWorkflowProperties` (event
 * `WorkflowPropertiesModified`).
 *
 * @module
 */

import { create } from "@bufbuild/protobuf";
import { CommandSchema } from "../../../gen/temporal/api/command/v1/message_pb.ts";
import { CommandType } from "../../../gen/temporal/api/enums/v1/command_type_pb.ts";
import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import type {
  ModifyWorkflowPropertiesCommand,
  UpsertSearchAttributesCommand,
} from "../../../sandbox/protocol.ts";
import { memoFromJson, searchAttributesFromJson } from "../convert.ts";
import { defineMachine, StateMachine } from "../state_machine.ts";
import type { CommandMachine, EngineContext, OutgoingCommand } from "./machine.ts";

type State = "Created" | "CommandCreated" | "CommandRecorded";
type Trigger = "schedule" | "UpsertWorkflowSearchAttributes" | "WorkflowPropertiesModified";

/** `Created --(schedule)--> CommandCreated --(UpsertWorkflowSearchAttributes)--> CommandRecorded`. */
export const upsertSearchAttributesMachine = defineMachine<State, Trigger>(
  "upsertSearchAttributes",
  "Created",
  [
    ["Created", "schedule", "CommandCreated"],
    ["CommandCreated", "UpsertWorkflowSearchAttributes", "CommandRecorded"],
  ],
);

/** `Created --(schedule)--> CommandCreated --(WorkflowPropertiesModified)--> CommandRecorded`. */
export const modifyWorkflowPropertiesMachine = defineMachine<State, Trigger>(
  "modifyWorkflowProperties",
  "Created",
  [
    ["Created", "schedule", "CommandCreated"],
    ["CommandCreated", "WorkflowPropertiesModified", "CommandRecorded"],
  ],
);

/** A search-attribute upsert or memo change the workflow made. */
export class PropertiesMachine implements CommandMachine {
  readonly fsm: StateMachine<State, Trigger>;

  constructor(ctx: EngineContext, command: UpsertSearchAttributesCommand | ModifyWorkflowPropertiesCommand) {
    if (command.kind === "upsertSearchAttributes") {
      this.fsm = new StateMachine(upsertSearchAttributesMachine, "upsertSearchAttributes");
      this.fsm.fire("schedule");
      ctx.enqueue({
        machine: this,
        event: "upsertWorkflowSearchAttributesEventAttributes",
        description: `upsertSearchAttributes (${
          Object.keys(command.searchAttributes.indexedFields ?? {}).join(", ")
        })`,
        proto: create(CommandSchema, {
          commandType: CommandType.UPSERT_WORKFLOW_SEARCH_ATTRIBUTES,
          attributes: {
            case: "upsertWorkflowSearchAttributesCommandAttributes",
            value: { searchAttributes: searchAttributesFromJson(command.searchAttributes) },
          },
        }),
      });
    } else {
      this.fsm = new StateMachine(modifyWorkflowPropertiesMachine, "modifyWorkflowProperties");
      this.fsm.fire("schedule");
      ctx.enqueue({
        machine: this,
        event: "workflowPropertiesModifiedEventAttributes",
        description: `modifyWorkflowProperties (${
          Object.keys(command.upsertedMemo.fields ?? {}).join(", ")
        })`,
        proto: create(CommandSchema, {
          commandType: CommandType.MODIFY_WORKFLOW_PROPERTIES,
          attributes: {
            case: "modifyWorkflowPropertiesCommandAttributes",
            value: { upsertedMemo: memoFromJson(command.upsertedMemo) },
          },
        }),
      });
    }
  }

  handleCommandEvent(_command: OutgoingCommand, event: HistoryEvent): void {
    const trigger = event.attributes.case === "upsertWorkflowSearchAttributesEventAttributes"
      ? "UpsertWorkflowSearchAttributes"
      : "WorkflowPropertiesModified";
    this.fsm.fire(trigger, Number(event.eventId));
  }

  handleEvent(event: HistoryEvent): void {
    this.handleCommandEvent(undefined as never, event);
  }
}
