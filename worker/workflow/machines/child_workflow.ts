/**
 * The child workflow machine: `startChildWorkflow` / `cancelChildWorkflow` commands and the
 * `StartChildWorkflowExecution*` and `ChildWorkflowExecution*` events, with the four cancellation
 * types. Cancelling a started child issues a `RequestCancelExternalWorkflowExecution` command
 * through a {@linkcode CancelExternalMachine}.
 *
 * @module
 */

import { create } from "@bufbuild/protobuf";
import { CommandSchema } from "../../../gen/temporal/api/command/v1/message_pb.ts";
import { CommandType } from "../../../gen/temporal/api/enums/v1/command_type_pb.ts";
import { TaskQueueKind } from "../../../gen/temporal/api/enums/v1/task_queue_pb.ts";
import {
  ParentClosePolicy,
  RetryState,
  WorkflowIdReusePolicy,
} from "../../../gen/temporal/api/enums/v1/workflow_pb.ts";
import { StartChildWorkflowExecutionFailedCause } from "../../../gen/temporal/api/enums/v1/failed_cause_pb.ts";
import type { Failure } from "../../../gen/temporal/api/failure/v1/message_pb.ts";
import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import type {
  ChildWorkflowResult,
  FailureJson,
  StartChildWorkflowCommand,
} from "../../../sandbox/protocol.ts";
import {
  enumName,
  enumValue,
  failureToJson,
  firstPayloadToJson,
  headerFromJson,
  memoFieldsFromJson,
  msToDuration,
  payloadFromJson,
  payloadsFromJson,
  payloadsToJson,
  priorityFromJson,
  retryPolicyFromJson,
  searchAttributesFromJson,
  useCompatibleVersion,
} from "../convert.ts";
import { defineMachine, StateMachine } from "../state_machine.ts";
import { CancelExternalMachine } from "./cancel_external.ts";
import { checkAttribute, type CommandMachine, type EngineContext, type OutgoingCommand } from "./machine.ts";

type State =
  | "Created"
  | "StartCommandCreated"
  | "StartEventRecorded"
  | "Started"
  | "StartFailed"
  | "Completed"
  | "Failed"
  | "TimedOut"
  | "Terminated"
  | "Cancelled";
type Trigger =
  | "schedule"
  | "cancel"
  | "StartChildWorkflowExecutionInitiated"
  | "StartChildWorkflowExecutionFailed"
  | "ChildWorkflowExecutionStarted"
  | "ChildWorkflowExecutionCompleted"
  | "ChildWorkflowExecutionFailed"
  | "ChildWorkflowExecutionCanceled"
  | "ChildWorkflowExecutionTimedOut"
  | "ChildWorkflowExecutionTerminated";

/** The child workflow machine's transition table. */
export const childWorkflowMachine = defineMachine<State, Trigger>("childWorkflow", "Created", [
  ["Created", "schedule", "StartCommandCreated"],
  ["StartCommandCreated", "StartChildWorkflowExecutionInitiated", "StartEventRecorded"],
  ["StartCommandCreated", "cancel", "Cancelled"],
  ["StartEventRecorded", "ChildWorkflowExecutionStarted", "Started"],
  ["StartEventRecorded", "StartChildWorkflowExecutionFailed", "StartFailed"],
  ["StartEventRecorded", "cancel", "Cancelled"],
  ["Started", "ChildWorkflowExecutionCompleted", "Completed"],
  ["Started", "ChildWorkflowExecutionFailed", "Failed"],
  ["Started", "ChildWorkflowExecutionCanceled", "Cancelled"],
  ["Started", "ChildWorkflowExecutionTimedOut", "TimedOut"],
  ["Started", "ChildWorkflowExecutionTerminated", "Terminated"],
  ["Started", "cancel", "Started"],
  ["Cancelled", "cancel", "Cancelled"],
  ["Cancelled", "ChildWorkflowExecutionStarted", "Cancelled"],
  ["Cancelled", "StartChildWorkflowExecutionFailed", "Cancelled"],
  ["Cancelled", "ChildWorkflowExecutionCompleted", "Cancelled"],
  ["Cancelled", "ChildWorkflowExecutionFailed", "Cancelled"],
  ["Cancelled", "ChildWorkflowExecutionCanceled", "Cancelled"],
  ["Cancelled", "ChildWorkflowExecutionTimedOut", "Cancelled"],
  ["Cancelled", "ChildWorkflowExecutionTerminated", "Cancelled"],
  ["Completed", "cancel", "Completed"],
  ["Failed", "cancel", "Failed"],
  ["TimedOut", "cancel", "TimedOut"],
  ["Terminated", "cancel", "Terminated"],
  ["StartFailed", "cancel", "StartFailed"],
]);

