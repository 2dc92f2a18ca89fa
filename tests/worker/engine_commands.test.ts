import { test } from "node:test";
import assert from "node:assert/strict";
import { createReplayer } from "../../worker/replayer.ts";
import { NondeterminismError } from "../../worker/workflow/nondeterminism_error.ts";
import { WorkflowMachines } from "../../worker/workflow/workflow_machines.ts";
import type { Command } from "../../sandbox/protocol.ts";
import { HistoryBuilder, json, type Script, ScriptedSandbox, unjson } from "./engine_support.ts";

const ids = { namespace: "default", workflowId: "wf", runId: "run-1", workflowType: "W", taskQueue: "tq" };

/** Timer of 1 s, then complete with "done". */
const timerThenComplete: Script = (job) => {
  if (job.kind === "startWorkflow") return [{ kind: "startTimer", seq: 1, durationMs: 1000 }];
  if (job.kind === "fireTimer") return [{ kind: "completeWorkflow", result: json("done") }];
};

/** Schedules activity "greet" with the workflow's argument, completes with its result. */
const activityThenComplete: Script = (job) => {
  if (job.kind === "startWorkflow") {
    return [{
      kind: "scheduleActivity",
      seq: 1,
      activityId: "1",
      activityType: "greet",
      taskQueue: "",
      args: job.args,
      startToCloseTimeoutMs: 5000,
      cancellationType: "TRY_CANCEL",
      doNotEagerlyExecute: false,
    }];
  }
  if (job.kind === "resolveActivity" && job.result.status === "completed") {
    return [{ kind: "completeWorkflow", result: job.result.result }];
  }
};

function timerHistory(): HistoryBuilder {
  const h = new HistoryBuilder();
  h.start("W");
  const completed = h.task();
  const started = h.add(
    "timerStartedEventAttributes",
    { timerId: "1", workflowTaskCompletedEventId: completed } as never,
  );
  h.time += 1000;
  h.add("timerFiredEventAttributes", { timerId: "1", startedEventId: started });
  const done = h.task();
  h.add("workflowExecutionCompletedEventAttributes", { workflowTaskCompletedEventId: done } as never);
  return h;
}

test("a new workflow task turns the workflow's timer into a StartTimer command", async () => {
  const h = new HistoryBuilder();
  h.start("W");
  const started = h.task(true);
  const sandbox = new ScriptedSandbox({ W: timerThenComplete });
  const m = new WorkflowMachines(ids);
  m.addEvents(h.events);
  assert.equal(await m.advance((a) => sandbox.activate(a), { taskStartedEventId: started }), "ready");
  const [command, ...rest] = m.commands();
  assert.equal(rest.length, 0);
  assert.equal(command?.attributes.case, "startTimerCommandAttributes");
  const attrs = command?.attributes.value as { timerId: string; startToFireTimeout?: { seconds: bigint } };
  assert.equal(attrs.timerId, "1");
  assert.equal(attrs.startToFireTimeout?.seconds, 1n);
  const activation = sandbox.runs.get("run-1")!.activations[0]!;
  assert.equal(activation.isReplaying, false);
  assert.equal(activation.jobs[0]?.kind, "startWorkflow");
});

test("replaying a timer history with the same workflow succeeds and marks activations as replaying", async () => {
  const sandbox = new ScriptedSandbox({ W: timerThenComplete });
  const activations: boolean[] = [];
  const replayer = createReplayer({
    sandbox: {
      ...sandbox,
      activate: (a) => (activations.push(a.isReplaying), sandbox.activate(a)),
      evict: (id) => sandbox.evict(id),
    },
  });
  await replayer.replayHistory(timerHistory().history());
  assert.deepEqual(activations, [true, true]);
});

test("the timer fires in the activation of the task after it, with the task's time as workflow time", async () => {
  const h = timerHistory();
  const sandbox = new ScriptedSandbox({ W: timerThenComplete });
  const m = new WorkflowMachines(ids);
  m.addEvents(h.events);
  await m.advance((a) => sandbox.activate(a));
  const [, second] = sandbox.runs.get("run-1")!.activations;
  assert.deepEqual(second?.jobs, [{ kind: "fireTimer", seq: 1 }]);
  assert.equal(second?.timestamp, Number(h.events[7]!.eventTime!.seconds) * 1000);
});

