import { test } from "node:test";
import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import {
  AcceptanceSchema,
  RequestSchema,
  ResponseSchema,
} from "../../gen/temporal/api/update/v1/message_pb.ts";
import { createReplayer } from "../../worker/replayer.ts";
import { WorkflowMachines } from "../../worker/workflow/workflow_machines.ts";
import { NondeterminismError } from "../../worker/workflow/nondeterminism_error.ts";
import { HistoryBuilder, json, type Script, ScriptedSandbox, unjson } from "./engine_support.ts";

const ids = { namespace: "default", workflowId: "wf", runId: "run-1", workflowType: "W", taskQueue: "tq" };

/** Accepts every update at once and completes it with its first argument doubled. */
const updater: Script = (job) => {
  if (job.kind === "doUpdate") {
    return [
      {
        kind: "updateResponse",
        protocolInstanceId: job.protocolInstanceId,
        response: { status: "accepted" },
      },
      {
        kind: "updateResponse",
        protocolInstanceId: job.protocolInstanceId,
        response: { status: "completed", result: json((unjson(job.args[0]) as number) * 2) },
      },
    ];
  }
};

test("an update delivered as a protocol message is accepted and completed with messages and protocol commands", async () => {
  const h = new HistoryBuilder();
  h.start("W");
  const started = h.task(true);
  const sandbox = new ScriptedSandbox({ W: updater });
  const m = new WorkflowMachines(ids);
  m.addEvents(h.events);
  const request = create(RequestSchema, {
    meta: { updateId: "u1", identity: "me" },
    input: {
      name: "double",
      args: {
        payloads: [{
          metadata: { encoding: new TextEncoder().encode("json/plain") },
          data: new TextEncoder().encode("21"),
        }],
      },
    },
  });
  await m.advance((a) => sandbox.activate(a), {
    taskStartedEventId: started,
    beforeTarget: () => m.admitUpdate(request, request, "pi-1", "pi-1/request", 3n),
  });
  const job = sandbox.runs.get("run-1")!.activations[0]!.jobs.find((j) => j.kind === "doUpdate");
  assert.equal(job?.kind === "doUpdate" && job.runValidator, true);
  assert.deepEqual(m.commands().map((c) => c.attributes.case), [
    "protocolMessageCommandAttributes",
    "protocolMessageCommandAttributes",
  ]);
  const [accept, response] = m.messages();
  const acceptance = anyUnpack(accept!.body!, AcceptanceSchema);
  assert.equal(acceptance?.acceptedRequestMessageId, "pi-1/request");
  assert.equal(acceptance?.acceptedRequestSequencingEventId, 3n);
  const outcome = anyUnpack(response!.body!, ResponseSchema)?.outcome?.value;
  assert.equal(outcome?.case, "success");
  assert.equal(
    new TextDecoder().decode(outcome?.case === "success" ? outcome.value.payloads[0]?.data : undefined),
    "42",
  );
});

test("in replay an accepted update is re-delivered from history without running its validator", async () => {
  const h = new HistoryBuilder();
  h.start("W");
  const c1 = h.task();
  const request = {
    meta: { updateId: "u1" },
    input: {
      name: "double",
      args: {
        payloads: [{
          metadata: { encoding: new TextEncoder().encode("json/plain") },
          data: new TextEncoder().encode("5"),
        }],
      },
    },
  };
  const accepted = h.add("workflowExecutionUpdateAcceptedEventAttributes", {
    protocolInstanceId: "pi-1",
    acceptedRequestMessageId: "pi-1/request",
    acceptedRequest: request,
  } as never);
  h.add(
    "workflowExecutionUpdateCompletedEventAttributes",
    { meta: { updateId: "u1" }, acceptedEventId: accepted } as never,
  );
  void c1;
  h.task(true);
  const sandbox = new ScriptedSandbox({ W: updater });
  const seen: boolean[] = [];
  await createReplayer({
    sandbox: {
      activate: (a) => {
        for (const j of a.jobs) if (j.kind === "doUpdate") seen.push(j.runValidator);
        return sandbox.activate(a);
      },
      evict: (id) => sandbox.evict(id),
    },
  }).replayHistory(h.history());
  assert.deepEqual(seen, [false]);
});

