import { test } from "node:test";
import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import { ApplicationFailure } from "../../common/failures.ts";
import { CommandSchema } from "../../gen/temporal/api/command/v1/message_pb.ts";
import { CommandType } from "../../gen/temporal/api/enums/v1/command_type_pb.ts";
import { EventType } from "../../gen/temporal/api/enums/v1/event_type_pb.ts";
import type { HistoryEvent } from "../../gen/temporal/api/history/v1/message_pb.ts";
import { completeWorkflowTask } from "../support/raw_worker.ts";
import type { Client } from "../../client/client.ts";
import { eventually, fromPayload, nextTask, payload, testClient, uniqueId } from "./client_support.ts";

function scheduleActivity(activityId: string, taskQueue: string) {
  return create(CommandSchema, {
    commandType: CommandType.SCHEDULE_ACTIVITY_TASK,
    attributes: {
      case: "scheduleActivityTaskCommandAttributes",
      value: {
        activityId,
        activityType: { name: "approve" },
        taskQueue: { name: taskQueue },
        input: { payloads: [payload(activityId)] },
        startToCloseTimeout: { seconds: 60n },
        heartbeatTimeout: { seconds: 60n },
        retryPolicy: { maximumAttempts: 1 },
      },
    },
  });
}

async function pollActivity(client: Client, taskQueue: string) {
  for (;;) {
    const task = await client.workflowService.pollActivityTaskQueue(
      { namespace: client.namespace, taskQueue: { name: taskQueue }, identity: "raw-activity-worker" },
      { retry: false },
    );
    if (task.taskToken.length > 0) return task;
  }
}

function historyUntil(client: Client, workflowId: string, type: EventType): Promise<HistoryEvent> {
  return eventually(async () => {
    const events = (await client.getWorkflowHandle(workflowId).fetchHistory()).events;
    return events.find((e) => e.eventType === type);
  });
}

test("async activity handles heartbeat, complete, fail and report cancellation, by token or by ids", async () => {
  const { client, namespace, taskQueue } = await testClient();
  try {
    const activityQueue = uniqueId("acts");
    const handle = await client.startWorkflow("with-activities", { id: uniqueId("wf"), taskQueue });
    const first = await nextTask(client, taskQueue);
    await completeWorkflowTask(client.workflowService, namespace, first, [
      scheduleActivity("a-complete", activityQueue),
      scheduleActivity("a-fail", activityQueue),
      scheduleActivity("a-cancel", activityQueue),
    ]);
    const tasks = new Map<string, Awaited<ReturnType<typeof pollActivity>>>();
    while (tasks.size < 3) {
      const task = await pollActivity(client, activityQueue);
      tasks.set(task.activityId, task);
    }

    // By task token: heartbeat then complete.
    const byToken = client.getAsyncActivityHandle({ taskToken: tasks.get("a-complete")!.taskToken });
    const beat = await byToken.heartbeat(["halfway"]);
    assert.equal(beat.cancelRequested, false);
    await byToken.complete({ approved: true });
    const completed = await historyUntil(client, handle.workflowId, EventType.ACTIVITY_TASK_COMPLETED);
    assert.ok(completed.attributes.case === "activityTaskCompletedEventAttributes");
    assert.deepEqual(fromPayload(completed.attributes.value.result?.payloads[0]), { approved: true });

    // By workflow id and activity id: fail.
    const byIds = client.getAsyncActivityHandle({ workflowId: handle.workflowId, activityId: "a-fail" });
    await byIds.fail(ApplicationFailure.nonRetryable("Rejected by reviewer", "Rejected"));
    const failed = await historyUntil(client, handle.workflowId, EventType.ACTIVITY_TASK_FAILED);
    assert.ok(failed.attributes.case === "activityTaskFailedEventAttributes");
    assert.equal(failed.attributes.value.failure?.message, "Rejected by reviewer");
    const info = failed.attributes.value.failure?.failureInfo;
    assert.ok(info?.case === "applicationFailureInfo");
    assert.equal(info.value.type, "Rejected");

    // Cancellation: the workflow asks, the heartbeat tells, the handle reports it.
    const second = await nextTask(client, taskQueue);
    const scheduled = (await handle.fetchHistory()).events.find((e) =>
      e.attributes.case === "activityTaskScheduledEventAttributes" &&
      e.attributes.value.activityId === "a-cancel"
    )!;
    await completeWorkflowTask(client.workflowService, namespace, second, [
      create(CommandSchema, {
        commandType: CommandType.REQUEST_CANCEL_ACTIVITY_TASK,
        attributes: {
          case: "requestCancelActivityTaskCommandAttributes",
          value: { scheduledEventId: scheduled.eventId },
        },
      }),
    ]);
    const cancelHandle = client.getAsyncActivityHandle({ taskToken: tasks.get("a-cancel")!.taskToken });
    assert.equal((await cancelHandle.heartbeat()).cancelRequested, true);
    await cancelHandle.reportCancellation(["stopped"]);
    const cancelled = await historyUntil(client, handle.workflowId, EventType.ACTIVITY_TASK_CANCELED);
    assert.ok(cancelled.attributes.case === "activityTaskCanceledEventAttributes");
    assert.deepEqual(cancelled.attributes.value.details?.payloads.map(fromPayload), ["stopped"]);
    await handle.terminate();
  } finally {
    await client.connection.close();
  }
});

test("an async activity handle needs a task token or workflow and activity ids", async () => {
  const { client } = await testClient();
  try {
    assert.throws(() => client.getAsyncActivityHandle({ taskToken: new Uint8Array() }), /Invalid taskToken/);
    assert.throws(() => client.getAsyncActivityHandle({ workflowId: "w" } as never), /Missing activityId/);
    assert.throws(
      () =>
        client.getAsyncActivityHandle(
          { taskToken: new Uint8Array([1]), workflowId: "w", activityId: "a" } as never,
        ),
      /not both/,
    );
  } finally {
    await client.connection.close();
  }
});
