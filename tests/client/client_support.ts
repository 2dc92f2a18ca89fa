/**
 * Helpers of the Client tests: a client on the test dev server, payloads, the Temporal CLI and
 * polling for eventually consistent reads. Tests whose workflows must answer run a real worker
 * (see `sharedEnv` and `startWorker` in tests/e2e/e2e_support.ts) with workflows in ./workflows/.
 */
import { execFile } from "node:child_process";
import { Client, type ClientConnectOptions } from "../../client/client.ts";
import type { Payload } from "../../gen/temporal/api/common/v1/message_pb.ts";
import { defaultPayloadConverter } from "../../common/default_payload_converter.ts";
import { locateTemporalCli } from "../../testing/mod.ts";
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

/** A value as the default payload converter writes it (e.g. a header an interceptor adds). */
export function payload(value: unknown): Payload {
  return defaultPayloadConverter.toPayload(value) as Payload;
}

/** Decodes a payload with the default payload converter. */
export function fromPayload(p: Payload | undefined): unknown {
  return p === undefined ? undefined : defaultPayloadConverter.fromPayload(p);
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
