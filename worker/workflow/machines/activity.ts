/**
 * The activity state machine: `scheduleActivity` / `requestCancelActivity` commands and the
 * `ActivityTask*` events, with the three cancellation types (`TRY_CANCEL`,
 * `WAIT_CANCELLATION_COMPLETED`, `ABANDON`).
 *
 * @module
 */

import { create } from "@bufbuild/protobuf";
import { CommandSchema } from "../../../gen/temporal/api/command/v1/message_pb.ts";
import { CommandType } from "../../../gen/temporal/api/enums/v1/command_type_pb.ts";
import { TaskQueueKind } from "../../../gen/temporal/api/enums/v1/task_queue_pb.ts";
import { RetryState } from "../../../gen/temporal/api/enums/v1/workflow_pb.ts";
import type { Failure } from "../../../gen/temporal/api/failure/v1/message_pb.ts";
import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import type {
  ActivityResolution,
  FailureJson,
  PayloadJson,
  ScheduleActivityCommand,
} from "../../../sandbox/protocol.ts";
import {
  enumName,
  failureToJson,
  firstPayloadToJson,
  headerFromJson,
  msToDuration,
  payloadFromJson,
  payloadsFromJson,
  payloadsToJson,
  priorityFromJson,
  retryPolicyFromJson,
  useCompatibleVersion,
} from "../convert.ts";
import { defineMachine, StateMachine } from "../state_machine.ts";
import { checkAttribute, type CommandMachine, type EngineContext, type OutgoingCommand } from "./machine.ts";

type State =
  | "Created"
  | "ScheduleCommandCreated"
  | "ScheduledEventRecorded"
  | "Started"
  | "ScheduledActivityCancelCommandCreated"
  | "ScheduledActivityCancelEventRecorded"
  | "StartedActivityCancelCommandCreated"
  | "StartedActivityCancelEventRecorded"
  | "Completed"
  | "Failed"
  | "TimedOut"
  | "Canceled";
type Trigger =
  | "schedule"
  | "cancel"
  | "abandon"
  | "ActivityTaskScheduled"
  | "ActivityTaskStarted"
  | "ActivityTaskCompleted"
  | "ActivityTaskFailed"
  | "ActivityTaskTimedOut"
  | "ActivityTaskCancelRequested"
  | "ActivityTaskCanceled";

/** The activity machine's transition table. */
export const activityMachine = defineMachine<State, Trigger>("activity", "Created", [
  ["Created", "schedule", "ScheduleCommandCreated"],
  ["ScheduleCommandCreated", "ActivityTaskScheduled", "ScheduledEventRecorded"],
  ["ScheduleCommandCreated", "cancel", "Canceled"],
  ["ScheduleCommandCreated", "abandon", "Canceled"],
  ["ScheduledEventRecorded", "ActivityTaskStarted", "Started"],
  ["ScheduledEventRecorded", "ActivityTaskTimedOut", "TimedOut"],
  ["ScheduledEventRecorded", "cancel", "ScheduledActivityCancelCommandCreated"],
  ["ScheduledEventRecorded", "abandon", "Canceled"],
  ["Started", "ActivityTaskCompleted", "Completed"],
  ["Started", "ActivityTaskFailed", "Failed"],
  ["Started", "ActivityTaskTimedOut", "TimedOut"],
  ["Started", "cancel", "StartedActivityCancelCommandCreated"],
  ["Started", "abandon", "Canceled"],
  [
    "ScheduledActivityCancelCommandCreated",
    "ActivityTaskCancelRequested",
    "ScheduledActivityCancelEventRecorded",
  ],
  ["ScheduledActivityCancelEventRecorded", "ActivityTaskCanceled", "Canceled"],
  ["ScheduledActivityCancelEventRecorded", "ActivityTaskStarted", "StartedActivityCancelEventRecorded"],
  ["ScheduledActivityCancelEventRecorded", "ActivityTaskTimedOut", "TimedOut"],
  [
    "StartedActivityCancelCommandCreated",
    "ActivityTaskCancelRequested",
    "StartedActivityCancelEventRecorded",
  ],
  ["StartedActivityCancelEventRecorded", "ActivityTaskFailed", "Failed"],
  ["StartedActivityCancelEventRecorded", "ActivityTaskCompleted", "Completed"],
  ["StartedActivityCancelEventRecorded", "ActivityTaskTimedOut", "TimedOut"],
  ["StartedActivityCancelEventRecorded", "ActivityTaskCanceled", "Canceled"],
  ["Canceled", "ActivityTaskStarted", "Canceled"],
  ["Canceled", "ActivityTaskCompleted", "Canceled"],
  ["Canceled", "ActivityTaskFailed", "Canceled"],
  ["Canceled", "ActivityTaskTimedOut", "Canceled"],
  ["Canceled", "ActivityTaskCanceled", "Canceled"],
  ["Canceled", "cancel", "Canceled"],
  ["Completed", "cancel", "Completed"],
  ["Failed", "cancel", "Failed"],
  ["TimedOut", "cancel", "TimedOut"],
]);

