import { test } from "node:test";
import assert from "node:assert/strict";
import { activityMachine } from "../../worker/workflow/machines/activity.ts";
import { cancelExternalMachine } from "../../worker/workflow/machines/cancel_external.ts";
import { childWorkflowMachine } from "../../worker/workflow/machines/child_workflow.ts";
import { localActivityMachine } from "../../worker/workflow/machines/local_activity.ts";
import { patchMachine } from "../../worker/workflow/machines/patch.ts";
import {
  modifyWorkflowPropertiesMachine,
  upsertSearchAttributesMachine,
} from "../../worker/workflow/machines/properties.ts";
import { signalExternalMachine } from "../../worker/workflow/machines/signal_external.ts";
import { timerMachine } from "../../worker/workflow/machines/timer.ts";
import { updateMachine } from "../../worker/workflow/machines/update.ts";
import {
  cancelWorkflowMachine,
  completeWorkflowMachine,
  continueAsNewMachine,
  failWorkflowMachine,
} from "../../worker/workflow/machines/workflow_end.ts";
import { defineMachine, StateMachine, transitionCoverage } from "../../worker/workflow/state_machine.ts";
import { NondeterminismError } from "../../worker/workflow/nondeterminism_error.ts";

const ALL = [
  timerMachine,
  activityMachine,
  localActivityMachine,
  childWorkflowMachine,
  signalExternalMachine,
  cancelExternalMachine,
  completeWorkflowMachine,
  failWorkflowMachine,
  cancelWorkflowMachine,
  continueAsNewMachine,
  upsertSearchAttributesMachine,
  modifyWorkflowPropertiesMachine,
  patchMachine,
  updateMachine,
];

test("every command kind has its own transition table, and every state in it is reachable", () => {
  assert.equal(new Set(ALL.map((d) => d.name)).size, ALL.length);
  for (const def of ALL) {
    const reachable = new Set([def.initial]);
    for (let grew = true; grew;) {
      grew = false;
      for (const t of def.transitions) {
        if (reachable.has(t.from) && !reachable.has(t.to)) {
          reachable.add(t.to);
          grew = true;
        }
      }
    }
    const states = new Set(def.transitions.flatMap((t) => [t.from, t.to]));
    for (const s of states) assert.ok(reachable.has(s), `${def.name}: state ${s} is unreachable`);
  }
});

test("a machine records its transitions and rejects a trigger its table lacks with SG1105", () => {
  const m = new StateMachine(timerMachine, "timer seq=1");
  m.fire("schedule");
  m.fire("TimerStarted", 5);
  assert.equal(m.state, "StartCommandRecorded");
  assert.throws(() => m.fire("TimerStarted", 9), (e: unknown) => {
    assert.ok(e instanceof NondeterminismError);
    assert.equal(e.code, "SG1105");
    assert.match(
      e.message,
      /timer seq=1 in state StartCommandRecorded has no transition for 'TimerStarted' \(history event 9\)/,
    );
    assert.match(
      e.message,
      /Created --\(schedule\)--> StartCommandCreated, StartCommandCreated --\(TimerStarted\)--> StartCommandRecorded @5/,
    );
    return true;
  });
  const counts = transitionCoverage().get("timer")!;
  assert.ok((counts.get("Created --(schedule)--> StartCommandCreated") ?? 0) >= 1);
});

test("a table with two rows for the same state and trigger is refused", () => {
  assert.throws(
    () => defineMachine("broken", "A", [["A", "go", "B"], ["A", "go", "C"]]),
    /Machine 'broken' declares two transitions for 'A' on 'go'/,
  );
});
