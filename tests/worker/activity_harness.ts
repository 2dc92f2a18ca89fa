/**
 * Test harness for the activity executor against the real dev server, without a workflow engine:
 * a workflow is started with the Client, and its workflow tasks are answered with raw RPCs
 * (schedule an activity, request its cancellation, complete the workflow), so that a Worker with
 * only activities runs them as the server dispatches them.
 */
import { create } from "@bufbuild/protobuf";
import { Client } from "../../client/client.ts";
import { type Duration, durationToProto } from "../../common/duration.ts";
import type { Failure } from "../../common/failure_proto.ts";
import { defaultPayloadConverter } from "../../common/default_payload_converter.ts";
import { type Command, CommandSchema } from "../../gen/temporal/api/command/v1/message_pb.ts";
import { CommandType } from "../../gen/temporal/api/enums/v1/command_type_pb.ts";
import type { HistoryEvent } from "../../gen/temporal/api/history/v1/message_pb.ts";
import {
  completeCommand,
  completeWorkflowTask,
  pollWorkflowTask,
  type RawTask,
} from "../support/raw_worker.ts";
import { devServer, uniqueId } from "../support/servers.ts";

/** How the raw workflow schedules its one activity. */
export interface ScheduleOptions {
  activityType: string;
  args?: unknown[];
  startToCloseTimeout?: Duration;
  scheduleToCloseTimeout?: Duration;
  heartbeatTimeout?: Duration;
  /** Default: at most 1 attempt. */
  maximumAttempts?: number;
  initialInterval?: Duration;
}

/** A raw workflow with one scheduled activity. */
export interface RawActivityRun {
  client: Client;
  namespace: string;
  taskQueue: string;
  workflowId: string;
  runId: string;
  /** Closes the client. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** The events of a workflow task's history. */
export function events(task: RawTask): HistoryEvent[] {
  return task.response.history?.events ?? [];
}

/** A connected client on the test dev server. */
export async function testClient(): Promise<{ client: Client; namespace: string }> {
  const { address, namespace } = await devServer();
  const client = await Client.connect(address, { namespace });
  return { client, namespace };
}

/** The SCHEDULE_ACTIVITY_TASK command of `options`, with activity id "1". */
export function scheduleCommand(taskQueue: string, options: ScheduleOptions): Command {
  const d = (value: Duration | undefined) => (value === undefined ? undefined : durationToProto(value));
  return create(CommandSchema, {
    commandType: CommandType.SCHEDULE_ACTIVITY_TASK,
    attributes: {
      case: "scheduleActivityTaskCommandAttributes",
      value: {
        activityId: "1",
        activityType: { name: options.activityType },
        taskQueue: { name: taskQueue },
        input: { payloads: (options.args ?? []).map((arg) => defaultPayloadConverter.toPayload(arg)) },
        startToCloseTimeout: d(options.startToCloseTimeout),
        scheduleToCloseTimeout: d(options.scheduleToCloseTimeout),
        heartbeatTimeout: d(options.heartbeatTimeout),
        retryPolicy: {
          maximumAttempts: options.maximumAttempts ?? 1,
          initialInterval: d(options.initialInterval ?? 100),
          backoffCoefficient: 1,
        },
      },
    },
  });
}

/** A REQUEST_CANCEL_ACTIVITY_TASK command for the activity scheduled by event `scheduledEventId`. */
export function requestCancelCommand(scheduledEventId: bigint): Command {
  return create(CommandSchema, {
    commandType: CommandType.REQUEST_CANCEL_ACTIVITY_TASK,
    attributes: { case: "requestCancelActivityTaskCommandAttributes", value: { scheduledEventId } },
  });
}

/** Starts a raw workflow and schedules one activity on its task queue. */
export async function startWithActivity(options: ScheduleOptions): Promise<RawActivityRun> {
  const { client, namespace } = await testClient();
  const taskQueue = uniqueId("tq");
  const workflowId = uniqueId("wf");
  const handle = await client.startWorkflow("RawActivityWorkflow", { id: workflowId, taskQueue });
  const task = await pollWorkflowTask(client.connection.workflowService, namespace, taskQueue);
  await completeWorkflowTask(client.connection.workflowService, namespace, task, [
    scheduleCommand(taskQueue, options),
  ]);
  return {
    client,
    namespace,
    taskQueue,
    workflowId,
    runId: handle.runId ?? handle.firstExecutionRunId ?? handle.resultRunId ?? "",
    [Symbol.asyncDispose]: () => client.connection.close(),
  };
}

/** The event that closed the activity, once a workflow task shows one; answers other tasks with no commands. */
export type ActivityOutcome =
  | { kind: "completed"; result: unknown; event: HistoryEvent }
  | { kind: "failed"; failure: Failure; event: HistoryEvent }
  | { kind: "timedOut"; failure: Failure; event: HistoryEvent }
  | { kind: "canceled"; details: unknown[]; event: HistoryEvent };

/** Polls workflow tasks until one shows the activity closed; returns that outcome and the task (unanswered). */
export async function activityOutcome(
  run: RawActivityRun,
  timeoutMs = 30_000,
): Promise<{ outcome: ActivityOutcome; task: RawTask }> {
  const service = run.client.connection.workflowService;
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const task = await pollWorkflowTask(service, run.namespace, run.taskQueue, deadline - Date.now());
    const outcome = findOutcome(events(task));
    if (outcome !== undefined) return { outcome, task };
    await completeWorkflowTask(service, run.namespace, task, []);
  }
  throw new Error(`The activity of workflow '${run.workflowId}' did not close within ${timeoutMs} ms`);
}

/** Completes the raw workflow from `task`. */
export async function finish(run: RawActivityRun, task: RawTask): Promise<void> {
  await completeWorkflowTask(run.client.connection.workflowService, run.namespace, task, [
    completeCommand([]),
  ]);
}

function findOutcome(history: HistoryEvent[]): ActivityOutcome | undefined {
  for (const event of history) {
    const a = event.attributes;
    switch (a.case) {
      case "activityTaskCompletedEventAttributes": {
        const payload = a.value.result?.payloads[0];
        return { kind: "completed", result: payload && defaultPayloadConverter.fromPayload(payload), event };
      }
      case "activityTaskFailedEventAttributes":
        return { kind: "failed", failure: a.value.failure!, event };
      case "activityTaskTimedOutEventAttributes":
        return { kind: "timedOut", failure: a.value.failure!, event };
      case "activityTaskCanceledEventAttributes":
        return {
          kind: "canceled",
          details: (a.value.details?.payloads ?? []).map((p) => defaultPayloadConverter.fromPayload(p)),
          event,
        };
    }
  }
  return undefined;
}