/** One activity scheduled by the workflow, keyed by its sequence number. */
export class ActivityMachine implements CommandMachine {
  readonly fsm: StateMachine<State, Trigger>;
  readonly seq: number;
  readonly #ctx: EngineContext;
  readonly #command: ScheduleActivityCommand;
  readonly #schedule: OutgoingCommand;
  #scheduledEventId = 0n;
  #startedEventId = 0n;
  /** True once the workflow got its resolution job (later events change state only). */
  #resolved = false;

  constructor(ctx: EngineContext, command: ScheduleActivityCommand) {
    this.#ctx = ctx;
    this.#command = command;
    this.seq = command.seq;
    this.fsm = new StateMachine(activityMachine, `activity seq=${command.seq} (${command.activityType})`);
    this.fsm.fire("schedule");
    this.#schedule = {
      machine: this,
      event: "activityTaskScheduledEventAttributes",
      description:
        `scheduleActivity seq=${command.seq} (type '${command.activityType}', id '${command.activityId}')`,
      proto: create(CommandSchema, {
        commandType: CommandType.SCHEDULE_ACTIVITY_TASK,
        userMetadata: command.summary === undefined
          ? undefined
          : { summary: payloadFromJson(command.summary) },
        attributes: {
          case: "scheduleActivityTaskCommandAttributes",
          value: {
            activityId: command.activityId,
            activityType: { name: command.activityType },
            taskQueue: { name: command.taskQueue || ctx.taskQueue, kind: TaskQueueKind.NORMAL },
            header: headerFromJson(command.headers),
            input: payloadsFromJson(command.args),
            scheduleToCloseTimeout: msToDuration(command.scheduleToCloseTimeoutMs),
            scheduleToStartTimeout: msToDuration(command.scheduleToStartTimeoutMs),
            startToCloseTimeout: msToDuration(command.startToCloseTimeoutMs),
            heartbeatTimeout: msToDuration(command.heartbeatTimeoutMs),
            retryPolicy: retryPolicyFromJson(command.retryPolicy),
            // The worker's EagerActivityDispatcher keeps it only when it can run the activity at once.
            requestEagerExecution: !command.doNotEagerlyExecute,
            useWorkflowBuildId: useCompatibleVersion(
              command.versioningIntent,
              command.taskQueue,
              ctx.taskQueue,
            ),
            priority: priorityFromJson(command.priority),
          },
        },
      }),
    };
    ctx.enqueue(this.#schedule);
  }

