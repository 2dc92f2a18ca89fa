/**
 * The cancel-external machine: `requestCancelExternal` commands (and the cancellation of a started
 * child, which the child machine issues through it) and the
 * `RequestCancelExternalWorkflowExecutionInitiated`, `ExternalWorkflowExecutionCancelRequested` and
 * `RequestCancelExternalWorkflowExecutionFailed` events.
 *
 * @module
 */

import { create } from "@bufbuild/protobuf";
import { CommandSchema } from "../../../gen/temporal/api/command/v1/message_pb.ts";
import { CommandType } from "../../../gen/temporal/api/enums/v1/command_type_pb.ts";
import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import type { FailureJson } from "../../../sandbox/protocol.ts";
import { defineMachine, StateMachine } from "../state_machine.ts";
import { checkAttribute, type CommandMachine, type EngineContext, type OutgoingCommand } from "./machine.ts";

type State = "Created" | "CommandCreated" | "CommandRecorded" | "CancelRequested" | "Failed";
type Trigger =
  | "schedule"
  | "RequestCancelExternalWorkflowExecutionInitiated"
  | "ExternalWorkflowExecutionCancelRequested"
  | "RequestCancelExternalWorkflowExecutionFailed";

/** The cancel-external machine's transition table. */
export const cancelExternalMachine = defineMachine<State, Trigger>("cancelExternal", "Created", [
  ["Created", "schedule", "CommandCreated"],
  ["CommandCreated", "RequestCancelExternalWorkflowExecutionInitiated", "CommandRecorded"],
  ["CommandRecorded", "ExternalWorkflowExecutionCancelRequested", "CancelRequested"],
  ["CommandRecorded", "RequestCancelExternalWorkflowExecutionFailed", "Failed"],
]);

/** What to cancel: the protocol command's fields, or a child (then `seq` is the child's and no job is emitted). */
export interface CancelExternalTarget {
  seq: number;
  namespace: string;
  workflowId: string;
  runId?: string;
  reason?: string;
  /** Set when cancelling a child workflow: the command targets children only and resolves silently. */
  child?: boolean;
  /** Called when the server recorded the request (or its failure); used for child cancellation. */
  onResolved?: (failure?: FailureJson) => void;
}

/** One cancellation request sent to another workflow. */
export class CancelExternalMachine implements CommandMachine {
  readonly fsm: StateMachine<State, Trigger>;
  readonly #ctx: EngineContext;
  readonly #target: CancelExternalTarget;

  constructor(ctx: EngineContext, target: CancelExternalTarget) {
    this.#ctx = ctx;
    this.#target = target;
    const what = target.child ? `child seq=${target.seq}` : `seq=${target.seq}`;
    this.fsm = new StateMachine(
      cancelExternalMachine,
      `requestCancelExternal ${what} ('${target.workflowId}')`,
    );
    this.fsm.fire("schedule");
    ctx.enqueue({
      machine: this,
      event: "requestCancelExternalWorkflowExecutionInitiatedEventAttributes",
      description: target.child
        ? `cancelChildWorkflow seq=${target.seq} ('${target.workflowId}')`
        : `requestCancelExternal seq=${target.seq} ('${target.workflowId}')`,
      proto: create(CommandSchema, {
        commandType: CommandType.REQUEST_CANCEL_EXTERNAL_WORKFLOW_EXECUTION,
        attributes: {
          case: "requestCancelExternalWorkflowExecutionCommandAttributes",
          value: {
            namespace: target.namespace || ctx.namespace,
            workflowId: target.workflowId,
            runId: target.runId ?? "",
            childWorkflowOnly: target.child === true,
            reason: target.reason ?? "",
          },
        },
      }),
    });
  }

  handleCommandEvent(command: OutgoingCommand, event: HistoryEvent): void {
    if (event.attributes.case === "requestCancelExternalWorkflowExecutionInitiatedEventAttributes") {
      const a = event.attributes.value;
      checkAttribute(command, event, "workflowId", this.#target.workflowId, a.workflowExecution?.workflowId);
    }
    this.fsm.fire("RequestCancelExternalWorkflowExecutionInitiated", Number(event.eventId));
    this.#ctx.route(event.eventId, this);
  }

  handleEvent(event: HistoryEvent): void {
    const id = Number(event.eventId);
    if (event.attributes.case === "requestCancelExternalWorkflowExecutionFailedEventAttributes") {
      this.fsm.fire("RequestCancelExternalWorkflowExecutionFailed", id);
      const failure: FailureJson = {
        message: `Unable to cancel external workflow '${this.#target.workflowId}' because it was not found`,
        applicationFailureInfo: { type: "ExternalWorkflowExecutionNotFound", nonRetryable: true },
      };
      this.#target.onResolved?.(failure);
      if (this.#target.child) return;
      this.#ctx.pushJob({ kind: "resolveRequestCancelExternal", seq: this.#target.seq, failure });
      return;
    }
    this.fsm.fire("ExternalWorkflowExecutionCancelRequested", id);
    this.#target.onResolved?.();
    if (!this.#target.child) {
      this.#ctx.pushJob({ kind: "resolveRequestCancelExternal", seq: this.#target.seq });
    }
  }
}