/** One child workflow, keyed by its sequence number. */
export class ChildWorkflowMachine implements CommandMachine {
  readonly fsm: StateMachine<State, Trigger>;
  readonly seq: number;
  readonly #ctx: EngineContext;
  readonly #command: StartChildWorkflowCommand;
  readonly #start: OutgoingCommand;
  #initiatedEventId = 0n;
  #startedEventId = 0n;
  #runId = "";
  #resolved = false;

  constructor(ctx: EngineContext, command: StartChildWorkflowCommand) {
    this.#ctx = ctx;
    this.#command = command;
    this.seq = command.seq;
    this.fsm = new StateMachine(
      childWorkflowMachine,
      `childWorkflow seq=${command.seq} ('${command.workflowId}')`,
    );
    this.fsm.fire("schedule");
    this.#start = {
      machine: this,
      event: "startChildWorkflowExecutionInitiatedEventAttributes",
      description:
        `startChildWorkflow seq=${command.seq} (type '${command.workflowType}', id '${command.workflowId}')`,
      proto: create(CommandSchema, {
        commandType: CommandType.START_CHILD_WORKFLOW_EXECUTION,
        userMetadata: command.summary === undefined
          ? undefined
          : { summary: payloadFromJson(command.summary) },
        attributes: {
          case: "startChildWorkflowExecutionCommandAttributes",
          value: {
            namespace: command.namespace || ctx.namespace,
            workflowId: command.workflowId,
            workflowType: { name: command.workflowType },
            taskQueue: { name: command.taskQueue || ctx.taskQueue, kind: TaskQueueKind.NORMAL },
            input: payloadsFromJson(command.args),
            workflowExecutionTimeout: msToDuration(command.workflowExecutionTimeoutMs),
            workflowRunTimeout: msToDuration(command.workflowRunTimeoutMs),
            workflowTaskTimeout: msToDuration(command.workflowTaskTimeoutMs),
            parentClosePolicy: command.parentClosePolicy === undefined
              ? ParentClosePolicy.UNSPECIFIED
              : enumValue(ParentClosePolicy, "PARENT_CLOSE_POLICY_", command.parentClosePolicy),
            workflowIdReusePolicy: command.workflowIdReusePolicy === undefined
              ? WorkflowIdReusePolicy.UNSPECIFIED
              : enumValue(WorkflowIdReusePolicy, "WORKFLOW_ID_REUSE_POLICY_", command.workflowIdReusePolicy),
            retryPolicy: retryPolicyFromJson(command.retryPolicy),
            cronSchedule: command.cronSchedule ?? "",
            header: headerFromJson(command.headers),
            memo: memoFieldsFromJson(command.memo),
            searchAttributes: searchAttributesFromJson(command.searchAttributes),
            inheritBuildId: useCompatibleVersion(command.versioningIntent, command.taskQueue, ctx.taskQueue),
            priority: priorityFromJson(command.priority),
          },
        },
      }),
    };
    ctx.enqueue(this.#start);
  }

