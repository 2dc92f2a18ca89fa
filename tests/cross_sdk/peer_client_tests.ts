/**
 * The tests of a peer SDK's client (official TypeScript or Python, in a child process) against a
 * Sandglass worker, registered as flat top-level tests by the calling test file.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { sharedEnv, uniqueId } from "../e2e/e2e_support.ts";
import { devServer } from "../support/servers.ts";
import { CROSS_SDK_TEST, errorOf, type PeerClient, resultOf } from "./cross_sdk_support.ts";
import {
  BYTES,
  DESCRIBE_ARGS,
  described,
  describeEncodings,
  FAILURE,
  NESTED,
  type NullHandling,
  payloadEncodings,
  UNICODE,
} from "./scenarios.ts";
import { fromWire, toWire } from "./wire.ts";

/** How a peer SDK names what it raises for a failed workflow. */
export interface PeerNames {
  /** E.g. "the official TS client". */
  who: string;
  /** The class of the error a failed workflow raises, e.g. `WorkflowFailedError`. */
  workflowFailed: string;
  /** The class of an application failure, e.g. `ApplicationFailure`. */
  applicationFailure: string;
  /** How the peer sends `null` (its `None`). */
  nulls: NullHandling;
  /** What the peer's `counter` scenario sends with the `finish` signal. */
  finishedBy: string;
}

/** Registers the peer client tests against a Sandglass worker (one per file, shut down after it). */
export function peerClientTests(peer: PeerClient, names: PeerNames): void {
  const { env } = sharedEnv({
    workflowsPath: new URL("./workflows/sandglass.ts", import.meta.url),
  });
  const target = async (prefix: string) => {
    const { client, taskQueue, namespace } = await env();
    const { address } = await devServer();
    return {
      client,
      target: { address, namespace, taskQueue, workflowId: uniqueId(prefix) },
    };
  };

  test(
    `${names.who} starts a workflow on a Sandglass worker, which sees nested objects, unicode, null and bytes as sent`,
    CROSS_SDK_TEST,
    async () => {
      const { client, target: t } = await target("describe");
      const output = await peer.execute(
        t,
        "describeArgs",
        DESCRIBE_ARGS.map(toWire),
      );
      assert.deepEqual(resultOf(output), described(names.nulls));
      const history = await client.getWorkflowHandle(t.workflowId)
        .fetchHistory();
      assert.deepEqual(payloadEncodings(history), {
        input: describeEncodings(names.nulls),
        result: ["json/plain"],
      });
    },
  );

  test(
    `${names.who} gets back a Sandglass workflow's results: nested object, unicode string, bytes`,
    CROSS_SDK_TEST,
    async () => {
      const values: [unknown, string][] = [
        [NESTED, "json/plain"],
        [UNICODE, "json/plain"],
        [BYTES, "binary/plain"],
      ];
      const runs = await Promise.all(values.map(async ([value]) => {
        const { client, target: t } = await target("echo");
        const output = await peer.execute(t, "echo", [toWire(value)]);
        const history = await client.getWorkflowHandle(t.workflowId)
          .fetchHistory();
        return {
          result: resultOf(output),
          encodings: payloadEncodings(history).result,
        };
      }));
      for (const [i, [value, encoding]] of values.entries()) {
        assert.deepEqual(runs[i]!.result, value);
        assert.deepEqual(runs[i]!.encodings, [encoding]);
      }
      assert.ok(
        runs[2]!.result instanceof Uint8Array,
        "bytes come back as bytes, not as a JSON object",
      );
    },
  );

  test(
    `${names.who} reads a Sandglass workflow's null result as null`,
    CROSS_SDK_TEST,
    async () => {
      const { target: t } = await target("null");
      assert.equal(
        resultOf(await peer.execute(t, "returnNull", [])),
        null,
        "null must travel as json/plain 'null': sdk-typescript reads binary/null as undefined",
      );
    },
  );

  test(
    `${names.who} reads a Sandglass workflow's ApplicationFailure with its message, type, details and nonRetryable`,
    CROSS_SDK_TEST,
    async () => {
      const { target: t } = await target("fail");
      const error = errorOf(
        await peer.execute(t, "failWith", [
          FAILURE.message,
          FAILURE.type,
          ...FAILURE.details.map(toWire),
        ]),
      );
      assert.equal(error.name, names.workflowFailed);
      assert.equal(error.cause?.name, names.applicationFailure);
      assert.equal(error.cause?.message, FAILURE.message);
      assert.equal(error.cause?.type, FAILURE.type);
      assert.equal(error.cause?.nonRetryable, true);
      assert.deepEqual(
        error.cause?.details?.map((d) => fromWire(d)),
        FAILURE.details,
      );
    },
  );

  test(
    `${names.who} signals and queries a Sandglass workflow`,
    CROSS_SDK_TEST,
    async () => {
      const { target: t } = await target("counter");
      const output = await peer.counter(t);
      assert.deepEqual(output.totalBefore, { total: 21, adds: [1, 20] });
      assert.deepEqual(output.totalAfter, { total: 321, adds: [1, 20, 300] });
      assert.equal(output.greeting, "¡Hola, Ada! 👋");
      assert.deepEqual(output.result, {
        total: 321,
        finishedBy: names.finishedBy,
      });
    },
  );
}
