import { test } from "node:test";
import assert from "node:assert/strict";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { FailureSchema } from "../../gen/temporal/api/failure/v1/message_pb.ts";
import { defaultPayloadConverter } from "../../common/default_payload_converter.ts";
import { DefaultFailureConverter, defaultFailureConverter } from "../../common/failure_converter.ts";
import type { Failure } from "../../common/failure_proto.ts";
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

const pc = defaultPayloadConverter;
const bytes = (text: string) => new TextEncoder().encode(text);
const roundTrip = (error: unknown, converter = defaultFailureConverter) =>
  converter.failureToError(converter.errorToFailure(error, pc), pc);

test("an ApplicationFailure becomes the Failure shape the other SDKs read", () => {
  const error = ApplicationFailure.create({
    message: "Card declined",
    type: "CardDeclined",
    nonRetryable: true,
    details: [{ last4: "4242" }],
    nextRetryDelay: "1.5s",
    category: "BENIGN",
  });
  const failure = defaultFailureConverter.errorToFailure(error, pc);
  assert.equal(failure.message, "Card declined");
  assert.equal(failure.source, "Sandglass");
  assert.equal(failure.stackTrace, error.stack);
  assert.equal(failure.cause, undefined);
  assert.equal(failure.encodedAttributes, undefined);
  assert.deepEqual(failure.failureInfo, {
    case: "applicationFailureInfo",
    value: {
      type: "CardDeclined",
      nonRetryable: true,
      details: {
        payloads: [{ metadata: { encoding: bytes("json/plain") }, data: bytes('{"last4":"4242"}') }],
      },
      nextRetryDelay: { seconds: 1n, nanos: 500_000_000 },
      category: 1,
    },
  });
});

test("ApplicationFailure round-trips type, message, flags, details, delay, category and cause chain", () => {
  const root = new TypeError("bad input");
  const error = ApplicationFailure.create({
    message: "outer",
    type: "Outer",
    nonRetryable: true,
    details: ["a", 2, { b: [3] }],
    nextRetryDelay: "2s",
    category: "BENIGN",
    cause: ApplicationFailure.create({ message: "middle", type: "Middle", details: [7], cause: root }),
  });
  const back = roundTrip(error);
  assert.ok(back instanceof ApplicationFailure);
  assert.equal(back.message, "outer");
  assert.equal(back.type, "Outer");
  assert.equal(back.nonRetryable, true);
  assert.deepEqual(back.details, ["a", 2, { b: [3] }]);
  assert.equal(back.nextRetryDelay, 2000);
  assert.equal(back.category, "BENIGN");
  assert.equal(back.stack, error.stack);
  const middle = back.cause;
  assert.ok(middle instanceof ApplicationFailure);
  assert.equal(middle.message, "middle");
  assert.equal(middle.type, "Middle");
  assert.equal(middle.nonRetryable, false);
  assert.deepEqual(middle.details, [7]);
  const last = middle.cause;
  assert.ok(last instanceof ApplicationFailure);
  assert.deepEqual([last.type, last.message, last.stack, last.cause], [
    "TypeError",
    "bad input",
    root.stack,
    undefined,
  ]);
});

test("errors that are not Temporal failures become ApplicationFailure with type = error name", () => {
  const cause = new RangeError("too big");
  const error = new TypeError("wrong type", { cause });
  const failure = defaultFailureConverter.errorToFailure(error, pc);
  assert.equal(failure.failureInfo?.case, "applicationFailureInfo");
  const back = defaultFailureConverter.failureToError(failure, pc);
  assert.ok(back instanceof ApplicationFailure);
  assert.equal(back.type, "TypeError");
  assert.equal(back.message, "wrong type");
  assert.equal(back.nonRetryable, false);
  assert.equal(back.stack, error.stack);
  assert.ok(back.cause instanceof ApplicationFailure);
  assert.equal(back.cause.type, "RangeError");
  assert.equal(back.cause.message, "too big");

  class InsufficientFunds extends Error {
    override name = "InsufficientFunds";
  }
  assert.equal(
    (roundTrip(new InsufficientFunds("no money")) as ApplicationFailure).type,
    "InsufficientFunds",
  );
  const thrownString = roundTrip("just a string") as ApplicationFailure;
  assert.deepEqual([thrownString.message, thrownString.type], ["just a string", "Error"]);
  assert.equal(roundTrip({ code: 5 }).message, '{"code":5}');
});