test("a rejected update sends a rejection message and no command", async () => {
  const rejecter: Script = (job) => {
    if (job.kind === "doUpdate") {
      return [{
        kind: "updateResponse",
        protocolInstanceId: job.protocolInstanceId,
        response: { status: "rejected", failure: { message: "no" } },
      }];
    }
  };
  const h = new HistoryBuilder();
  h.start("W");
  const started = h.task(true);
  const sandbox = new ScriptedSandbox({ W: rejecter });
  const m = new WorkflowMachines(ids);
  m.addEvents(h.events);
  const request = create(RequestSchema, { meta: { updateId: "u2" }, input: { name: "x" } });
  await m.advance((a) => sandbox.activate(a), {
    taskStartedEventId: started,
    beforeTarget: () => m.admitUpdate(request, request, "pi-2", "pi-2/request", 3n),
  });
  assert.deepEqual(m.commands(), []);
  assert.equal(m.messages().length, 1);
  assert.equal(m.messages()[0]!.body?.typeUrl, "type.googleapis.com/temporal.api.update.v1.Rejection");
});

/** `patched("p")` semantics of the runtime: true (and a marker) unless replaying without a notification. */
const patching: Script = (job, run) => {
  if (job.kind === "startWorkflow") {
    const last = run.activations[run.activations.length - 1]!;
    const isPatched = !last.isReplaying || run.patches.has("p");
    return isPatched
      ? [{ kind: "setPatchMarker", patchId: "p", deprecated: false }, {
        kind: "startTimer",
        seq: 1,
        durationMs: 1,
      }]
      : [{ kind: "startTimer", seq: 1, durationMs: 2 }];
  }
};

test("in replay, the patch markers of the replayed task are announced before the task's activation", async () => {
  const h = new HistoryBuilder();
  h.start("W");
  const c1 = h.task();
  h.add("markerRecordedEventAttributes", {
    markerName: "core_patch",
    details: {
      "patch-data": {
        payloads: [{
          metadata: { encoding: new TextEncoder().encode("json/plain") },
          data: new TextEncoder().encode('{"id":"p","deprecated":false}'),
        }],
      },
    },
    workflowTaskCompletedEventId: c1,
  } as never);
  h.add("timerStartedEventAttributes", { timerId: "1", workflowTaskCompletedEventId: c1 } as never);
  h.task(true);
  const sandbox = new ScriptedSandbox({ W: patching });
  await createReplayer({ sandbox }).replayHistory(h.history());
});

test("history recorded before a patch replays with the patched code taking the old branch", async () => {
  const h = new HistoryBuilder();
  h.start("W");
  const c1 = h.task();
  h.add("timerStartedEventAttributes", { timerId: "1", workflowTaskCompletedEventId: c1 } as never);
  h.task(true);
  await createReplayer({ sandbox: new ScriptedSandbox({ W: patching }) }).replayHistory(h.history());
});

test("a deprecated patch needs no marker in history", async () => {
  const deprecated: Script = (job) => {
    if (job.kind === "startWorkflow") {
      return [{ kind: "setPatchMarker", patchId: "old", deprecated: true }, {
        kind: "startTimer",
        seq: 1,
        durationMs: 1,
      }];
    }
  };
  const h = new HistoryBuilder();
  h.start("W");
  const c1 = h.task();
  h.add("timerStartedEventAttributes", { timerId: "1", workflowTaskCompletedEventId: c1 } as never);
  h.task(true);
  await createReplayer({ sandbox: new ScriptedSandbox({ W: deprecated }) }).replayHistory(h.history());
});

