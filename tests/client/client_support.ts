/**
 * Helpers of the Client tests: a client on the test dev server, payloads, and the raw-worker
 * steps most tests share.
 */
import { execFile } from "node:child_process";
import { Client, type ClientConnectOptions } from "../../client/client.ts";
import type { Payload } from "../../gen/temporal/api/common/v1/message_pb.ts";
import { defaultPayloadConverter } from "../../common/default_payload_converter.ts";
import { locateTemporalCli } from "../../testing/mod.ts";
import {
  completeCommand,
  completeWorkflowTask,
  pollWorkflowTask,
  type RawTask,
} from "../support/raw_worker.ts";
import { devServer, uniqueId } from "../support/servers.ts";

export { uniqueId };

/** A client on the dev server, its namespace, and a fresh task queue; close the client when done. */
export async function testClient(
  options: ClientConnectOptions = {},
): Promise<{ client: Client; namespace: string; taskQueue: string; address: string }> {
  const { address, namespace } = await devServer();
  const client = await Client.connect(address, { namespace, ...options });
  return { client, namespace, taskQueue: uniqueId("tq"), address };
}

/** A value as the default payload converter writes it (the shape the raw worker sends). */
export function payload(value: unknown): Payload {
  return defaultPayloadConverter.toPayload(value) as Payload;
}

/** Decodes a payload with the default payload converter. */
export function fromPayload(p: Payload | undefined): unknown {
  return p === undefined ? undefined : defaultPayloadConverter.fromPayload(p);
}

/** Polls the next workflow task of the queue. */
export function nextTask(client: Client, taskQueue: string): Promise<RawTask> {
  return pollWorkflowTask(client.workflowService, client.namespace, taskQueue);
}

/** Polls the next workflow task and completes the workflow with `result`. */
export async function completeNext(client: Client, taskQueue: string, result: unknown): Promise<RawTask> {
  const task = await nextTask(client, taskQueue);
  await completeWorkflowTask(client.workflowService, client.namespace, task, [
    completeCommand([payload(result)]),
  ]);
  return task;
}

/** Polls the next workflow task and completes it with no command (the workflow keeps running). */
export async function ackNext(client: Client, taskQueue: string): Promise<RawTask> {
  const task = await nextTask(client, taskQueue);
  await completeWorkflowTask(client.workflowService, client.namespace, task, []);
  return task;
}

/** Runs the Temporal CLI and parses its JSON output. */
export async function temporalCliJson(args: string[]): Promise<unknown> {
  const cli = await locateTemporalCli({ build: false });
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(cli.path, [...args, "--output", "json"], { maxBuffer: 64 * 1024 * 1024 }, (err, out, errOut) => {
      if (err) reject(new Error(`temporal ${args.join(" ")} failed: ${errOut || err.message}`));
      else resolve(out);
    });
  });
  return JSON.parse(stdout);
}

/** Waits until `check` returns a value other than `undefined` (visibility is eventually consistent). */
export async function eventually<T>(check: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Condition not met within ${timeoutMs} ms${last ? `: ${(last as Error).message}` : ""}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