test("every failure kind round-trips with its fields", () => {
  const cancelled = roundTrip(new CancelledFailure("stop", { details: ["why"], identity: "client-1" }));
  assert.ok(cancelled instanceof CancelledFailure);
  assert.deepEqual([cancelled.message, cancelled.details, cancelled.identity], ["stop", ["why"], "client-1"]);

  const terminated = roundTrip(new TerminatedFailure("terminated", { identity: "cli" }));
  assert.ok(terminated instanceof TerminatedFailure);
  assert.equal(terminated.identity, "cli");

  const timeout = roundTrip(
    new TimeoutFailure("timed out", { timeoutType: "HEARTBEAT", lastHeartbeatDetails: [41] }),
  );
  assert.ok(timeout instanceof TimeoutFailure);
  assert.equal(timeout.timeoutType, "HEARTBEAT");
  assert.deepEqual(timeout.lastHeartbeatDetails, [41]);

  const server = roundTrip(new ServerFailure("payload too large", { nonRetryable: true }));
  assert.ok(server instanceof ServerFailure);
  assert.equal(server.nonRetryable, true);

  const activity = roundTrip(
    new ActivityFailure("Activity task failed", {
      activityType: "charge",
      activityId: "3",
      retryState: "MAXIMUM_ATTEMPTS_REACHED",
      identity: "worker@host",
      cause: ApplicationFailure.create({ message: "declined", type: "Declined" }),
    }),
  );
  assert.ok(activity instanceof ActivityFailure);
  assert.deepEqual(
    [activity.activityType, activity.activityId, activity.retryState, activity.identity],
    ["charge", "3", "MAXIMUM_ATTEMPTS_REACHED", "worker@host"],
  );
  assert.ok(activity.cause instanceof ApplicationFailure);
  assert.equal(activity.cause.type, "Declined");

  const child = roundTrip(
    new ChildWorkflowFailure("Child Workflow execution failed", {
      namespace: "default",
      execution: { workflowId: "child-1", runId: "run-9" },
      workflowType: "childWorkflow",
      retryState: "NON_RETRYABLE_FAILURE",
      cause: new TerminatedFailure("terminated"),
    }),
  );
  assert.ok(child instanceof ChildWorkflowFailure);
  assert.deepEqual(
    [child.namespace, child.execution, child.workflowType, child.retryState],
    ["default", { workflowId: "child-1", runId: "run-9" }, "childWorkflow", "NON_RETRYABLE_FAILURE"],
  );
  assert.ok(child.cause instanceof TerminatedFailure);

  const base = roundTrip(new TemporalFailure("plain"));
  assert.ok(base instanceof TemporalFailure);
  assert.ok(!(base instanceof ApplicationFailure));
});

test("encodeCommonAttributes moves message and stack trace into a json/plain payload, and back", () => {
  const converter = new DefaultFailureConverter({ encodeCommonAttributes: true });
  const error = ApplicationFailure.create({ message: "secret", type: "T", cause: new Error("inner secret") });
  const failure = converter.errorToFailure(error, pc);
  assert.equal(failure.message, "Encoded failure");
  assert.equal(failure.stackTrace, "");
  assert.deepEqual(failure.encodedAttributes?.metadata, { encoding: bytes("json/plain") });
  assert.deepEqual(pc.fromPayload(failure.encodedAttributes!), {
    message: "secret",
    stack_trace: error.stack,
  });
  assert.equal(failure.cause?.message, "Encoded failure");

  const back = converter.failureToError(failure, pc) as ApplicationFailure;
  assert.equal(back.message, "secret");
  assert.equal(back.stack, error.stack);
  assert.equal(back.type, "T");
  assert.equal(back.cause?.message, "inner secret");
  // Any converter decodes encoded attributes, whatever its own option.
  assert.equal(defaultFailureConverter.failureToError(failure, pc).message, "secret");
});

test("failures written by other SDKs decode, including encoded attributes and unknown kinds", () => {
  const python: Failure = {
    message: "Encoded failure",
    source: "PythonSDK",
    stackTrace: "",
    encodedAttributes: {
      metadata: { encoding: bytes("json/plain") },
      data: bytes('{"message":"division by zero","stack_trace":"  File \\"w.py\\", line 3"}'),
    },
    failureInfo: {
      case: "applicationFailureInfo",
      value: { type: "ZeroDivisionError", nonRetryable: false },
    },
  };
  const error = defaultFailureConverter.failureToError(python, pc);
  assert.ok(error instanceof ApplicationFailure);
  assert.equal(error.message, "division by zero");
  assert.equal(error.type, "ZeroDivisionError");
  assert.equal(error.stack, '  File "w.py", line 3');
  assert.equal(error.failure, python);

  const nexus: Failure = {
    message: "nexus op failed",
    failureInfo: { case: "nexusOperationExecutionFailureInfo", value: { endpoint: "e", operation: "op" } },
  };
  const decoded = defaultFailureConverter.failureToError(nexus, pc);
  assert.ok(decoded instanceof TemporalFailure);
  assert.equal(decoded.message, "nexus op failed");
  assert.equal(defaultFailureConverter.failureToError({ message: "bare" }, pc).message, "bare");
});