test("queries run in their own activation after the task and do not change commands", async () => {
  const h = new HistoryBuilder();
  h.start("W");
  const started = h.task(true);
  const sandbox = new ScriptedSandbox({
    W: (job, run) => {
      if (job.kind === "startWorkflow") {
        run.queryAnswers["state"] = () => json("waiting");
        return [{ kind: "startTimer", seq: 1, durationMs: 10 }];
      }
    },
  });
  const m = new WorkflowMachines(ids);
  m.addEvents(h.events);
  await m.advance((a) => sandbox.activate(a), { taskStartedEventId: started });
  const completion = await m.query((a) => sandbox.activate(a), [{
    kind: "queryWorkflow",
    queryId: "q1",
    queryType: "state",
    args: [],
  }]);
  assert.deepEqual(completion.queryResults, [{
    queryId: "q1",
    status: "succeeded",
    result: json("waiting"),
  }]);
  assert.equal(m.commands().length, 1);
});

test("internal flags used in new work are recorded once, and offered in replay only once recorded", async () => {
  const h = new HistoryBuilder();
  h.start("W");
  const started = h.task(true);
  const offered: (number[] | undefined)[] = [];
  const sandbox = new ScriptedSandbox({ W: () => [] });
  const m = new WorkflowMachines(ids);
  m.addEvents(h.events);
  await m.advance(async (a) => {
    offered.push(a.availableInternalFlags);
    return { ...(await sandbox.activate(a)), usedInternalFlags: [7] };
  }, { taskStartedEventId: started, knownFlags: [7, 8] });
  assert.deepEqual(offered, [[7, 8]]);
  assert.deepEqual(m.takeNewFlags(), [7]);
  assert.deepEqual(m.takeNewFlags(), []);

  const r = new HistoryBuilder();
  r.start("W");
  r.task();
  const completed = r.events[3]!;
  if (completed.attributes.case === "workflowTaskCompletedEventAttributes") {
    completed.attributes.value.sdkMetadata = {
      $typeName: "temporal.api.sdk.v1.WorkflowTaskCompletedMetadata",
      coreUsedFlags: [],
      langUsedFlags: [7],
      sdkName: "",
      sdkVersion: "",
    };
  }
  r.task(true);
  const replayOffered: (number[] | undefined)[] = [];
  await createReplayer({
    sandbox: {
      activate: (a) => (replayOffered.push(a.availableInternalFlags), sandbox.activate(a)),
      evict: () => {},
    },
    internalFlags: [7, 8],
  }).replayHistory(r.history());
  assert.deepEqual(replayOffered[0], [7]);
});

test("the SDK name and version go with the first task, and again only when history recorded others", async () => {
  const fresh = new WorkflowMachines(ids);
  assert.deepEqual(fresh.takeSdkInfo("sandglass", "1.0"), { sdkName: "sandglass", sdkVersion: "1.0" });
  assert.deepEqual(fresh.takeSdkInfo("sandglass", "1.0"), { sdkName: "", sdkVersion: "" });
  assert.deepEqual(fresh.takeSdkInfo("sandglass", "1.1"), { sdkName: "", sdkVersion: "1.1" });

  const h = new HistoryBuilder();
  h.start("W");
  h.task();
  const completed = h.events[3]!;
  assert.equal(completed.attributes.case, "workflowTaskCompletedEventAttributes");
  if (completed.attributes.case === "workflowTaskCompletedEventAttributes") {
    completed.attributes.value.sdkMetadata = {
      $typeName: "temporal.api.sdk.v1.WorkflowTaskCompletedMetadata",
      coreUsedFlags: [],
      langUsedFlags: [],
      sdkName: "sandglass",
      sdkVersion: "1.0",
    };
  }
  const started = h.task(true);
  const sandbox = new ScriptedSandbox({ W: () => [] });
  const replayed = new WorkflowMachines(ids);
  replayed.addEvents(h.events);
  await replayed.advance((a) => sandbox.activate(a), { taskStartedEventId: started });
  assert.deepEqual(replayed.takeSdkInfo("sandglass", "1.0"), { sdkName: "", sdkVersion: "" });
  assert.deepEqual(replayed.takeSdkInfo("other-sdk", "1.0"), { sdkName: "other-sdk", sdkVersion: "" });
});

