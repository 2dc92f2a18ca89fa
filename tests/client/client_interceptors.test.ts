import { after, test } from "node:test";
import assert from "node:assert/strict";
import { Client } from "../../client/client.ts";
import type { ClientInterceptor } from "../../client/interceptors.ts";
import type { Worker } from "../../worker/worker.ts";
import { assertReplays, startWorker } from "../e2e/e2e_support.ts";
import { devServer } from "../support/servers.ts";
import { fromPayload, payload, testClient, uniqueId } from "./client_support.ts";
import { intercepted } from "./workflows/intercepted.ts";

const workflowsPath = new URL("./workflows/intercepted.ts", import.meta.url);

/** The `trace` header of each query the worker received. */
const queryTraces: unknown[] = [];

let started: Promise<{ workerClient: Client; worker: Worker; taskQueue: string }> | undefined;

/**
 * A worker on its own client whose workflow-task polls are recorded: workflow code has no
 * interceptor for queries, so the worker's poll response is where a test can see that a query's
 * header reached the worker (a legacy query task, or a query attached to a workflow task).
 */
function env() {
  started ??= (async () => {
    const { address, namespace } = await devServer();
    const workerClient = await Client.connect(address, { namespace });
    const service = workerClient.connection.workflowService;
    const poll = service.pollWorkflowTaskQueue.bind(service);
    service.pollWorkflowTaskQueue = async (request, options) => {
      const response = await poll(request, options);
      for (const query of [response.query, ...Object.values(response.queries)]) {
        if (query !== undefined) queryTraces.push(fromPayload(query.header?.fields["trace"]));
      }
      return response;
    };
    const taskQueue = uniqueId("client-interceptors");
    const worker = await startWorker(workerClient, { taskQueue, workflowsPath });
    return { workerClient, worker, taskQueue };
  })();
  return started;
}
after(async () => {
  if (started === undefined) return;
  const { workerClient, worker } = await started;
  try {
    await worker.shutdown();
  } finally {
    await workerClient.connection.close();
  }
});

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
  const { taskQueue } = await env();
  const { client } = await testClient({ interceptors: [outer, inner] });
  try {
    const handle = await client.startWorkflow(intercepted, { id: uniqueId("wf"), taskQueue });
    await handle.signal("ping");
    assert.equal(await handle.query("state"), "ok:1");
    assert.deepEqual(queryTraces, ["trace-3"], "the query's header reached the worker");
    assert.equal(await handle.executeUpdate("u"), null);

    await handle.describe();
    const count = await client.countWorkflows(`WorkflowId = '${handle.workflowId}'`);
    assert.ok(count.count >= 1000, "an interceptor can change the output");
    await handle.terminate("cleanup");

    const history = await assertReplays(handle, workflowsPath);
    const startedEvent = history.events[0];
    assert.ok(startedEvent?.attributes.case === "workflowExecutionStartedEventAttributes");
    assert.equal(fromPayload(startedEvent.attributes.value.header?.fields["trace"]), "trace-1");
    const signalled = history.events.find((e) =>
      e.attributes.case === "workflowExecutionSignaledEventAttributes"
    );
    assert.ok(signalled?.attributes.case === "workflowExecutionSignaledEventAttributes");
    assert.equal(fromPayload(signalled.attributes.value.header?.fields["trace"]), "trace-2");
    const accepted = history.events.find((e) =>
      e.attributes.case === "workflowExecutionUpdateAcceptedEventAttributes"
    );
    assert.ok(accepted?.attributes.case === "workflowExecutionUpdateAcceptedEventAttributes");
    assert.equal(
      fromPayload(accepted.attributes.value.acceptedRequest?.input?.header?.fields["trace"]),
      "trace-4",
    );
    const last = history.events.at(-1);
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
