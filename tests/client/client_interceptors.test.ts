import { test } from "node:test";
import assert from "node:assert/strict";
import type { ClientInterceptor } from "../../client/interceptors.ts";
import { acceptAndComplete, answerQuery, completeWorkflowTask } from "../support/raw_worker.ts";
import { ackNext, fromPayload, nextTask, payload, testClient, uniqueId } from "./client_support.ts";

test("interceptors wrap every call in order and their headers reach the worker in the requests", async () => {
  const seen: string[] = [];
  const outer: ClientInterceptor = {
    startWorkflow(input, next) {
      seen.push("outer:start");
      return next({ ...input, headers: { ...input.headers, trace: payload("trace-1") } });
    },
    signalWorkflow(input, next) {
      seen.push("outer:signal");
      return next({ ...input, headers: { ...input.headers, trace: payload("trace-2") } });
    },
    queryWorkflow(input, next) {
      seen.push("outer:query");
      return next({ ...input, headers: { ...input.headers, trace: payload("trace-3") } });
    },
    startWorkflowUpdate(input, next) {
      seen.push("outer:update");
      return next({ ...input, headers: { ...input.headers, trace: payload("trace-4") } });
    },
    async describeWorkflow(input, next) {
      seen.push("outer:describe");
      return await next(input);
    },
    async countWorkflows(input, next) {
      seen.push("outer:count");
      const output = await next(input);
      return { ...output, count: output.count + 1000 };
    },
    async terminateWorkflow(input, next) {
      seen.push("outer:terminate");
      return await next({ ...input, reason: `${input.reason} (audited)` });
    },
  };
  const inner: ClientInterceptor = {
    startWorkflow(input, next) {
      seen.push("inner:start");
      assert.ok(input.headers["trace"], "the outer interceptor runs first");
      return next(input);
    },
    describeWorkflow(input, next) {
      seen.push("inner:describe");
      return next(input);
    },
  };
  const { client, namespace, taskQueue } = await testClient({ interceptors: [outer, inner] });
  try {
    const handle = await client.startWorkflow("intercepted", { id: uniqueId("wf"), taskQueue });
    const first = await ackNext(client, taskQueue);
    const started = first.response.history?.events[0];
    assert.ok(started?.attributes.case === "workflowExecutionStartedEventAttributes");
    assert.equal(fromPayload(started.attributes.value.header?.fields["trace"]), "trace-1");

    await handle.signal("ping");
    await ackNext(client, taskQueue); // the task the signal brought
    const pendingQuery = handle.query("state");
    const qTask = await nextTask(client, taskQueue);
    assert.equal(fromPayload(qTask.response.query?.header?.fields["trace"]), "trace-3");
    await answerQuery(client.workflowService, namespace, qTask, { result: [payload("ok")] });
    assert.equal(await pendingQuery, "ok");
    const signalled = (await handle.fetchHistory()).events.find((e) =>
      e.attributes.case === "workflowExecutionSignaledEventAttributes"
    );
    assert.ok(signalled?.attributes.case === "workflowExecutionSignaledEventAttributes");
    assert.equal(fromPayload(signalled.attributes.value.header?.fields["trace"]), "trace-2");

    const pendingUpdate = handle.executeUpdate("u");
    let updateTask = await nextTask(client, taskQueue);
    while (updateTask.updates.length === 0) {
      await completeWorkflowTask(client.workflowService, namespace, updateTask, []);
      updateTask = await nextTask(client, taskQueue);
    }
    assert.equal(fromPayload(updateTask.updates[0]!.request.input?.header?.fields["trace"]), "trace-4");
    const reply = acceptAndComplete(updateTask.updates[0]!, { success: [payload(null)] });
    await completeWorkflowTask(client.workflowService, namespace, updateTask, reply.commands, reply.messages);
    await pendingUpdate;

    await handle.describe();
    const count = await client.countWorkflows(`WorkflowId = '${handle.workflowId}'`);
    assert.ok(count.count >= 1000, "an interceptor can change the output");
    await handle.terminate("cleanup");
    const last = (await handle.fetchHistory()).events.at(-1);
    assert.ok(last?.attributes.case === "workflowExecutionTerminatedEventAttributes");
    assert.equal(last.attributes.value.reason, "cleanup (audited)");
    assert.deepEqual(seen.filter((s) => s.endsWith("start") || s.endsWith("describe")), [
      "outer:start",
      "inner:start",
      "outer:describe",
      "inner:describe",
    ]);
    for (const call of ["outer:signal", "outer:query", "outer:update", "outer:count", "outer:terminate"]) {
      assert.ok(seen.includes(call), `${call} was intercepted`);
    }
  } finally {
    await client.connection.close();
  }
});
