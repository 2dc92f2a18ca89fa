import { test } from "node:test";
import assert from "node:assert/strict";
import { RPCError } from "../../client/rpc_error.ts";
import { defineSearchAttributeKey, SearchAttributeType } from "../../client/search_attributes.ts";
import { assertReplays, sharedEnv } from "../e2e/e2e_support.ts";
import { temporalCliJson, testClient, uniqueId } from "./client_support.ts";
import { greet } from "./workflows/basics.ts";

const workflowsPath = new URL("./workflows/basics.ts", import.meta.url);
const { env } = sharedEnv({ workflowsPath, taskQueue: uniqueId("client-start-options") });

const keyword = defineSearchAttributeKey("SandglassKeyword", SearchAttributeType.KEYWORD);
const int = defineSearchAttributeKey("SandglassInt", SearchAttributeType.INT);
const when = defineSearchAttributeKey("SandglassDatetime", SearchAttributeType.DATETIME);
const tags = defineSearchAttributeKey("SandglassKeywordList", SearchAttributeType.KEYWORD_LIST);

test("retry policy, cron, start delay, priority and typed search attributes reach the started event", async () => {
  const { client, taskQueue } = await testClient();
  try {
    const at = new Date("2024-05-01T12:00:00.000Z");
    const handle = await client.startWorkflow("configured", {
      id: uniqueId("wf"),
      taskQueue,
      retryPolicy: {
        initialInterval: "2s",
        backoffCoefficient: 3,
        maximumAttempts: 4,
        nonRetryableErrorTypes: ["Fatal"],
      },
      startDelay: "1h",
      priority: { priorityKey: 2 },
      idReusePolicy: "REJECT_DUPLICATE",
      searchAttributes: [
        { key: keyword, value: "blue" },
        { key: int, value: 42 },
        { key: when, value: at },
        { key: tags, value: ["a", "b"] },
      ],
    });
    const history = await handle.fetchHistory();
    const started = history.events[0];
    assert.ok(started?.attributes.case === "workflowExecutionStartedEventAttributes");
    const a = started.attributes.value;
    assert.equal(a.retryPolicy?.initialInterval?.seconds, 2n);
    assert.equal(a.retryPolicy?.backoffCoefficient, 3);
    assert.equal(a.retryPolicy?.maximumAttempts, 4);
    assert.deepEqual(a.retryPolicy?.nonRetryableErrorTypes, ["Fatal"]);
    assert.equal(a.firstWorkflowTaskBackoff?.seconds, 3600n);
    assert.equal(a.priority?.priorityKey, 2);
    const description = await handle.describe();
    assert.equal(description.searchAttributes.get(keyword), "blue");
    assert.equal(description.searchAttributes.get(int), 42);
    assert.equal(description.searchAttributes.get(when)?.toISOString(), at.toISOString());
    assert.deepEqual(description.searchAttributes.get(tags), ["a", "b"]);
    assert.ok(description.executionTime!.getTime() - description.startTime!.getTime() >= 3_599_000);
    await handle.terminate();

    const cron = await client.startWorkflow("cron", {
      id: uniqueId("wf"),
      taskQueue,
      cronSchedule: "0 0 1 1 *",
    });
    const cronStarted = (await cron.fetchHistory()).events[0];
    assert.ok(cronStarted?.attributes.case === "workflowExecutionStartedEventAttributes");
    assert.equal(cronStarted.attributes.value.cronSchedule, "0 0 1 1 *");
    await cron.terminate();

    await assert.rejects(
      client.startWorkflow("bad-sa", {
        id: uniqueId("wf"),
        taskQueue,
        searchAttributes: [{ key: int, value: "x" as never }],
      }),
      /Invalid value 'x' for search attribute 'SandglassInt' of type Int/,
    );
  } finally {
    await client.connection.close();
  }
});

