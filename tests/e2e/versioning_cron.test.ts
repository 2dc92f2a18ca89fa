import assert from "node:assert/strict";
import { test } from "node:test";
import { defaultPayloadConverter } from "../../common/default_payload_converter.ts";
import type { Client } from "../../client/client.ts";
import { assertReplays, eventually, sharedEnv, uniqueId } from "./e2e_support.ts";

const workflowsPath = new URL("./workflows/eager.ts", import.meta.url);
const { env } = sharedEnv({ workflowsPath });

/** Waits for the run to complete; returns its result and the run the cron schedule started next. */
async function completedRun(client: Client, workflowId: string, runId: string) {
  return await eventually(
    async () => {
      const history = await client.getWorkflowHandle(workflowId, { runId }).fetchHistory();
      const last = history.events[history.events.length - 1]?.attributes;
      if (last?.case !== "workflowExecutionCompletedEventAttributes") return undefined;
      const payload = last.value.result?.payloads[0];
      return {
        result: payload === undefined ? undefined : defaultPayloadConverter.fromPayload(payload),
        nextRunId: last.value.newExecutionRunId,
      };
    },
    `cron run '${runId}' to complete`,
    30_000,
  );
}

test("cron workflows: each run starts on schedule and sees the previous run's result", async () => {
  const { client, taskQueue } = await env();
  const workflowId = uniqueId("cron");
  const handle = await client.startWorkflow("cronCounter", {
    id: workflowId,
    taskQueue,
    cronSchedule: "@every 1s",
  });
  try {
    const first = await completedRun(client, workflowId, (handle.resultRunId ?? handle.firstExecutionRunId)!);
    assert.equal(first.result, 1);
    assert.notEqual(first.nextRunId, "", "the schedule started a next run");
    const second = await completedRun(client, workflowId, first.nextRunId);
    assert.equal(second.result, 2, "the second run saw the first run's result as lastResult");
    await assertReplays(client.getWorkflowHandle(workflowId, { runId: first.nextRunId }), workflowsPath);
  } finally {
    await client.getWorkflowHandle(workflowId).terminate("test over");
  }
});