test("a workflow that schedules an activity where history has a timer fails replay with SG1100", async () => {
  const replayer = createReplayer({ sandbox: new ScriptedSandbox({ W: activityThenComplete }) });
  await assert.rejects(replayer.replayHistory(timerHistory().history()), (e: unknown) => {
    assert.ok(e instanceof NondeterminismError);
    assert.equal(e.code, "SG1100");
    assert.match(e.message, /scheduleActivity seq=1 \(type 'greet'/);
    assert.match(e.message, /event 5 TimerStarted/);
    return true;
  });
});

test("an activity of another type than history's fails replay with SG1101 naming both types", async () => {
  const h = new HistoryBuilder();
  h.start("W", [json("Ada")]);
  const completed = h.task();
  const scheduled = h.add("activityTaskScheduledEventAttributes", {
    activityId: "1",
    activityType: { name: "greet_v0" },
    workflowTaskCompletedEventId: completed,
  } as never);
  const started = h.add("activityTaskStartedEventAttributes", { scheduledEventId: scheduled });
  h.add(
    "activityTaskCompletedEventAttributes",
    { scheduledEventId: scheduled, startedEventId: started, result: { payloads: [] } } as never,
  );
  h.task(true);
  const replayer = createReplayer({ sandbox: new ScriptedSandbox({ W: activityThenComplete }) });
  await assert.rejects(replayer.replayHistory(h.history()), (e: unknown) => {
    assert.ok(e instanceof NondeterminismError);
    assert.equal(e.code, "SG1101");
    assert.match(e.message, /activityType is "greet" in the workflow but "greet_v0" in history/);
    assert.match(e.message, /event 5 ActivityTaskScheduled/);
    return true;
  });
});

test("history with a command the workflow no longer issues fails with SG1102", async () => {
  const idle: Script = () => [];
  const replayer = createReplayer({ sandbox: new ScriptedSandbox({ W: idle }) });
  await assert.rejects(replayer.replayHistory(timerHistory().history()), (e: unknown) => {
    assert.ok(e instanceof NondeterminismError);
    assert.equal(e.code, "SG1102");
    assert.match(e.message, /event 5 TimerStarted/);
    return true;
  });
});

test("a workflow that issues more commands than history holds fails with SG1103", async () => {
  const twoTimers: Script = (job) => {
    if (job.kind === "startWorkflow") {
      return [{ kind: "startTimer", seq: 1, durationMs: 1000 }, {
        kind: "startTimer",
        seq: 2,
        durationMs: 5,
      }];
    }
    if (job.kind === "fireTimer" && job.seq === 1) {
      return [{ kind: "completeWorkflow", result: json("done") }];
    }
  };
  const replayer = createReplayer({ sandbox: new ScriptedSandbox({ W: twoTimers }) });
  await assert.rejects(replayer.replayHistory(timerHistory().history()), (e: unknown) => {
    assert.ok(e instanceof NondeterminismError);
    assert.equal(e.code, "SG1103");
    assert.match(e.message, /startTimer seq=2/);
    return true;
  });
});

test("activity results reach the workflow and its completion matches history", async () => {
  const h = new HistoryBuilder();
  h.start("W", [json("Ada")]);
  const completed = h.task();
  const scheduled = h.add("activityTaskScheduledEventAttributes", {
    activityId: "1",
    activityType: { name: "greet" },
    workflowTaskCompletedEventId: completed,
  } as never);
  const started = h.add("activityTaskStartedEventAttributes", { scheduledEventId: scheduled });
  h.add("activityTaskCompletedEventAttributes", {
    scheduledEventId: scheduled,
    startedEventId: started,
    result: {
      payloads: [{
        metadata: { encoding: new TextEncoder().encode("json/plain") },
        data: new TextEncoder().encode('"Hello, Ada"'),
      }],
    },
  } as never);
  const done = h.task();
  h.add("workflowExecutionCompletedEventAttributes", { workflowTaskCompletedEventId: done } as never);
  const sandbox = new ScriptedSandbox({ W: activityThenComplete });
  const m = new WorkflowMachines(ids);
  m.addEvents(h.events);
  await m.advance((a) => sandbox.activate(a));
  m.checkReplayComplete();
  const jobs = sandbox.runs.get("run-1")!.activations[1]!.jobs;
  assert.equal(jobs[0]?.kind, "resolveActivity");
  const result = jobs[0]?.kind === "resolveActivity" ? jobs[0].result : undefined;
  assert.equal(result?.status, "completed");
  assert.equal(unjson(result?.status === "completed" ? result.result : undefined), "Hello, Ada");
});

test("cancelling an activity before its command was sent drops the command and resolves it as cancelled", async () => {
  const cancelAtOnce: Script = (job) => {
    if (job.kind === "startWorkflow") {
      return [
        {
          kind: "scheduleActivity",
          seq: 1,
          activityId: "1",
          activityType: "a",
          taskQueue: "",
          args: [],
          cancellationType: "TRY_CANCEL",
          doNotEagerlyExecute: false,
        },
        { kind: "requestCancelActivity", seq: 1 },
      ] satisfies Command[];
    }
    if (job.kind === "resolveActivity") {
      return [{ kind: "completeWorkflow", result: json(job.result.status) }];
    }
  };
  const h = new HistoryBuilder();
  h.start("W");
  const started = h.task(true);
  const sandbox = new ScriptedSandbox({ W: cancelAtOnce });
  const m = new WorkflowMachines(ids);
  m.addEvents(h.events);
  await m.advance((a) => sandbox.activate(a), { taskStartedEventId: started });
  const commands = m.commands();
  assert.deepEqual(commands.map((c) => c.attributes.case), ["completeWorkflowExecutionCommandAttributes"]);
  const activations = sandbox.runs.get("run-1")!.activations;
  assert.equal(activations.length, 2);
  const resolution = activations[1]!.jobs[0];
  assert.equal(resolution?.kind === "resolveActivity" && resolution.result.status, "cancelled");
});

test("signals sent before the first task arrive in the first activation, after the start job", async () => {
  const h = new HistoryBuilder();
  h.start("W");
  h.add("workflowExecutionSignaledEventAttributes", { signalName: "go", input: { payloads: [] } } as never);
  const started = h.task(true);
  const seen: string[] = [];
  const sandbox = new ScriptedSandbox({ W: (job) => void seen.push(job.kind) });
  const m = new WorkflowMachines(ids);
  m.addEvents(h.events);
  await m.advance((a) => sandbox.activate(a), { taskStartedEventId: started });
  assert.deepEqual(seen, ["startWorkflow", "signalWorkflow"]);
});

test("a cancellation request reaches the workflow, and its cancelWorkflow command ends the run", async () => {
  const h = new HistoryBuilder();
  h.start("W");
  const c1 = h.task();
  const t = h.add("timerStartedEventAttributes", { timerId: "1", workflowTaskCompletedEventId: c1 } as never);
  h.add("workflowExecutionCancelRequestedEventAttributes", { cause: "user asked" } as never);
  const c2 = h.task();
  h.add(
    "timerCanceledEventAttributes",
    { timerId: "1", startedEventId: t, workflowTaskCompletedEventId: c2 } as never,
  );
  h.add("workflowExecutionCanceledEventAttributes", { workflowTaskCompletedEventId: c2 } as never);
  const cancellable: Script = (job) => {
    if (job.kind === "startWorkflow") return [{ kind: "startTimer", seq: 1, durationMs: 60_000 }];
    if (job.kind === "cancelWorkflow") {
      assert.equal(job.reason, "user asked");
      return [{ kind: "cancelTimer", seq: 1 }, { kind: "cancelWorkflow" }];
    }
  };
  await createReplayer({ sandbox: new ScriptedSandbox({ W: cancellable }) }).replayHistory(h.history());
});

test("continue-as-new replays against WorkflowExecutionContinuedAsNew", async () => {
  const h = new HistoryBuilder();
  h.start("W", [json(1)]);
  const c1 = h.task();
  h.add(
    "workflowExecutionContinuedAsNewEventAttributes",
    { workflowType: { name: "W" }, workflowTaskCompletedEventId: c1 } as never,
  );
  const again: Script = (job) => {
    if (job.kind === "startWorkflow") return [{ kind: "continueAsNew", args: [json(2)] }];
  };
  await createReplayer({ sandbox: new ScriptedSandbox({ W: again }) }).replayHistory(h.history());
});

test("a failing workflow replays against WorkflowExecutionFailed", async () => {
  const h = new HistoryBuilder();
  h.start("W");
  const c1 = h.task();
  h.add("workflowExecutionFailedEventAttributes", { workflowTaskCompletedEventId: c1 } as never);
  const failing: Script = (job) => {
    if (job.kind === "startWorkflow") {
      return [{ kind: "failWorkflow", failure: { message: "boom", applicationFailureInfo: {} } }];
    }
  };
  await createReplayer({ sandbox: new ScriptedSandbox({ W: failing }) }).replayHistory(h.history());
});

test("an event for a timer the workflow never started fails with SG1104", async () => {
  const h = new HistoryBuilder();
  h.start("W");
  h.task();
  h.add("timerFiredEventAttributes", { timerId: "9", startedEventId: 77n });
  h.task(true);
  await assert.rejects(
    createReplayer({ sandbox: new ScriptedSandbox({ W: () => [] }) }).replayHistory(h.history()),
    (e: unknown) => e instanceof NondeterminismError && e.code === "SG1104" && /event 77/.test(e.message),
  );
});

test("an unknown workflow type fails replay with the runtime's task failure", async () => {
  const h = new HistoryBuilder();
  h.start("Missing");
  h.task(true);
  await assert.rejects(
    createReplayer({ sandbox: new ScriptedSandbox({}) }).replayHistory(h.history()),
    /Unknown workflow type 'Missing'/,
  );
});