test("payloads Sandglass writes are read back by the Temporal CLI with the standard encodings", async () => {
  const { client, address, namespace, taskQueue } = await testClient();
  try {
    const id = uniqueId("wf");
    const handle = await client.startWorkflow("cli-check", {
      id,
      taskQueue,
      args: ["text", 7, { nested: [true, null] }, new Uint8Array([1, 2, 3]), undefined],
      memo: { owner: "ada" },
    });
    await handle.terminate("done", { details: ["why"] });
    const events = await temporalCliJson([
      "workflow",
      "show",
      "--address",
      address,
      "--namespace",
      namespace,
      "-w",
      id,
    ]) as {
      events: {
        workflowExecutionStartedEventAttributes?: { input?: { payloads: unknown[] }; memo?: unknown };
      }[];
    };
    const started = events.events[0]?.workflowExecutionStartedEventAttributes;
    assert.ok(started?.input);
    // The CLI's JSON output is proto3 JSON: metadata values and data are base64.
    const payloads = started.input.payloads as { metadata: Record<string, string>; data?: string }[];
    const text = (b64: string | undefined) => (b64 === undefined ? undefined : new TextDecoder().decode(
      Uint8Array.from(atob(b64), (c) => c.charCodeAt(0)),
    ));
    assert.deepEqual(payloads.map((p) => text(p.metadata["encoding"])), [
      "json/plain",
      "json/plain",
      "json/plain",
      "binary/plain",
      "binary/null",
    ]);
    assert.deepEqual(payloads.slice(0, 3).map((p) => JSON.parse(text(p.data)!)), ["text", 7, {
      nested: [true, null],
    }]);
    assert.deepEqual([...Uint8Array.from(atob(payloads[3]!.data!), (c) => c.charCodeAt(0))], [1, 2, 3]);
    assert.equal(payloads[4]!.data ?? "", "");
    const memo = started.memo as { fields: Record<string, { data: string }> };
    assert.equal(JSON.parse(text(memo.fields["owner"]!.data)!), "ada");
  } finally {
    await client.connection.close();
  }
});

test("a payload over the server's size limit fails with an error that says so", async () => {
  // With the default retry policy: "message larger than max" is RESOURCE_EXHAUSTED, but it fails the
  // same way every time, so the connection must give up at once rather than retry until the deadline.
  const { client, taskQueue } = await testClient();
  const started = Date.now();
  try {
    const big = "x".repeat(3 * 1024 * 1024);
    await assert.rejects(
      client.startWorkflow("too-big", { id: uniqueId("wf"), taskQueue, args: [big] }),
      (err: unknown) => {
        assert.ok(err instanceof RPCError, String(err));
        assert.equal(err.codeName, "INVALID_ARGUMENT");
        assert.match(
          err.message,
          /^Payload too large: a payload is larger than the server's blob size limit/,
        );
        return true;
      },
    );
    const huge = "x".repeat(5 * 1024 * 1024);
    const handle = await client.startWorkflow("big-signal", { id: uniqueId("wf"), taskQueue });
    await assert.rejects(handle.signal("s", huge), (err: unknown) => {
      assert.ok(err instanceof RPCError, String(err));
      assert.equal(err.codeName, "RESOURCE_EXHAUSTED");
      assert.match(
        err.message,
        /^Payload too large: the request is larger than the server's message size limit/,
      );
      return true;
    });
    assert.ok(
      Date.now() - started < 10_000,
      `oversized calls took ${Date.now() - started} ms: they were retried`,
    );
    await handle.terminate();
  } finally {
    await client.connection.close();
  }
});

test("requestEagerStart hands the first workflow task to the client's worker in the start response", async () => {
  const { client, taskQueue } = await env();
  const handle = await client.startWorkflow(greet, {
    args: ["eager"],
    id: uniqueId("wf"),
    taskQueue,
    requestEagerStart: true,
  });
  assert.equal(await handle.result(), "Hello, eager");
  const history = await assertReplays(handle, workflowsPath);
  const started = history.events[0];
  assert.ok(started?.attributes.case === "workflowExecutionStartedEventAttributes");
  assert.equal(started.attributes.value.eagerExecutionAccepted, true, "the start response carried the task");

  // Without a worker for the task queue on this client, the client does not ask for eager
  // execution (the server would accept, and the task would wait in a response nobody runs).
  const other = await client.startWorkflow(greet, {
    args: ["queued"],
    id: uniqueId("wf"),
    taskQueue: uniqueId("no-worker"),
    requestEagerStart: true,
  });
  const otherStarted = (await other.fetchHistory()).events[0];
  assert.ok(otherStarted?.attributes.case === "workflowExecutionStartedEventAttributes");
  assert.equal(otherStarted.attributes.value.eagerExecutionAccepted, false);
  await other.terminate();
});
