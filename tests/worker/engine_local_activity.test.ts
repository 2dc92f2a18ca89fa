import { test } from "node:test";
import assert from "node:assert/strict";
import type { Activation } from "../../sandbox/protocol.ts";
import { createReplayer } from "../../worker/replayer.ts";
import { WorkflowMachines } from "../../worker/workflow/workflow_machines.ts";
import { NondeterminismError } from "../../worker/workflow/nondeterminism_error.ts";
import { HistoryBuilder, json, type Script, ScriptedSandbox, unjson } from "./engine_support.ts";

const ids = { namespace: "default", workflowId: "wf", runId: "run-1", workflowType: "W", taskQueue: "tq" };

const withLocalActivity = (type: string): Script => (job) => {
  if (job.kind === "startWorkflow") {
    return [{
      kind: "scheduleLocalActivity",
      seq: 1,
      activityId: "1",
      activityType: type,
      attempt: 1,
      args: [json("x")],
      startToCloseTimeoutMs: 1000,
      cancellationType: "TRY_CANCEL",
    }];
  }
  if (job.kind === "resolveLocalActivity" && job.result.status === "completed") {
    return [{ kind: "completeWorkflow", result: job.result.result }];
  }
};

/** Runs the first task as new work, executing the local activity like the engine does; returns the history it would record. */
async function recordHistory(): Promise<HistoryBuilder> {
  const h = new HistoryBuilder();
  h.start("W");
  const started = h.task(true);
  const sandbox = new ScriptedSandbox({ W: withLocalActivity("fetch") });
  const m = new WorkflowMachines(ids);
  m.addEvents(h.events);
  await m.advance((a) => sandbox.activate(a), { taskStartedEventId: started });
  const [la, ...more] = m.pendingLocalActivities();
  assert.equal(more.length, 0);
  assert.equal(la?.takeRequest().command.activityType, "fetch");
  la!.resolve({ status: "completed", result: json("fetched") }, m.currentTime + 5);
  await m.drainJobs((a) => sandbox.activate(a), []);
  const commands = m.commands();
  assert.deepEqual(commands.map((c) => c.attributes.case), [
    "recordMarkerCommandAttributes",
    "completeWorkflowExecutionCommandAttributes",
  ]);
  const marker = commands[0]!.attributes.value as {
    markerName: string;
    details: Record<string, { payloads: { data: Uint8Array }[] }>;
  };
  assert.equal(marker.markerName, "core_local_activity");
  const data = JSON.parse(new TextDecoder().decode(marker.details["data"]!.payloads[0]!.data));
  assert.equal(data.seq, 1);
  assert.equal(data.activity_type, "fetch");
  const completed = h.add("workflowTaskCompletedEventAttributes", { startedEventId: started } as never);
  h.add("markerRecordedEventAttributes", { ...marker, workflowTaskCompletedEventId: completed } as never);
  h.add("workflowExecutionCompletedEventAttributes", { workflowTaskCompletedEventId: completed } as never);
  return h;
}

test("a local activity runs on the host within the task and is recorded as a marker before the completion", async () => {
  await recordHistory();
});

test("in replay the local activity's result comes from its marker, without running it again", async () => {
  const h = await recordHistory();
  const sandbox = new ScriptedSandbox({ W: withLocalActivity("fetch") });
  const m = new WorkflowMachines(ids);
  m.addEvents(h.events);
  await m.advance((a) => sandbox.activate(a));
  m.checkReplayComplete();
  assert.equal(m.pendingLocalActivities().length, 0);
  const resolution = sandbox.runs.get("run-1")!.activations.flatMap((a) => a.jobs).find((j) =>
    j.kind === "resolveLocalActivity"
  );
  assert.equal(
    resolution?.kind === "resolveLocalActivity" && resolution.result.status === "completed" &&
      unjson(resolution.result.result),
    "fetched",
  );
});

test("a local activity of another type than its marker fails replay with SG1101", async () => {
  const h = await recordHistory();
  await assert.rejects(
    createReplayer({ sandbox: new ScriptedSandbox({ W: withLocalActivity("other") }) }).replayHistory(
      h.history(),
    ),
    (e: unknown) =>
      e instanceof NondeterminismError && e.code === "SG1101" &&
      /activity type is "other" in the workflow but "fetch"/.test(e.message),
  );
});

test("a history whose local activity outlived workflow tasks (heartbeat tasks without commands) replays", async () => {
  // Record the first task, then heartbeat twice (tasks without commands) before the marker.
  const recorded = await recordHistory();
  const firstCompleted = recorded.events.findIndex((e) =>
    e.attributes.case === "workflowTaskCompletedEventAttributes"
  );
  const h = new HistoryBuilder();
  for (const e of recorded.events.slice(0, firstCompleted + 1)) {
    h.add(e.attributes.case!, e.attributes.value as never);
  }
  h.task();
  const lastCompleted = h.task();
  const marker = recorded.events.find((e) => e.attributes.case === "markerRecordedEventAttributes")!;
  h.add(
    "markerRecordedEventAttributes",
    { ...marker.attributes.value, workflowTaskCompletedEventId: lastCompleted } as never,
  );
  h.add(
    "workflowExecutionCompletedEventAttributes",
    { workflowTaskCompletedEventId: lastCompleted } as never,
  );

  const scripted = new ScriptedSandbox({ W: withLocalActivity("fetch") });
  const activations: Activation[] = [];
  const sandbox = {
    activate: (a: Activation) => (activations.push(a), scripted.activate(a)),
    evict: (runId: string) => scripted.evict(runId),
    has: (runId: string) => scripted.has(runId),
  };
  await createReplayer({ sandbox }).replayHistory(h.history());
  // Heartbeat tasks bring no jobs, so the workflow is activated only at its start and by the marker,
  // which arrives with the time of the task that recorded it.
  assert.deepEqual(activations.map((a) => a.jobs.map((j) => j.kind)), [["startWorkflow"], [
    "resolveLocalActivity",
  ]]);
  const lastStarted = h.events[Number(lastCompleted) - 2]!;
  assert.equal(lastStarted.attributes.case, "workflowTaskStartedEventAttributes");
  assert.equal(activations[1]!.timestamp, Number(lastStarted.eventTime!.seconds) * 1000);
});
