import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { fromBinary } from "@bufbuild/protobuf";
import { HistorySchema } from "../../gen/temporal/api/history/v1/message_pb.ts";
import { bundleWorkflows, stopBundler } from "../../sandbox/bundler.ts";
import { createWorkflowHost, type WorkflowHost } from "../../sandbox/host.ts";
import { createReplayer } from "../../worker/replayer.ts";
import { NondeterminismError } from "../../worker/workflow/nondeterminism_error.ts";

const WORKFLOWS = new URL("./fixtures/replay_workflows.ts", import.meta.url);
const HISTORIES = new URL("../fixtures/histories/", import.meta.url);

async function withHost(fn: (host: WorkflowHost) => Promise<void>): Promise<void> {
  const host = await createWorkflowHost({ bundle: await bundleWorkflows(WORKFLOWS) });
  try {
    await fn(host);
  } finally {
    host.dispose();
    await stopBundler();
  }
}

async function history(name: string) {
  return fromBinary(HistorySchema, await readFile(new URL(name, HISTORIES)));
}

test("sdk-core's timer_workflow_history.bin replays with the equivalent workflow", async () => {
  await withHost(async (host) => {
    await createReplayer({ sandbox: host }).replayHistory(await history("timer_workflow_history.bin"));
  });
});

test("sdk-core's ends_empty_wft_complete.bin (one activity, then an empty task) replays", async () => {
  await withHost(async (host) => {
    await createReplayer({ sandbox: host }).replayHistory(await history("ends_empty_wft_complete.bin"));
  });
});

test("sdk-core's old_change_marker_format.bin (binary patch markers, TemporalChangeVersion upsert) replays", async () => {
  await withHost(async (host) => {
    await createReplayer({ sandbox: host }).replayHistory(await history("old_change_marker_format.bin"));
  });
});

test("a changed workflow fails replay of the timer history with a coded error naming command and event", async () => {
  await withHost(async (host) => {
    const h = await history("timer_workflow_history.bin");
    const started = h.events[0]!.attributes;
    assert.equal(started.case, "workflowExecutionStartedEventAttributes");
    if (started.case === "workflowExecutionStartedEventAttributes") {
      started.value.workflowType = {
        $typeName: "temporal.api.common.v1.WorkflowType",
        name: "changed_timer_workflow",
      };
    }
    await assert.rejects(createReplayer({ sandbox: host }).replayHistory(h), (e: unknown) => {
      assert.ok(e instanceof NondeterminismError, String(e));
      assert.equal(e.code, "SG1100");
      assert.match(e.message, /scheduleActivity seq=1 \(type 'say_hello'/);
      assert.match(e.message, /event 5 TimerStarted/);
      return true;
    });
  });
});
