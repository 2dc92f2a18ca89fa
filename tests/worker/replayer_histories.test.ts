import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { EventType } from "../../gen/temporal/api/enums/v1/event_type_pb.ts";
import {
  type History,
  HistoryEventSchema,
  HistorySchema,
} from "../../gen/temporal/api/history/v1/message_pb.ts";
import {
  historyFromJson,
  NondeterminismError,
  Replayer,
  ReplayError,
  type ReplayResult,
} from "../../worker/mod.ts";

const DIR = new URL("../fixtures/histories/", import.meta.url);
const WORKFLOWS = new URL("workflows.ts", DIR);

/** The binary histories of sdk-core's tests (pinned core-bridge tarball) that replay cleanly. */
const CORE_HISTORIES = [
  "timer_workflow_history.bin",
  "ends_empty_wft_complete.bin",
  "old_change_marker_format.bin",
  "fail_wf_task.bin",
  "evict_while_la_running_no_interference-16_history.bin",
  "evict_while_la_running_no_interference-85_history.bin",
  "long_local_activity_with_update-0_history.bin",
  "long_local_activity_with_update-1_history.bin",
  "long_local_activity_with_update-2_history.bin",
  "long_local_activity_with_update-3_history.bin",
];

async function withReplayer(
  fn: (replayer: Replayer) => Promise<void>,
): Promise<void> {
  const replayer = await Replayer.create({ workflowsPath: WORKFLOWS });
  try {
    await fn(replayer);
  } finally {
    await replayer.dispose();
  }
}

function bytes(name: string): Promise<Uint8Array> {
  return readFile(new URL(name, DIR));
}

async function json(name: string): Promise<History> {
  return historyFromJson(await readFile(new URL(name, DIR), "utf8"));
}

function renameWorkflowType(history: History, name: string): History {
  const started = history.events[0]!.attributes;
  assert.equal(started.case, "workflowExecutionStartedEventAttributes");
  if (started.case === "workflowExecutionStartedEventAttributes") {
    started.value.workflowType!.name = name;
  }
  return history;
}

/** The Temporal UI's spelling of a proto3 JSON history: short PascalCase enum values. */
function uiSpelling(text: string): string {
  return text.replace(
    /"(EVENT_TYPE|TASK_QUEUE_KIND|TIMEOUT_TYPE|RETRY_STATE|PARENT_CLOSE_POLICY|CONTINUE_AS_NEW_INITIATOR)_([A-Z_]+)"/g,
    (_, _prefix: string, rest: string) =>
      `"${
        rest.toLowerCase().replace(
          /(^|_)([a-z])/g,
          (_m: string, _u: string, c: string) => c.toUpperCase(),
        )
      }"`,
  );
}

function assertCode(code: string, pattern?: RegExp): (e: unknown) => boolean {
  return (e) => {
    assert.ok(e instanceof NondeterminismError, String(e));
    assert.equal(e.code, code, e.message);
    if (pattern !== undefined) assert.match(e.message, pattern);
    return true;
  };
}

test("replays every sdk-core binary history whose workflow Sandglass expresses", async () => {
  await withReplayer(async (replayer) => {
    for (const name of CORE_HISTORIES) {
      const result = await replayer.replayWorkflow(await bytes(name));
      assert.ok(result.events > 0, name);
    }
  });
});

test("sdk-core's evict_while_la-23 history is nondeterministic as recorded, and replays once its bad ending is cut", async () => {
  await withReplayer(async (replayer) => {
    const history = await bytes(
      "evict_while_la_running_no_interference-23_history.bin",
    );
    // The recorded worker scheduled the activity twice (events 13 and 25).
    await assert.rejects(
      replayer.replayWorkflow(history),
      assertCode("SG1100", /event 25 ActivityTaskScheduled/),
    );
    // sdk-core's own repro test keeps events 1-24 and completes the workflow.
    const events = fromBinary(HistorySchema, history).events.slice(0, 24);
    events.push(create(HistoryEventSchema, {
      eventId: 25n,
      eventTime: events[23]!.eventTime ?? timestampFromMs(0),
      eventType: EventType.WORKFLOW_EXECUTION_COMPLETED,
      attributes: {
        case: "workflowExecutionCompletedEventAttributes",
        value: { workflowTaskCompletedEventId: 24n },
      },
    }));
    assert.equal(
      (await replayer.replayWorkflow(create(HistorySchema, { events }))).events,
      25,
    );
  });
});

