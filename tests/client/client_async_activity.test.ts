import { test } from "node:test";
import assert from "node:assert/strict";
import type { Client } from "../../client/client.ts";
import { ApplicationFailure } from "../../common/failures.ts";
import { EventType } from "../../gen/temporal/api/enums/v1/event_type_pb.ts";
import type { HistoryEvent } from "../../gen/temporal/api/history/v1/message_pb.ts";
import { CompleteAsyncError, info } from "../../worker/activity/mod.ts";
import { assertReplays, eventually, sharedEnv } from "../e2e/e2e_support.ts";
import { fromPayload, testClient, uniqueId } from "./client_support.ts";
import { reviews } from "./workflows/reviews.ts";

const workflowsPath = new URL("./workflows/reviews.ts", import.meta.url);

/** Task tokens of the `approve` activities that started, by workflow id and activity id. */
const tokens = new Map<string, Uint8Array>();

const activities = {
  /** Leaves the activity running for the test to complete: records its task token and returns. */
  approve(_request: string): never {
    const { workflowExecution, activityId, taskToken } = info();
    tokens.set(`${workflowExecution.workflowId}/${activityId}`, taskToken);
    throw new CompleteAsyncError();
  },
};

const { env } = sharedEnv({ workflowsPath, activities, taskQueue: uniqueId("client-async-activity") });

function historyUntil(client: Client, workflowId: string, type: EventType): Promise<HistoryEvent> {
  return eventually(async () => {
    const events = (await client.getWorkflowHandle(workflowId).fetchHistory()).events;
    return events.find((e) => e.eventType === type);
  }, `event type ${type} in the history of '${workflowId}'`);
}

test("async activity handles heartbeat, complete, fail and report cancellation, by token or by ids", async () => {
  const { client, taskQueue } = await env();
  const workflowId = uniqueId("wf");
  const handle = await client.startWorkflow(reviews, { id: workflowId, taskQueue });
  const tokenOf = (activityId: string) =>
    eventually(() => tokens.get(`${workflowId}/${activityId}`), `activity '${activityId}' to start`);

  const taskTokens = {
    complete: await tokenOf("a-complete"),
    fail: await tokenOf("a-fail"),
    cancel: await tokenOf("a-cancel"),
  };
  // The three activities were scheduled together, by one workflow task.
  const scheduled = (await handle.fetchHistory()).events.flatMap((e) =>
    e.attributes.case === "activityTaskScheduledEventAttributes" ? [e.attributes.value] : []
  );
  assert.deepEqual(scheduled.map((a) => a.activityId), ["a-complete", "a-fail", "a-cancel"]);
  assert.equal(new Set(scheduled.map((a) => a.workflowTaskCompletedEventId)).size, 1);

  // By task token: heartbeat then complete.
  const byToken = client.getAsyncActivityHandle({ taskToken: taskTokens.complete });
  const beat = await byToken.heartbeat(["halfway"]);
  assert.equal(beat.cancelRequested, false);
  await byToken.complete({ approved: true });
  const completed = await historyUntil(client, workflowId, EventType.ACTIVITY_TASK_COMPLETED);
  assert.ok(completed.attributes.case === "activityTaskCompletedEventAttributes");
  assert.deepEqual(fromPayload(completed.attributes.value.result?.payloads[0]), { approved: true });

  // By workflow id and activity id: fail.
  const byIds = client.getAsyncActivityHandle({ workflowId, activityId: "a-fail" });
  await byIds.fail(ApplicationFailure.nonRetryable("Rejected by reviewer", "Rejected"));
  const failed = await historyUntil(client, workflowId, EventType.ACTIVITY_TASK_FAILED);
  assert.ok(failed.attributes.case === "activityTaskFailedEventAttributes");
  assert.equal(failed.attributes.value.failure?.message, "Rejected by reviewer");
  const failureInfo = failed.attributes.value.failure?.failureInfo;
  assert.ok(failureInfo?.case === "applicationFailureInfo");
  assert.equal(failureInfo.value.type, "Rejected");

  // Cancellation: the workflow asks once the other two have ended, the heartbeat tells, the handle reports it.
  const cancelHandle = client.getAsyncActivityHandle({ taskToken: taskTokens.cancel });
  await historyUntil(client, workflowId, EventType.ACTIVITY_TASK_CANCEL_REQUESTED);
  assert.equal((await cancelHandle.heartbeat()).cancelRequested, true);
  await cancelHandle.reportCancellation(["stopped"]);
  const cancelled = await historyUntil(client, workflowId, EventType.ACTIVITY_TASK_CANCELED);
  assert.ok(cancelled.attributes.case === "activityTaskCanceledEventAttributes");
  assert.deepEqual(cancelled.attributes.value.details?.payloads.map(fromPayload), ["stopped"]);

  // The workflow saw each outcome.
  assert.deepEqual(await handle.result(), {
    approval: { approved: true },
    rejection: "Rejected: Rejected by reviewer",
    cancelled: true,
  });
  await assertReplays(handle, workflowsPath);
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