  /** The workflow cancelled the child; what happens depends on the cancellation type. */
  cancel(reason?: string): void {
    const state = this.fsm.state;
    const type = this.#command.cancellationType;
    if (state === "StartCommandCreated") {
      this.#ctx.dequeue(this.#start);
      this.fsm.fire("cancel");
      this.#resolveStartCancelled();
      return;
    }
    if (state === "StartEventRecorded") {
      this.fsm.fire("cancel");
      if (type !== "ABANDON") this.#requestCancel(reason);
      this.#resolveStartCancelled();
      return;
    }
    this.fsm.fire("cancel");
    if (state !== "Started" || this.#resolved) return;
    if (type === "ABANDON") {
      this.#resolve({ status: "cancelled", failure: this.#cancelledFailure() });
      return;
    }
    this.#requestCancel(reason, type === "WAIT_CANCELLATION_REQUESTED");
    if (type === "TRY_CANCEL") this.#resolve({ status: "cancelled", failure: this.#cancelledFailure() });
  }

  handleCommandEvent(command: OutgoingCommand, event: HistoryEvent): void {
    if (event.attributes.case === "startChildWorkflowExecutionInitiatedEventAttributes") {
      const a = event.attributes.value;
      checkAttribute(command, event, "workflowId", this.#command.workflowId, a.workflowId);
      checkAttribute(command, event, "workflowType", this.#command.workflowType, a.workflowType?.name);
    }
    this.#initiatedEventId = event.eventId;
    this.fsm.fire("StartChildWorkflowExecutionInitiated", Number(event.eventId));
    this.#ctx.route(event.eventId, this);
  }

  handleEvent(event: HistoryEvent): void {
    const id = Number(event.eventId);
    const a = event.attributes;
    switch (a.case) {
      case "childWorkflowExecutionStartedEventAttributes": {
        const wasCancelled = this.fsm.state === "Cancelled";
        this.fsm.fire("ChildWorkflowExecutionStarted", id);
        this.#startedEventId = event.eventId;
        this.#runId = a.value.workflowExecution?.runId ?? "";
        if (!wasCancelled) {
          this.#ctx.pushJob({
            kind: "resolveChildWorkflowStart",
            seq: this.seq,
            result: { status: "started", runId: this.#runId },
          });
        }
        return;
      }
      case "startChildWorkflowExecutionFailedEventAttributes": {
        const wasCancelled = this.fsm.state === "Cancelled";
        this.fsm.fire("StartChildWorkflowExecutionFailed", id);
        this.#resolved = true;
        if (wasCancelled) return;
        const cause = a.value.cause === StartChildWorkflowExecutionFailedCause.WORKFLOW_ALREADY_EXISTS
          ? "workflowAlreadyExists"
          : "unspecified";
        this.#ctx.pushJob({
          kind: "resolveChildWorkflowStart",
          seq: this.seq,
          result: {
            status: "failed",
            workflowId: this.#command.workflowId,
            workflowType: this.#command.workflowType,
            cause,
          },
        });
        return;
      }
      case "childWorkflowExecutionCompletedEventAttributes":
        this.fsm.fire("ChildWorkflowExecutionCompleted", id);
        this.#resolve({ status: "completed", result: firstPayloadToJson(a.value.result) });
        return;
      case "childWorkflowExecutionFailedEventAttributes":
        this.fsm.fire("ChildWorkflowExecutionFailed", id);
        this.#resolve({ status: "failed", failure: this.#wrap(a.value.failure, a.value.retryState) });
        return;
      case "childWorkflowExecutionCanceledEventAttributes":
        this.fsm.fire("ChildWorkflowExecutionCanceled", id);
        this.#resolve({
          status: "cancelled",
          failure: this.#cancelledFailure(payloadsToJson(a.value.details)),
        });
        return;
      case "childWorkflowExecutionTimedOutEventAttributes":
        this.fsm.fire("ChildWorkflowExecutionTimedOut", id);
        this.#resolve({
          status: "failed",
          failure: this.#wrapJson(
            {
              message: "Child Workflow execution timed out",
              timeoutFailureInfo: { timeoutType: "TIMEOUT_TYPE_START_TO_CLOSE" },
            },
            a.value.retryState,
          ),
        });
        return;
      case "childWorkflowExecutionTerminatedEventAttributes":
        this.fsm.fire("ChildWorkflowExecutionTerminated", id);
        this.#resolve({
          status: "failed",
          failure: this.#wrapJson({
            message: "Child Workflow execution terminated",
            terminatedFailureInfo: {},
          }, RetryState.NON_RETRYABLE_FAILURE),
        });
        return;
      default: {
        const c = a.case ?? "";
        this.fsm.fire(
          (c.charAt(0).toUpperCase() + c.slice(1).replace(/EventAttributes$/, "")) as Trigger,
          id,
        );
      }
    }
  }

  #requestCancel(reason: string | undefined, resolveOnRequested = false): void {
    new CancelExternalMachine(this.#ctx, {
      seq: this.seq,
      namespace: this.#command.namespace || this.#ctx.namespace,
      workflowId: this.#command.workflowId,
      reason,
      child: true,
      onResolved: resolveOnRequested
        ? () => this.#resolve({ status: "cancelled", failure: this.#cancelledFailure() })
        : undefined,
    });
  }

  #resolveStartCancelled(): void {
    if (this.#resolved) return;
    this.#resolved = true;
    this.#ctx.pushJob({
      kind: "resolveChildWorkflowStart",
      seq: this.seq,
      result: { status: "cancelled", failure: this.#cancelledFailure() },
    });
  }

  #resolve(result: ChildWorkflowResult): void {
    if (this.#resolved) return;
    this.#resolved = true;
    this.#ctx.pushJob({ kind: "resolveChildWorkflow", seq: this.seq, result });
  }

  #wrap(cause: Failure | undefined, retryState: number): FailureJson {
    return this.#wrapJson(cause === undefined ? undefined : failureToJson(cause), retryState);
  }

  #wrapJson(cause: FailureJson | undefined, retryState: number): FailureJson {
    const failure: FailureJson = {
      message: "Child Workflow execution failed",
      childWorkflowExecutionFailureInfo: {
        namespace: this.#command.namespace || this.#ctx.namespace,
        workflowExecution: { workflowId: this.#command.workflowId, runId: this.#runId },
        workflowType: { name: this.#command.workflowType },
        initiatedEventId: String(this.#initiatedEventId),
        startedEventId: String(this.#startedEventId),
        retryState: enumName(RetryState, "RETRY_STATE_", retryState),
      },
    };
    if (cause !== undefined) failure.cause = cause;
    return failure;
  }

  #cancelledFailure(details: ReturnType<typeof payloadsToJson> = []): FailureJson {
    return this.#wrapJson(
      {
        message: "Child Workflow execution cancelled",
        canceledFailureInfo: details.length > 0 ? { details: { payloads: details } } : {},
      },
      RetryState.CANCEL_REQUESTED,
    );
  }
}
