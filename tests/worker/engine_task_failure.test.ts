import { test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "../../client/client.ts";
import { EventType } from "../../gen/temporal/api/enums/v1/event_type_pb.ts";
import { WorkflowTaskFailedCause } from "../../gen/temporal/api/enums/v1/failed_cause_pb.ts";
import type { PollWorkflowTaskQueueResponse } from "../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import { createWorkflowEngine, type WorkflowSandbox } from "../../worker/workflow/engine.ts";
import { devServer, uniqueId } from "../support/servers.ts";
import { json, type Script, ScriptedSandbox } from "./engine_support.ts";

const timerFirst: Script = (job) => {
  if (job.kind === "startWorkflow") return [{ kind: "startTimer", seq: 1, durationMs: 10 }];
  if (job.kind === "fireTimer") return [{ kind: "completeWorkflow", result: json("v1") }];
};

const activityFirst: Script = (job) => {
  if (job.kind === "startWorkflow") {
    return [{
      kind: "scheduleActivity",
      seq: 1,
      activityId: "1",
      activityType: "a",
      taskQueue: "",
      args: [],
      startToCloseTimeoutMs: 1000,
      cancellationType: "TRY_CANCEL",
      doNotEagerlyExecute: false,
    }];
  }
};

async function poll(client: Client, taskQueue: string): Promise<PollWorkflowTaskQueueResponse> {
  for (;;) {
    const task = await client.workflowService.pollWorkflowTaskQueue(
      { namespace: client.namespace, taskQueue: { name: taskQueue }, identity: "engine-test" },
      { timeoutMs: 70_000, retry: false },
    );
    if (task.taskToken.length > 0) return task;
  }
}

/** Runs the first task with the v1 workflow, then the second with a changed one (cache miss: full replay). */
async function changeCodeMidway(failWorkflowOnNondeterminism: boolean) {
  const { address, namespace } = await devServer();
  const client = await Client.connect(address, { namespace });
  const taskQueue = uniqueId("nondet");
  const engine = (sandbox: WorkflowSandbox) =>
    createWorkflowEngine({
      workflowService: client.workflowService,
      namespace,
      taskQueue,
      identity: "engine-test",
      sandbox,
      failWorkflowOnNondeterminism,
    });
  try {
    const handle = await client.startWorkflow("W", { id: uniqueId("nondet"), taskQueue });
    await engine(new ScriptedSandbox({ W: timerFirst })).processTask(await poll(client, taskQueue));
    const errors: unknown[] = [];
    const v2 = createWorkflowEngine({
      workflowService: client.workflowService,
      namespace,
      taskQueue,
      identity: "engine-test",
      sandbox: new ScriptedSandbox({ W: activityFirst }),
      failWorkflowOnNondeterminism,
      onError: (e) => errors.push(e),
    });
    await v2.processTask(await poll(client, taskQueue));
    const history = await client.workflowService.getWorkflowExecutionHistory({
      namespace,
      execution: { workflowId: handle.workflowId, runId: handle.firstExecutionRunId },
    });
    return { handle, events: history.history?.events ?? [], errors, client };
  } catch (error) {
    await client.connection.close();
    throw error;
  }
}

test("dev server: a nondeterminism error fails the workflow task with the nondeterminism cause and a coded message", async () => {
  const { events, errors, client } = await changeCodeMidway(false);
  try {
    const failed = events.find((e) => e.eventType === EventType.WORKFLOW_TASK_FAILED);
    assert.ok(failed, "expected a WorkflowTaskFailed event");
    const a = failed.attributes.case === "workflowTaskFailedEventAttributes"
      ? failed.attributes.value
      : undefined;
    assert.equal(a?.cause, WorkflowTaskFailedCause.NON_DETERMINISTIC_ERROR);
    assert.match(
      a?.failure?.message ?? "",
      /^\[SG1100\] The workflow issued scheduleActivity seq=1 \(type 'a'.* where history has event 5 TimerStarted/,
    );
    assert.equal(errors.length, 1);
  } finally {
    await client.connection.close();
  }
});

test("dev server: with failWorkflowOnNondeterminism the nondeterminism error fails the workflow instead", async () => {
  const { handle, client } = await changeCodeMidway(true);
  try {
    await assert.rejects(
      handle.result(),
      (e: Error) => /SG1100/.test(`${e.message} ${String((e as { cause?: unknown }).cause)}`),
    );
  } finally {
    await client.connection.close();
  }
});