test("replays histories recorded by the official TypeScript SDK's worker (activities, timers, signals + update)", async () => {
  await withReplayer(async (replayer) => {
    for (
      const name of [
        "official_activities.json",
        "official_timers.json",
        "official_signals.json",
      ]
    ) {
      const text = await readFile(new URL(name, DIR), "utf8");
      const result = await replayer.replayWorkflow(text);
      assert.match(result.workflowId, /^official-/, name);
      assert.equal(
        result.runId,
        JSON.parse(text).events[0].workflowExecutionStartedEventAttributes
          .originalExecutionRunId,
      );
    }
  });
});

test("replays a history the Temporal CLI exported from a Sandglass run (committed fixture), as text, bytes and message", async () => {
  await withReplayer(async (replayer) => {
    const text = await readFile(new URL("cli_signals.json", DIR), "utf8");
    assert.match(text, /"EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED"/);
    await replayer.replayWorkflow(text);
    await replayer.replayWorkflow(new TextEncoder().encode(text));
    await replayer.replayWorkflow(JSON.parse(text));
    const message = historyFromJson(text);
    await replayer.replayWorkflow(message);
    await replayer.replayWorkflow(toBinary(HistorySchema, message));
  });
});

test("accepts the UI's short enum spelling (WorkflowExecutionStarted, Normal) as well as proto names", async () => {
  const text = await readFile(new URL("official_signals.json", DIR), "utf8");
  const ui = uiSpelling(text);
  assert.match(ui, /"eventType": "WorkflowExecutionStarted"/);
  assert.match(ui, /"kind": "Normal"/);
  const fromUi = historyFromJson(ui);
  const fromCli = historyFromJson(text);
  assert.deepEqual(
    toBinary(HistorySchema, fromUi),
    toBinary(HistorySchema, fromCli),
  );
  assert.equal(
    fromUi.events[0]!.eventType,
    EventType.WORKFLOW_EXECUTION_STARTED,
  );
  await withReplayer(async (replayer) => {
    await replayer.replayWorkflow(ui);
  });
});

test("a changed workflow fails replay of an official SDK history with the code of the change", async () => {
  await withReplayer(async (replayer) => {
    const cases: [string, string, RegExp][] = [
      [
        "officialActivities_sleepsFirst",
        "SG1100",
        /startTimer seq=1 where history has event 5 ActivityTaskScheduled/,
      ],
      [
        "officialActivities_renamed",
        "SG1101",
        /activityType is "shout" in the workflow but "echo" in history/,
      ],
      ["officialActivities_stalls", "SG1102", /event 11 ActivityTaskScheduled/],
      ["officialActivities_parallel", "SG1103", /scheduleActivity seq=2/],
    ];
    for (const [workflowType, code, pattern] of cases) {
      const history = renameWorkflowType(
        await json("official_activities.json"),
        workflowType,
      );
      await assert.rejects(
        replayer.replayWorkflow(history),
        assertCode(code, pattern),
      );
    }
  });
});

test("a history event for a command the workflow never issued fails with SG1104", async () => {
  await withReplayer(async (replayer) => {
    const history = await json("official_timers.json");
    const fired = history.events.find((e) => e.attributes.case === "timerFiredEventAttributes")!;
    if (fired.attributes.case === "timerFiredEventAttributes") {
      fired.attributes.value.startedEventId = 2n;
    }
    await assert.rejects(
      replayer.replayWorkflow(history),
      assertCode(
        "SG1104",
        /event 6 TimerFired for event 2, which matches no command/,
      ),
    );
  });
});

