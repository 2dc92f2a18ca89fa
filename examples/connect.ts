/**
 * How the examples reach a Temporal Service: the address (and namespace, API key, TLS) from
 * `TEMPORAL_ADDRESS` and the other `TEMPORAL_*` variables or a profile of the environment
 * configuration file; when none is configured, a local dev server started for the example (the
 * Temporal CLI is located, downloaded or built as needed) and stopped at the end.
 *
 * @module
 */

import { Client } from "../client/client.ts";
import { loadClientConnectConfig } from "../client/envconfig/mod.ts";
import { startDevServer } from "../testing/mod.ts";

/** A connected client, and what to call when done. */
export interface ExampleConnection extends AsyncDisposable {
  readonly client: Client;
}

/**
 * Connects to the configured Temporal Service, or to a dev server started for the example.
 *
 * @example
 * ```ts
 * await using connection = await connectForExample();
 * const { client } = connection;
 * ```
 */
export async function connectForExample(): Promise<ExampleConnection> {
  const config = await loadClientConnectConfig();
  if (config.address !== undefined) {
    const client = await Client.connect(config);
    return { client, [Symbol.asyncDispose]: () => client.connection.close() };
  }
  const server = await startDevServer();
  try {
    const client = await Client.connect(server.address, { namespace: server.namespace });
    return {
      client,
      async [Symbol.asyncDispose]() {
        await client.connection.close();
        await server.stop();
      },
    };
  } catch (error) {
    await server.stop();
    throw error;
  }
}
