/**
 * Support for the example tests: a client that remembers the workflows it starts, so that a test
 * can replay the histories of runs an example started with ids of its own.
 */
import { Client } from "../../client/client.ts";
import type { ClientInterceptor } from "../../client/interceptors.ts";
import { assertReplays } from "../e2e/e2e_support.ts";
import { devServer } from "../support/servers.ts";

/** A client on the test dev server, and the ids of the workflows started through it. */
export interface RecordingClient {
  client: Client;
  started: string[];
}

/** Connects a client that records the id of every workflow it starts. */
export async function recordingClient(): Promise<RecordingClient> {
  const { address, namespace } = await devServer();
  const started: string[] = [];
  const recorder: ClientInterceptor = {
    async startWorkflow(input, next) {
      const output = await next(input);
      started.push(input.options.id);
      return output;
    },
  };
  const client = await Client.connect(address, { namespace, interceptors: [recorder] });
  return { client, started };
}

/** Replays the latest run of every workflow started through `recording` with the code at `workflowsPath`. */
export async function assertStartedReplay(recording: RecordingClient, workflowsPath: URL): Promise<void> {
  if (recording.started.length === 0) throw new Error("No workflow was started through the client");
  for (const id of recording.started) {
    await assertReplays(recording.client.getWorkflowHandle(id), workflowsPath);
  }
}
