/**
 * Sandglass's client drives workflows on the official TypeScript SDK's worker (npm
 * `@temporalio/worker` 1.24.0, in a Node 24 child process): payloads, failures, signals and queries.
 */
import assert from "node:assert/strict";
import { after, test } from "node:test";
import { Client } from "../../client/client.ts";
import { WorkflowFailedError } from "../../common/client_errors.ts";
import { ApplicationFailure } from "../../common/failures.ts";
import { devServer, uniqueId } from "../support/servers.ts";
import { CROSS_SDK_TEST, type OfficialWorker, startOfficialWorker } from "./cross_sdk_support.ts";
import {
  BYTES,
  DESCRIBE_ARGS,
  described,
  describeEncodings,
  FAILURE,
  JS_NULL,
  NESTED,
  payloadEncodings,
  UNICODE,
} from "./scenarios.ts";

interface Env {
  client: Client;
  taskQueue: string;
}

let started: Promise<{ env: Env; worker: OfficialWorker }> | undefined;
const env = async (): Promise<Env> => {
  started ??= (async () => {
    const { address, namespace } = await devServer();
    const taskQueue = uniqueId("cross-official");
    const worker = await startOfficialWorker({ address, namespace, taskQueue });
    try {
      return {
        env: {
          client: await Client.connect(address, { namespace }),
          taskQueue,
        },
        worker,
      };
    } catch (error) {
      await worker.stop();
      throw error;
    }
  })();
  return (await started).env;
};
after(async () => {
  if (started === undefined) return;
  const { env, worker } = await started;
  try {
    await env.client.connection.close();
  } finally {
    await worker.stop();
  }
});

test(
  "Sandglass's client starts a workflow on the official TS worker, which sees nested objects, unicode, null and bytes as sent",
  CROSS_SDK_TEST,
  async () => {
    const { client, taskQueue } = await env();
    const handle = await client.startWorkflow("describeArgs", {
      args: DESCRIBE_ARGS,
      id: uniqueId("describe"),
      taskQueue,
    });
    const result = await handle.result();
    const encodings = payloadEncodings(await handle.fetchHistory());
    assert.deepEqual(
      result,
      described(JS_NULL),
      "null must travel as json/plain 'null' (sdk-typescript reads binary/null as undefined)",
    );
    assert.deepEqual(encodings, {
      input: describeEncodings(JS_NULL),
      result: ["json/plain"],
    });
  },
);

test(
  "Sandglass's client gets back the official TS worker's results: nested object, unicode string, null, bytes",
  CROSS_SDK_TEST,
  async () => {
    const { client, taskQueue } = await env();
    const [nested, unicode, bytes, nothing] = await Promise.all([
      client.executeWorkflow("echo", {
        args: [NESTED],
        id: uniqueId("echo"),
        taskQueue,
      }),
      client.executeWorkflow("echo", {
        args: [UNICODE],
        id: uniqueId("echo"),
        taskQueue,
      }),
      client.executeWorkflow("echo", {
        args: [BYTES],
        id: uniqueId("echo"),
        taskQueue,
      }),
      client.executeWorkflow("returnNull", { id: uniqueId("null"), taskQueue }),
    ]);
    assert.deepEqual(nested, NESTED);
    assert.equal(unicode, UNICODE);
    assert.ok(
      bytes instanceof Uint8Array,
      "bytes come back as bytes, not as a JSON object",
    );
    assert.deepEqual(bytes, BYTES);
    assert.equal(nothing, null);
  },
);

test(
  "an official TS workflow's ApplicationFailure reaches Sandglass's client as WorkflowFailedError with type, details and nonRetryable",
  CROSS_SDK_TEST,
  async () => {
    const { client, taskQueue } = await env();
    const error = await client.executeWorkflow("failWith", {
      args: [FAILURE.message, FAILURE.type, ...FAILURE.details],
      id: uniqueId("fail"),
      taskQueue,
    }).then(() => undefined, (e: unknown) => e);
    assert.ok(
      error instanceof WorkflowFailedError,
      `expected a WorkflowFailedError, got ${String(error)}`,
    );
    assert.ok(
      error.cause instanceof ApplicationFailure,
      `expected an ApplicationFailure cause, got ${String(error.cause)}`,
    );
    assert.equal(error.cause.message, FAILURE.message);
    assert.equal(error.cause.type, FAILURE.type);
    assert.equal(error.cause.nonRetryable, true);
    assert.deepEqual(error.cause.details, FAILURE.details);
    assert.ok(
      error.cause.details[1] instanceof Uint8Array,
      "a bytes detail stays bytes",
    );
  },
);

test(
  "Sandglass's client signals and queries a workflow on the official TS worker",
  CROSS_SDK_TEST,
  async () => {
    const { client, taskQueue } = await env();
    const handle = await client.startWorkflow("counter", {
      id: uniqueId("counter"),
      taskQueue,
    });
    await handle.signal("add", 1);
    await handle.signal("add", 20);
    assert.deepEqual(await handle.query("total"), { total: 21, adds: [1, 20] });
    await handle.signal("add", 300);
    assert.deepEqual(await handle.query("total"), {
      total: 321,
      adds: [1, 20, 300],
    });
    assert.equal(await handle.query("greet", "Ada"), "¡Hola, Ada! 👋");
    await handle.signal("finish", "sandglass");
    assert.deepEqual(await handle.result(), {
      total: 321,
      finishedBy: "sandglass",
    });
  },
);