test("a decoded failure converts back to exactly the failure it came from", () => {
  const wire = create(FailureSchema, {
    message: "Activity task failed",
    source: "GoSDK",
    failureInfo: {
      case: "activityFailureInfo",
      value: {
        scheduledEventId: 5n,
        startedEventId: 6n,
        activityType: { name: "a" },
        activityId: "1",
        retryState: 4,
      },
    },
    cause: { message: "boom", failureInfo: { case: "applicationFailureInfo", value: { type: "Boom" } } },
  });
  const error = defaultFailureConverter.failureToError(wire, pc);
  assert.ok(error instanceof ActivityFailure);
  assert.equal(error.retryState, "MAXIMUM_ATTEMPTS_REACHED");
  assert.equal(defaultFailureConverter.errorToFailure(error, pc), wire);
  // With encoded attributes on, the same failure is re-sent with its message and stack encoded.
  const encoded = new DefaultFailureConverter({ encodeCommonAttributes: true }).errorToFailure(error, pc);
  assert.equal(encoded.message, "Encoded failure");
  assert.equal((encoded.failureInfo?.value as { scheduledEventId?: bigint }).scheduledEventId, 5n);
  assert.deepEqual(pc.fromPayload(create(FailureSchema, encoded).encodedAttributes!), {
    message: "Activity task failed",
    stack_trace: "",
  });
});

test("converter output is a valid temporal.api.failure.v1.Failure (create, toBinary, fromBinary, decode)", () => {
  const error = new ActivityFailure("Activity task failed", {
    activityType: "charge",
    activityId: "9",
    retryState: "TIMEOUT",
    cause: new TimeoutFailure("timeout", {
      timeoutType: "START_TO_CLOSE",
      lastHeartbeatDetails: [{ step: 2 }],
    }),
  });
  for (
    const converter of [
      defaultFailureConverter,
      new DefaultFailureConverter({ encodeCommonAttributes: true }),
    ]
  ) {
    const message = create(FailureSchema, converter.errorToFailure(error, pc));
    const wire = fromBinary(FailureSchema, toBinary(FailureSchema, message));
    const back = converter.failureToError(wire, pc);
    assert.ok(back instanceof ActivityFailure);
    assert.deepEqual([back.message, back.activityType, back.retryState], [
      "Activity task failed",
      "charge",
      "TIMEOUT",
    ]);
    assert.ok(back.cause instanceof TimeoutFailure);
    assert.deepEqual(back.cause.lastHeartbeatDetails, [{ step: 2 }]);
  }
  const app = create(
    FailureSchema,
    defaultFailureConverter.errorToFailure(
      ApplicationFailure.create({ nextRetryDelay: 1500, details: [1] }),
      pc,
    ),
  );
  const info = app.failureInfo.case === "applicationFailureInfo" ? app.failureInfo.value : undefined;
  assert.equal(info?.nextRetryDelay?.seconds, 1n);
  assert.equal(info?.nextRetryDelay?.nanos, 500_000_000);
});

test("brands survive a structured clone of the failure data (how failures cross boundaries)", () => {
  const failure = defaultFailureConverter.errorToFailure(
    new ChildWorkflowFailure("child failed", {
      namespace: "ns",
      execution: { workflowId: "c" },
      workflowType: "t",
      cause: ApplicationFailure.nonRetryable("bad", "Bad", new Uint8Array([1, 2])),
    }),
    pc,
  );
  const cloned = structuredClone(failure);
  const error = defaultFailureConverter.failureToError(cloned, pc);
  assert.ok(error instanceof ChildWorkflowFailure);
  assert.ok(error instanceof TemporalFailure);
  assert.ok(error.cause instanceof ApplicationFailure);
  assert.equal(error.cause.type, "Bad");
  assert.deepEqual(error.cause.details, [new Uint8Array([1, 2])]);
  assert.equal(error.execution.runId, undefined);
});

test("a cyclic cause chain does not loop", () => {
  const a = new Error("a") as Error & { cause?: unknown };
  const b = new Error("b", { cause: a });
  a.cause = b;
  const failure = defaultFailureConverter.errorToFailure(a, pc);
  assert.equal(failure.message, "a");
  assert.equal(failure.cause?.message, "b");
  assert.equal(failure.cause?.cause, undefined);
});
