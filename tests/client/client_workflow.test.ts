import { test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "../../client/client.ts";
import { RPCError } from "../../client/rpc_error.ts";
import {
  WorkflowAlreadyStartedError,
  WorkflowContinuedAsNewError,
  WorkflowFailedError,
  WorkflowNotFoundError,
} from "../../common/client_errors.ts";
import { ApplicationFailure, CancelledFailure, TerminatedFailure } from "../../common/failures.ts";
import { defaultFailureConverter } from "../../common/failure_converter.ts";
import { defaultPayloadConverter } from "../../common/default_payload_converter.ts";
import { create } from "@bufbuild/protobuf";
import { CommandSchema } from "../../gen/temporal/api/command/v1/message_pb.ts";
import { CommandType } from "../../gen/temporal/api/enums/v1/command_type_pb.ts";
import { EventType } from "../../gen/temporal/api/enums/v1/event_type_pb.ts";
import type { Failure } from "../../gen/temporal/api/failure/v1/message_pb.ts";
import { completeWorkflowTask, continueAsNewCommand, failCommand } from "../support/raw_worker.ts";
import { completeNext, fromPayload, nextTask, testClient, uniqueId } from "./client_support.ts";

function greet(name: string): Promise<string> {
  return Promise.resolve(`Hello, ${name}`);
}

test("executeWorkflow starts a typed workflow and returns the result the worker completed it with", async () => {
  const { client, taskQueue } = await testClient();
  try {
    const id = uniqueId("wf");
    const pending = client.executeWorkflow(greet, { args: ["Ada"], id, taskQueue });
    const task = await completeNext(client, taskQueue, "Hello, Ada");
    assert.equal(task.response.workflowType?.name, "greet");
    const started = task.response.history?.events[0];
    assert.equal(started?.attributes.case, "workflowExecutionStartedEventAttributes");
    const input = started?.attributes.case === "workflowExecutionStartedEventAttributes"
      ? started.attributes.value.input?.payloads ?? []
      : [];
    assert.deepEqual(input.map(fromPayload), ["Ada"]);
    const result: string = await pending;
    assert.equal(result, "Hello, Ada");
  } finally {
    await client.connection.close();
  }
});

test("startWorkflow returns a handle whose ids, describe and history match the server's", async () => {
  const { client, taskQueue } = await testClient();
  try {
    const id = uniqueId("wf");
    const handle = await client.startWorkflow("by-name", {
      args: [1, { a: "b" }],
      id,
      taskQueue,
      memo: { team: "payments", n: 3 },
      staticSummary: "A summary",
      staticDetails: "Some **details**",
      executionTimeout: "1 hour",
      runTimeout: "30m",
      taskTimeout: 5_000,
    });
    assert.equal(handle.workflowId, id);
    assert.equal(handle.runId, undefined);
    assert.ok(handle.resultRunId);
    assert.equal(handle.firstExecutionRunId, handle.resultRunId);
    const description = await handle.describe();
    assert.equal(description.workflowId, id);
    assert.equal(description.runId, handle.resultRunId);
    assert.equal(description.workflowType, "by-name");
    assert.equal(description.taskQueue, taskQueue);
    assert.equal(description.status, "RUNNING");
    assert.ok(description.startTime instanceof Date);
    assert.deepEqual(await description.memo(), { team: "payments", n: 3 });
    assert.equal(await description.staticSummary(), "A summary");
    assert.equal(await description.staticDetails(), "Some **details**");

    const history = await handle.fetchHistory();
    const started = history.events[0];
    assert.equal(started?.eventType, EventType.WORKFLOW_EXECUTION_STARTED);
    assert.ok(started?.attributes.case === "workflowExecutionStartedEventAttributes");
    const attrs = started.attributes.value;
    assert.equal(attrs.workflowExecutionTimeout?.seconds, 3600n);
    assert.equal(attrs.workflowRunTimeout?.seconds, 1800n);
    assert.equal(attrs.workflowTaskTimeout?.seconds, 5n);
    const iterated = [];
    for await (const event of handle.fetchHistoryEvents({ pageSize: 1 })) iterated.push(event.eventId);
    assert.deepEqual(iterated, history.events.map((e) => e.eventId));
    await handle.terminate("test cleanup");
  } finally {
    await client.connection.close();
  }
});

test("missing or invalid start options fail with a clear TypeError before any RPC", async () => {
  // A lazy client on a port nobody listens on: any RPC would fail with an RPCError instead.
  const client = await Client.connect("127.0.0.1:1", { lazy: true, retry: false });
  try {
    await assert.rejects(client.startWorkflow("wf", { id: "", taskQueue: "q" }), (err: Error) => {
      assert.ok(err instanceof TypeError);
      assert.match(err.message, /Missing workflow id/);
      return true;
    });
    await assert.rejects(client.startWorkflow("wf", { id: "x" } as never), /Missing task queue/);
    await assert.rejects(client.startWorkflow("", { id: "x", taskQueue: "q" }), /Invalid workflow ''/);
    await assert.rejects(
      client.startWorkflow("wf", { id: "x", taskQueue: "q", runTimeout: "5q" }),
      /Invalid runTimeout/,
    );
    await assert.rejects(
      client.startWorkflow("wf", { id: "x", taskQueue: "q", idReusePolicy: "NOPE" as never }),
      /Invalid idReusePolicy 'NOPE'/,
    );
    await assert.rejects(
      client.startWorkflow("wf", { id: "x", taskQueue: "q", cronSchedule: "* * * * *", startDelay: "1m" }),
      /startDelay: it cannot be combined with cronSchedule/,
    );
    await assert.rejects(
      client.startWorkflow("wf", { id: "x", taskQueue: "q", retryPolicy: { backoffCoefficient: 0.5 } }),
      /retryPolicy.backoffCoefficient '0.5'/,
    );
    await assert.rejects(
      client.startWorkflow("wf", { id: "x", taskQueue: "q", startSignalArgs: [1] }),
      /set startSignal/,
    );
    assert.throws(() => client.getWorkflowHandle(""), /Missing workflow id/);
    // And an RPC really does fail on this client, so the errors above came before any call.
    await assert.rejects(
      client.startWorkflow("wf", { id: "x", taskQueue: "q" }),
      (err) => err instanceof RPCError,
    );
  } finally {
    await client.connection.close();
  }
});

test("starting a running workflow id again throws WorkflowAlreadyStartedError with the running run id", async () => {
  const { client, taskQueue } = await testClient();
  try {
    const id = uniqueId("wf");
    const first = await client.startWorkflow("dup", { id, taskQueue });
    await assert.rejects(client.startWorkflow("dup", { id, taskQueue }), (err: unknown) => {
      assert.ok(err instanceof WorkflowAlreadyStartedError);
      assert.equal(err.workflowId, id);
      assert.equal(err.workflowType, "dup");
      assert.equal(err.runId, first.resultRunId);
      return true;
    });
    // USE_EXISTING returns the running run instead.
    const again = await client.startWorkflow("dup", { id, taskQueue, idConflictPolicy: "USE_EXISTING" });
    assert.equal(again.resultRunId, first.resultRunId);
    await first.terminate();
  } finally {
    await client.connection.close();
  }
});

test("describe of an unknown workflow throws WorkflowNotFoundError", async () => {
  const { client } = await testClient();
  try {
    const id = uniqueId("missing");
    await assert.rejects(client.getWorkflowHandle(id).describe(), (err: unknown) => {
      assert.ok(err instanceof WorkflowNotFoundError);
      assert.equal(err.workflowId, id);
      assert.ok(err.cause instanceof RPCError);
      return true;
    });
  } finally {
    await client.connection.close();
  }
});

test("result of a failed workflow throws WorkflowFailedError with the converted cause chain", async () => {
  const { client, namespace, taskQueue } = await testClient();
  try {
    const handle = await client.startWorkflow("fails", { id: uniqueId("wf"), taskQueue });
    const task = await nextTask(client, taskQueue);
    const error = ApplicationFailure.create({
      message: "Card declined",
      type: "CardDeclined",
      nonRetryable: true,
      details: [{ last4: "4242" }],
      cause: ApplicationFailure.create({ message: "Issuer down", type: "Upstream" }),
    });
    const failure = defaultFailureConverter.errorToFailure(
      error,
      defaultPayloadConverter,
    ) as unknown as Failure;
    await completeWorkflowTask(client.workflowService, namespace, task, [failCommand(failure)]);
    await assert.rejects(handle.result(), (err: unknown) => {
      assert.ok(err instanceof WorkflowFailedError);
      assert.ok(err.cause instanceof ApplicationFailure);
      assert.equal(err.cause.message, "Card declined");
      assert.equal(err.cause.type, "CardDeclined");
      assert.equal(err.cause.nonRetryable, true);
      assert.deepEqual(err.cause.details, [{ last4: "4242" }]);
      assert.ok(err.cause.cause instanceof ApplicationFailure);
      assert.equal(err.cause.cause.type, "Upstream");
      assert.equal(err.retryState, "RETRY_POLICY_NOT_SET");
      return true;
    });
  } finally {
    await client.connection.close();
  }
});

test("result follows continue-as-new, and with followRuns: false throws WorkflowContinuedAsNewError", async () => {
  const { client, namespace, taskQueue } = await testClient();
  try {
    const handle = await client.startWorkflow("loop", { id: uniqueId("wf"), taskQueue });
    const first = await nextTask(client, taskQueue);
    await completeWorkflowTask(client.workflowService, namespace, first, [
      continueAsNewCommand("loop", taskQueue, [defaultPayloadConverter.toPayload(2) as never]),
    ]);
    await assert.rejects(handle.result({ followRuns: false }), (err: unknown) => {
      assert.ok(err instanceof WorkflowContinuedAsNewError);
      assert.ok(err.newExecutionRunId);
      assert.notEqual(err.newExecutionRunId, handle.resultRunId);
      return true;
    });
    const pending = handle.result();
    await completeNext(client, taskQueue, "second run done");
    assert.equal(await pending, "second run done");
  } finally {
    await client.connection.close();
  }
});

test("cancel records a cancel request; a workflow that accepts it makes result throw CancelledFailure", async () => {
  const { client, namespace, taskQueue } = await testClient();
  try {
    const handle = await client.startWorkflow("cancellable", { id: uniqueId("wf"), taskQueue });
    const first = await nextTask(client, taskQueue);
    await completeWorkflowTask(client.workflowService, namespace, first, []);
    await handle.cancel({ reason: "user asked" });
    const second = await nextTask(client, taskQueue);
    const requested = second.response.history?.events.find((e) =>
      e.eventType === EventType.WORKFLOW_EXECUTION_CANCEL_REQUESTED
    );
    assert.ok(requested?.attributes.case === "workflowExecutionCancelRequestedEventAttributes");
    assert.equal(requested.attributes.value.cause, "user asked");
    await completeWorkflowTask(client.workflowService, namespace, second, [
      create(CommandSchema, {
        commandType: CommandType.CANCEL_WORKFLOW_EXECUTION,
        attributes: { case: "cancelWorkflowExecutionCommandAttributes", value: {} },
      }),
    ]);
    await assert.rejects(handle.result(), (err: unknown) => {
      assert.ok(err instanceof WorkflowFailedError);
      assert.ok(err.cause instanceof CancelledFailure);
      return true;
    });
    assert.equal((await handle.describe()).status, "CANCELED");
  } finally {
    await client.connection.close();
  }
});

test("terminate closes the workflow at once; result throws TerminatedFailure with the reason", async () => {
  const { client, taskQueue } = await testClient();
  try {
    const handle = await client.startWorkflow("to-terminate", { id: uniqueId("wf"), taskQueue });
    await handle.terminate("no longer needed", { details: ["audit-1"] });
    await assert.rejects(handle.result(), (err: unknown) => {
      assert.ok(err instanceof WorkflowFailedError);
      assert.ok(err.cause instanceof TerminatedFailure);
      assert.equal(err.cause.message, "no longer needed");
      return true;
    });
    const description = await handle.describe();
    assert.equal(description.status, "TERMINATED");
    const history = await handle.fetchHistory();
    const last = history.events.at(-1);
    assert.ok(last?.attributes.case === "workflowExecutionTerminatedEventAttributes");
    assert.deepEqual(last.attributes.value.details?.payloads.map(fromPayload), ["audit-1"]);
  } finally {
    await client.connection.close();
  }
});

test("a handle from getWorkflowHandle with a typed workflow reads the result of an existing run", async () => {
  const { client, taskQueue } = await testClient();
  try {
    const id = uniqueId("wf");
    const started = await client.startWorkflow(greet, { args: ["Bo"], id, taskQueue });
    await completeNext(client, taskQueue, "Hello, Bo");
    const handle = client.getWorkflowHandle<typeof greet>(id, { runId: started.resultRunId! });
    const result: string = await handle.result();
    assert.equal(result, "Hello, Bo");
    assert.equal(handle.runId, started.resultRunId);
    await assert.rejects(
      client.getWorkflowHandle(id, { runId: "00000000-0000-0000-0000-000000000000" }).describe(),
      (
        err: unknown,
      ) => err instanceof WorkflowNotFoundError,
    );
  } finally {
    await client.connection.close();
  }
});
