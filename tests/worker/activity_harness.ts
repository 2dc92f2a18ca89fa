/**
 * Test harness for the activity executor against the real dev server: the `runActivity` workflow
 * (`activity_workflows.ts`) schedules one activity with the test's options and returns once it
 * closed; the test's Worker runs both, and the test reads how the activity closed from the
 * history (the event and its failure, as the server recorded them), then replays that history.
 */
import { Client } from "../../client/client.ts";
import type { WorkflowHandle } from "../../client/workflow_handle.ts";
import { defaultPayloadConverter } from "../../common/default_payload_converter.ts";
import type { Failure } from "../../common/failure_proto.ts";
import type { HistoryEvent } from "../../gen/temporal/api/history/v1/message_pb.ts";
import { Worker } from "../../worker/worker.ts";
import type { OneActivityOptions } from "./activity_workflows.ts";
import { devServer, uniqueId } from "../support/servers.ts";

/** The workflows of the activity tests (`runActivity` among them). */
export const activityWorkflowsPath: URL = new URL("./activity_workflows.ts", import.meta.url);

/** A `runActivity` workflow started on a fresh task queue. */
export interface ActivityRun {
  client: Client;
  namespace: string;
  taskQueue: string;
  workflowId: string;
  runId: string;
  handle: WorkflowHandle;
  /** Closes the client. */
  [Symbol.asyncDispose](): Promise<void>;
}

/** A connected client on the test dev server. */
export async function testClient(): Promise<{ client: Client; namespace: string }> {
  const { address, namespace } = await devServer();
  const client = await Client.connect(address, { namespace });
  return { client, namespace };
}

/** Starts `runActivity` with `options` on a fresh task queue; a worker of the test runs it. */
export async function startWithActivity(options: OneActivityOptions): Promise<ActivityRun> {
  const { client, namespace } = await testClient();
  const taskQueue = uniqueId("tq");
  const workflowId = uniqueId("wf");
  const handle = await client.startWorkflow("runActivity", { args: [options], id: workflowId, taskQueue });
  return {
    client,
    namespace,
    taskQueue,
    workflowId,
    runId: handle.firstExecutionRunId ?? handle.runId ?? "",
    handle: handle as WorkflowHandle,
    [Symbol.asyncDispose]: () => client.connection.close(),
  };
}

/** Asks the workflow to cancel its activity; it then waits until the activity has handled that. */
export async function cancelActivity(run: ActivityRun): Promise<void> {
  await run.handle.signal("cancelTheActivity");
}

/** How the activity closed: the history event that closed it. */
export type ActivityOutcome =
  | { kind: "completed"; result: unknown; event: HistoryEvent }
  | { kind: "failed"; failure: Failure; event: HistoryEvent }
  | { kind: "timedOut"; failure: Failure; event: HistoryEvent }
  | { kind: "canceled"; details: unknown[]; event: HistoryEvent };

/** Waits for the workflow to return (its activity closed) and reads from its history how the activity closed. */
export async function activityOutcome(run: ActivityRun, timeoutMs = 30_000): Promise<ActivityOutcome> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await Promise.race([
      run.handle.result(),
      new Promise((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(`The activity of workflow '${run.workflowId}' did not close within ${timeoutMs} ms`),
            ),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
  const history = await run.handle.fetchHistory();
  const outcome = findOutcome(history.events);
  if (outcome === undefined) throw new Error(`No closed activity in the history of '${run.workflowId}'`);
  return outcome;
}

/**
 * The outcome of a run whose worker has been shut down: a worker with only the workflows (the
 * activity is not retried: one attempt) runs the workflow to its end.
 */
export async function outcomeAfterShutdown(run: ActivityRun): Promise<ActivityOutcome> {
  const worker = new Worker(run.client, { taskQueue: run.taskQueue, workflowsPath: activityWorkflowsPath });
  return await worker.runUntil(activityOutcome(run));
}

function findOutcome(history: readonly HistoryEvent[]): ActivityOutcome | undefined {
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