test("a child workflow starts, resolves its start and its result, and replays", async () => {
  const parent: Script = (job) => {
    if (job.kind === "startWorkflow") {
      return [{
        kind: "startChildWorkflow",
        seq: 1,
        namespace: "",
        workflowId: "child-1",
        workflowType: "C",
        taskQueue: "",
        args: [],
        cancellationType: "WAIT_CANCELLATION_COMPLETED",
      }];
    }
    if (job.kind === "resolveChildWorkflow" && job.result.status === "completed") {
      return [{ kind: "completeWorkflow", result: job.result.result }];
    }
  };
  const h = new HistoryBuilder();
  h.start("P");
  const c1 = h.task();
  const initiated = h.add("startChildWorkflowExecutionInitiatedEventAttributes", {
    workflowId: "child-1",
    workflowType: { name: "C" },
    workflowTaskCompletedEventId: c1,
  } as never);
  h.add(
    "childWorkflowExecutionStartedEventAttributes",
    { initiatedEventId: initiated, workflowExecution: { workflowId: "child-1", runId: "c-run" } } as never,
  );
  h.task();
  h.add("childWorkflowExecutionCompletedEventAttributes", {
    initiatedEventId: initiated,
    result: {
      payloads: [{
        metadata: { encoding: new TextEncoder().encode("json/plain") },
        data: new TextEncoder().encode('"ok"'),
      }],
    },
  } as never);
  const c3 = h.task();
  h.add("workflowExecutionCompletedEventAttributes", { workflowTaskCompletedEventId: c3 } as never);
  const sandbox = new ScriptedSandbox({ P: parent });
  const m = new WorkflowMachines({ ...ids, workflowType: "P" });
  m.addEvents(h.events);
  await m.advance((a) => sandbox.activate(a));
  m.checkReplayComplete();
  const kinds = sandbox.runs.get("run-1")!.activations.flatMap((a) => a.jobs.map((j) => j.kind));
  assert.deepEqual(kinds, ["startWorkflow", "resolveChildWorkflowStart", "resolveChildWorkflow"]);
});

test("signalling an external workflow resolves when the server reports it signalled", async () => {
  const signaller: Script = (job) => {
    if (job.kind === "startWorkflow") {
      return [{
        kind: "signalExternal",
        seq: 1,
        target: { kind: "execution", namespace: "", workflowId: "other" },
        signalName: "ping",
        args: [],
      }];
    }
    if (job.kind === "resolveSignalExternal") {
      return [{ kind: "completeWorkflow", result: json(job.failure === undefined) }];
    }
  };
  const h = new HistoryBuilder();
  h.start("W");
  const c1 = h.task();
  const initiated = h.add("signalExternalWorkflowExecutionInitiatedEventAttributes", {
    signalName: "ping",
    workflowExecution: { workflowId: "other" },
    workflowTaskCompletedEventId: c1,
  } as never);
  h.add("externalWorkflowExecutionSignaledEventAttributes", { initiatedEventId: initiated } as never);
  const c2 = h.task();
  h.add("workflowExecutionCompletedEventAttributes", { workflowTaskCompletedEventId: c2 } as never);
  await createReplayer({ sandbox: new ScriptedSandbox({ W: signaller }) }).replayHistory(h.history());

  const wrongName: Script = (job) => {
    if (job.kind === "startWorkflow") {
      return [{
        kind: "signalExternal",
        seq: 1,
        target: { kind: "execution", namespace: "", workflowId: "other" },
        signalName: "pong",
        args: [],
      }];
    }
  };
  await assert.rejects(
    createReplayer({ sandbox: new ScriptedSandbox({ W: wrongName }) }).replayHistory(h.history()),
    (e: unknown) =>
      e instanceof NondeterminismError && e.code === "SG1101" &&
      /signalName is "pong" in the workflow but "ping"/.test(e.message),
  );
});