test("replayWorkflows yields one result per history, with the error instead of throwing", async () => {
  await withReplayer(async (replayer) => {
    const good = await json("official_timers.json");
    const bad = renameWorkflowType(
      await json("official_activities.json"),
      "officialActivities_sleepsFirst",
    );
    async function* histories() {
      yield good;
      yield { history: bad, workflowId: "bad-one" };
      yield await bytes("timer_workflow_history.bin");
    }
    const results: ReplayResult[] = [];
    for await (const result of replayer.replayWorkflows(histories())) {
      results.push(result);
    }
    assert.equal(results.length, 3);
    assert.equal(results[0]!.error, undefined);
    assert.equal(
      results[0]!.workflowId,
      good.events[0]!.attributes.case ===
          "workflowExecutionStartedEventAttributes"
        ? good.events[0]!.attributes.value.workflowId
        : "",
    );
    assert.equal(results[1]!.workflowId, "bad-one");
    assert.ok(results[1]!.error instanceof NondeterminismError);
    assert.equal((results[1]!.error as NondeterminismError).code, "SG1100");
    assert.equal(results[2]!.error, undefined);
    assert.equal(results[2]!.events, 10);
  });
});

test("a workflow type the module does not export fails replay with a ReplayError naming it", async () => {
  await withReplayer(async (replayer) => {
    const history = renameWorkflowType(
      await json("official_timers.json"),
      "noSuchWorkflow",
    );
    await assert.rejects(
      replayer.replayWorkflow(history, { workflowId: "wf-x", runId: "run-x" }),
      (e: unknown) => {
        assert.ok(e instanceof ReplayError, String(e));
        assert.ok(!(e instanceof NondeterminismError));
        assert.equal(e.workflowId, "wf-x");
        assert.equal(e.runId, "run-x");
        assert.match(e.message, /'noSuchWorkflow'/);
        assert.match(e.failure?.message ?? "", /noSuchWorkflow/);
        return true;
      },
    );
  });
});

test("unusable input fails with a message that says what is expected", async () => {
  assert.throws(() => historyFromJson("{ nope"), /Invalid history JSON/);
  assert.throws(
    () => historyFromJson({ items: [] }),
    /expected an object with an 'events' array/,
  );
  assert.throws(
    () => new Replayer({ workflowsPath: "" }),
    /Invalid workflowsPath ''/,
  );
  await withReplayer(async (replayer) => {
    await assert.rejects(
      replayer.replayWorkflow({ events: [] }),
      (e: unknown) => {
        assert.ok(e instanceof ReplayError, String(e));
        assert.match(e.message, /does not start with WorkflowExecutionStarted/);
        return true;
      },
    );
    await assert.rejects(
      replayer.replayWorkflow(new Uint8Array([0xff, 0xff, 0xff])),
      ReplayError,
    );
  });
});

test("concurrent replays of the same history do not disturb each other", async () => {
  await withReplayer(async (replayer) => {
    const text = await readFile(new URL("official_signals.json", DIR), "utf8");
    const results = await Promise.all(
      [1, 2, 3].map(() => replayer.replayWorkflow(text)),
    );
    assert.deepEqual(results.map((r) => r.events), [19, 19, 19]);
  });
});

test("new Replayer bundles on first use, and a disposed Replayer refuses to replay", async () => {
  const replayer = new Replayer({ workflowsPath: WORKFLOWS });
  assert.equal(
    (await replayer.replayWorkflow(await bytes("fail_wf_task.bin"))).events,
    13,
  );
  await replayer.dispose();
  await assert.rejects(
    replayer.replayWorkflow(await bytes("fail_wf_task.bin")),
    /disposed/,
  );
});

test("binary histories whose bytes begin like JSON (0x0a then '{') are still read as binary", async () => {
  // A first event of 123 bytes encodes as 0x0a 0x7b ("\n{").
  const history = await json("official_timers.json");
  const started = history.events[0]!;
  if (started.attributes.case === "workflowExecutionStartedEventAttributes") {
    const a = started.attributes.value;
    a.firstExecutionRunId = "";
    a.workflowId = "";
    a.header = undefined;
    a.taskQueue!.name = "q";
    for (let pad = 0; pad < 400; pad++) {
      a.identity = "x".repeat(pad);
      const size = toBinary(HistoryEventSchema, started).length;
      if (size === 123) break;
    }
    assert.equal(toBinary(HistoryEventSchema, started).length, 123);
  }
  const bytes = toBinary(HistorySchema, history);
  assert.deepEqual([...bytes.slice(0, 2)], [0x0a, 0x7b]);
  await withReplayer(async (replayer) => {
    assert.equal(
      (await replayer.replayWorkflow(bytes)).events,
      history.events.length,
    );
  });
});
