import { test } from "node:test";
import assert from "node:assert/strict";
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  ChildWorkflowFailure,
  ServerFailure,
  TemporalFailure,
  TerminatedFailure,
  TimeoutFailure,
} from "../../common/failures.ts";

const classes = {
  TemporalFailure,
  ApplicationFailure,
  CancelledFailure,
  TerminatedFailure,
  TimeoutFailure,
  ServerFailure,
  ActivityFailure,
  ChildWorkflowFailure,
};

function sample(copy: typeof classes): Record<string, Error> {
  return {
    TemporalFailure: new copy.TemporalFailure("base"),
    ApplicationFailure: copy.ApplicationFailure.create({ message: "app", type: "T" }),
    CancelledFailure: new copy.CancelledFailure("cancelled"),
    TerminatedFailure: new copy.TerminatedFailure("terminated"),
    TimeoutFailure: new copy.TimeoutFailure("timeout", { timeoutType: "HEARTBEAT" }),
    ServerFailure: new copy.ServerFailure("server"),
    ActivityFailure: new copy.ActivityFailure("activity", { activityType: "a", activityId: "1" }),
    ChildWorkflowFailure: new copy.ChildWorkflowFailure("child", {
      namespace: "default",
      execution: { workflowId: "w" },
      workflowType: "wt",
    }),
  };
}

function assertKinds(errors: Record<string, Error>, against: typeof classes): void {
  for (const [name, error] of Object.entries(errors)) {
    assert.equal(error.name, name);
    assert.ok(error instanceof Error, `${name} instanceof Error`);
    assert.ok(error instanceof against.TemporalFailure, `${name} instanceof TemporalFailure`);
    for (const [other, ctor] of Object.entries(against)) {
      if (other === "TemporalFailure") continue;
      assert.equal(error instanceof ctor, other === name, `${name} instanceof ${other}`);
    }
  }
}

test("each failure class is an Error, a TemporalFailure, and only its own kind", () => {
  assertKinds(sample(classes), classes);
});

test("instanceof recognises failures from another copy of the module, both ways", async () => {
  const dir = await mkdtemp(join(tmpdir(), "sandglass-failures-"));
  try {
    for (const file of ["failures.ts", "brand.ts", "duration.ts", "failure_proto.ts"]) {
      await copyFile(new URL(`../../common/${file}`, import.meta.url), join(dir, file));
    }
    const module = (await import(pathToFileURL(join(dir, "failures.ts")).href)) as typeof classes;
    const copy = Object.fromEntries(
      Object.keys(classes).map((name) => [name, module[name as keyof typeof classes]]),
    ) as typeof classes;
    assert.notEqual(copy.ApplicationFailure, ApplicationFailure);
    assertKinds(sample(copy), classes);
    assertKinds(sample(classes), copy);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test("brands are Symbol.for('sandglass.<Name>') on the prototype chain", () => {
  const error = ApplicationFailure.nonRetryable("x");
  const record = error as unknown as Record<symbol, unknown>;
  assert.equal(record[Symbol.for("sandglass.ApplicationFailure")], true);
  assert.equal(record[Symbol.for("sandglass.TemporalFailure")], true);
  assert.equal(Object.keys(error).some((key) => key.includes("sandglass")), false);
  // An object that carries the brand is recognised, whatever its prototype.
  const foreign = Object.create(Error.prototype, {
    [Symbol.for("sandglass.ApplicationFailure")]: { value: true },
  });
  assert.ok(foreign instanceof ApplicationFailure);
  assert.ok(!(new Error("plain") instanceof TemporalFailure));
  assert.ok(!((null as unknown as object) instanceof TemporalFailure));
  assert.ok(!({ name: "ApplicationFailure" } instanceof ApplicationFailure));
});

test("a user subclass of ApplicationFailure does not match its siblings", () => {
  class CardDeclined extends ApplicationFailure {}
  class OutOfStock extends ApplicationFailure {}
  const error = new CardDeclined("declined", { type: "CardDeclined" });
  assert.ok(error instanceof CardDeclined);
  assert.ok(error instanceof ApplicationFailure);
  assert.ok(error instanceof TemporalFailure);
  assert.ok(!(error instanceof OutOfStock));
  assert.ok(!(ApplicationFailure.create({}) instanceof CardDeclined));
});

test("ApplicationFailure.create, retryable and nonRetryable set every field", () => {
  const cause = new Error("root");
  const a = ApplicationFailure.create({
    message: "m",
    type: "T",
    nonRetryable: true,
    details: [1, "two"],
    nextRetryDelay: "5s",
    category: "BENIGN",
    cause,
  });
  assert.equal(a.message, "m");
  assert.equal(a.type, "T");
  assert.equal(a.nonRetryable, true);
  assert.deepEqual(a.details, [1, "two"]);
  assert.equal(a.nextRetryDelay, "5s");
  assert.equal(a.category, "BENIGN");
  assert.equal(a.cause, cause);
  assert.equal(String(a), "ApplicationFailure: m");

  const r = ApplicationFailure.retryable("busy", "Busy", { wait: 1 });
  assert.equal(r.nonRetryable, false);
  assert.equal(r.type, "Busy");
  assert.deepEqual(r.details, [{ wait: 1 }]);
  const n = ApplicationFailure.nonRetryable("bad");
  assert.equal(n.nonRetryable, true);
  assert.equal(n.type, undefined);
  assert.deepEqual(n.details, []);
  assert.equal(ApplicationFailure.create().message, "");
});

test("the other failure classes keep their fields", () => {
  const timeout = new TimeoutFailure("t", { timeoutType: "START_TO_CLOSE", lastHeartbeatDetails: [42] });
  assert.equal(timeout.timeoutType, "START_TO_CLOSE");
  assert.deepEqual(timeout.lastHeartbeatDetails, [42]);
  assert.equal(new TimeoutFailure().timeoutType, "UNSPECIFIED");
  const activity = new ActivityFailure("a", {
    activityType: "charge",
    activityId: "7",
    retryState: "MAXIMUM_ATTEMPTS_REACHED",
    identity: "worker-1",
    cause: timeout,
  });
  assert.deepEqual(
    [activity.activityType, activity.activityId, activity.retryState, activity.identity, activity.cause],
    ["charge", "7", "MAXIMUM_ATTEMPTS_REACHED", "worker-1", timeout],
  );
  const child = new ChildWorkflowFailure(undefined, {
    namespace: "ns",
    execution: { workflowId: "w", runId: "r" },
    workflowType: "wt",
  });
  assert.deepEqual([child.namespace, child.execution, child.workflowType, child.retryState], [
    "ns",
    { workflowId: "w", runId: "r" },
    "wt",
    "UNSPECIFIED",
  ]);
  assert.equal(new ServerFailure("s", { nonRetryable: true }).nonRetryable, true);
  assert.equal(new TerminatedFailure("x", { identity: "cli" }).identity, "cli");
  const cancelled = new CancelledFailure("c", { details: ["why"], identity: "me" });
  assert.deepEqual([cancelled.details, cancelled.identity], [["why"], "me"]);
});