  /** The workflow asked to cancel the activity; what happens depends on its cancellation type. */
  cancel(): void {
    const state = this.fsm.state;
    if (state === "ScheduleCommandCreated") {
      // Never sent: drop the command and resolve at once.
      this.#ctx.dequeue(this.#schedule);
      this.fsm.fire("cancel");
      this.#resolve({ status: "cancelled", failure: this.#cancelledFailure() });
      return;
    }
    if (state !== "ScheduledEventRecorded" && state !== "Started") {
      this.fsm.fire("cancel");
      return;
    }
    const type = this.#command.cancellationType;
    if (type === "ABANDON") {
      this.fsm.fire("abandon");
      this.#resolve({ status: "cancelled", failure: this.#cancelledFailure() });
      return;
    }
    this.fsm.fire("cancel");
    this.#ctx.enqueue({
      machine: this,
      event: "activityTaskCancelRequestedEventAttributes",
      description: `requestCancelActivity seq=${this.seq}`,
      proto: create(CommandSchema, {
        commandType: CommandType.REQUEST_CANCEL_ACTIVITY_TASK,
        attributes: {
          case: "requestCancelActivityTaskCommandAttributes",
          value: { scheduledEventId: this.#scheduledEventId },
        },
      }),
    });
    if (type === "TRY_CANCEL") this.#resolve({ status: "cancelled", failure: this.#cancelledFailure() });
  }

  handleCommandEvent(command: OutgoingCommand, event: HistoryEvent): void {
    const id = Number(event.eventId);
    if (event.attributes.case === "activityTaskScheduledEventAttributes") {
      const a = event.attributes.value;
      checkAttribute(command, event, "activityId", this.#command.activityId, a.activityId);
      checkAttribute(command, event, "activityType", this.#command.activityType, a.activityType?.name);
      this.#scheduledEventId = event.eventId;
      this.fsm.fire("ActivityTaskScheduled", id);
      this.#ctx.route(event.eventId, this);
      return;
    }
    if (event.attributes.case === "activityTaskCancelRequestedEventAttributes") {
      checkAttribute(
        command,
        event,
        "scheduledEventId",
        this.#scheduledEventId,
        event.attributes.value.scheduledEventId,
      );
      this.fsm.fire("ActivityTaskCancelRequested", id);
      return;
    }
    this.fsm.fire(eventTrigger(event), id);
  }

  handleEvent(event: HistoryEvent): void {
    const id = Number(event.eventId);
    const a = event.attributes;
    switch (a.case) {
      case "activityTaskStartedEventAttributes":
        this.#startedEventId = event.eventId;
        this.fsm.fire("ActivityTaskStarted", id);
        return;
      case "activityTaskCompletedEventAttributes":
        this.fsm.fire("ActivityTaskCompleted", id);
        this.#resolve({ status: "completed", result: firstPayloadToJson(a.value.result) });
        return;
      case "activityTaskFailedEventAttributes":
        this.fsm.fire("ActivityTaskFailed", id);
        this.#resolve({
          status: "failed",
          failure: this.#wrap("Activity task failed", a.value.failure, a.value.retryState),
        });
        return;
      case "activityTaskTimedOutEventAttributes":
        this.fsm.fire("ActivityTaskTimedOut", id);
        this.#resolve({
          status: "failed",
          failure: this.#wrap("Activity task timed out", a.value.failure, a.value.retryState),
        });
        return;
      case "activityTaskCanceledEventAttributes": {
        this.fsm.fire("ActivityTaskCanceled", id);
        const details = payloadsToJson(a.value.details);
        this.#resolve({ status: "cancelled", failure: this.#cancelledFailure(details) });
        return;
      }
      default:
        this.fsm.fire(eventTrigger(event), id);
    }
  }

  #resolve(result: ActivityResolution): void {
    if (this.#resolved) return;
    this.#resolved = true;
    this.#ctx.pushJob({ kind: "resolveActivity", seq: this.seq, result });
  }

  #info(retryState: number): FailureJson["activityFailureInfo"] {
    return {
      scheduledEventId: String(this.#scheduledEventId),
      startedEventId: String(this.#startedEventId),
      activityType: { name: this.#command.activityType },
      activityId: this.#command.activityId,
      retryState: enumName(RetryState, "RETRY_STATE_", retryState),
    };
  }

  #wrap(message: string, cause: Failure | undefined, retryState: number): FailureJson {
    const failure: FailureJson = { message, activityFailureInfo: this.#info(retryState) };
    if (cause !== undefined) failure.cause = failureToJson(cause);
    return failure;
  }

  #cancelledFailure(details: PayloadJson[] = []): FailureJson {
    return {
      message: "Activity cancelled",
      activityFailureInfo: this.#info(RetryState.CANCEL_REQUESTED),
      cause: {
        message: "Activity cancelled",
        canceledFailureInfo: details.length > 0 ? { details: { payloads: details } } : {},
      },
    };
  }
}

function eventTrigger(event: HistoryEvent): Trigger {
  const c = event.attributes.case ?? "unknown";
  const base = c.replace(/EventAttributes$/, "");
  return (base.charAt(0).toUpperCase() + base.slice(1)) as Trigger;
}
