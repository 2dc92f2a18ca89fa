import { create } from "@bufbuild/protobuf";
import { WorkflowService } from "../gen/temporal/api/workflowservice/v1/service_pb.ts";
import {
  DescribeNamespaceRequestSchema,
  GetSystemInfoRequestSchema,
} from "../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import { findFreePort } from "./free_port.ts";
import { withGrpcClient } from "./_grpc.ts";
import { type LocatedTemporalCli, locateTemporalCli, type LocateTemporalCliOptions } from "./locate_cli.ts";
import { startServer } from "./_server_process.ts";

/** Search attribute types the dev server accepts for `--search-attribute`. */
export type DevServerSearchAttributeType =
  | "Text"
  | "Keyword"
  | "Int"
  | "Double"
  | "Bool"
  | "Datetime"
  | "KeywordList";

/** Dynamic config the dev server always gets, so that every API Sandglass uses is enabled. */
export const DEV_SERVER_DYNAMIC_CONFIG: Readonly<Record<string, unknown>> = Object.freeze({
  "frontend.enableUpdateWorkflowExecution": true,
  "frontend.enableUpdateWorkflowExecutionAsyncAccepted": true,
  "frontend.workerVersioningDataAPIs": true,
  "frontend.workerVersioningWorkflowAPIs": true,
  "system.enableEagerWorkflowStart": true,
});

/** Options for {@linkcode startDevServer}. Every field is optional. */
export interface DevServerOptions {
  /** How to find the Temporal CLI (see {@linkcode locateTemporalCli}); `{ path }` to use a given one. */
  locate?: LocateTemporalCliOptions;
  /** IP address to bind (default `127.0.0.1`). */
  ip?: string;
  /** Frontend gRPC port (default: a free port). */
  port?: number;
  /** Serve the Web UI (default `false`: the server runs `--headless`). */
  ui?: boolean;
  /** Web UI port (default: a free port). */
  uiPort?: number;
  /** Namespace reported as `namespace` and created at start (default `default`, which always exists). */
  namespace?: string;
  /** More namespaces to create at start. */
  extraNamespaces?: readonly string[];
  /** SQLite file to persist state in (default: in memory, lost when the server stops). */
  dbFilename?: string;
  /** Server log level (default `warn`). */
  logLevel?: "debug" | "info" | "warn" | "error";
  /** Dynamic config values added to (or overriding) {@linkcode DEV_SERVER_DYNAMIC_CONFIG}; values are JSON-encoded. */
  dynamicConfig?: Readonly<Record<string, unknown>>;
  /** Custom search attributes to register at start, by name. */
  searchAttributes?: Readonly<Record<string, DevServerSearchAttributeType>>;
  /** More arguments for `temporal server start-dev`. */
  extraArgs?: readonly string[];
  /** How long to wait for the server to answer, in milliseconds (default 60000). */
  startupTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL, in milliseconds (default 5000). */
  stopGraceMs?: number;
  /** Folder for the log file, kept after stop (default: a temporary folder removed on stop). */
  logDir?: string;
}

/** A running Temporal CLI dev server. Stop it with `stop()` or `await using`. */
export interface DevServer extends AsyncDisposable {
  /** gRPC address, `host:port`. */
  readonly address: string;
  /** The namespace from the options (default `default`). */
  readonly namespace: string;
  /** Every namespace created at start, `namespace` first. */
  readonly namespaces: readonly string[];
  /** Web UI address when `ui` is set. */
  readonly uiAddress: string | undefined;
  /** Process id of the server. */
  readonly pid: number;
  /** File receiving the server's stdout and stderr. */
  readonly logFile: string;
  /** The CLI that runs the server. */
  readonly cli: LocatedTemporalCli;
  /** Stops the server (SIGTERM, then SIGKILL after the grace period); safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts a Temporal CLI dev server (`temporal server start-dev`) on free ports and waits until it
 * answers `GetSystemInfo` and knows its namespaces. The server never keeps the process alive,
 * and is killed if the process exits or is interrupted without stopping it.
 *
 * @param options Ports, namespaces, search attributes, dynamic config; see {@linkcode DevServerOptions}.
 * @returns The running server.
 * @throws {Error} When the CLI cannot be located, or the server exits or stays silent past
 *   `startupTimeoutMs` (the message ends with the tail of its log).
 *
 * @example Start a server for a test
 * ```ts
 * import { startDevServer } from "sandglass/testing";
 *
 * await using server = await startDevServer({ searchAttributes: { CustomerId: "Keyword" } });
 * console.log(server.address, server.namespace);
 * ```
 */
export async function startDevServer(options: DevServerOptions = {}): Promise<DevServer> {
  const cli = await locateTemporalCli(options.locate);
  const ip = options.ip ?? "127.0.0.1";
  const host = hostForAddress(ip);
  const namespace = options.namespace ?? "default";
  const namespaces = [...new Set([namespace, ...(options.extraNamespaces ?? [])])];

  const fixedArgs: string[] = [];
  if (!options.ui) fixedArgs.push("--headless");
  if (options.dbFilename !== undefined) fixedArgs.push("--db-filename", options.dbFilename);
  for (const name of namespaces) if (name !== "default") fixedArgs.push("--namespace", name);
  fixedArgs.push("--log-level", options.logLevel ?? "warn");
  for (const [key, value] of Object.entries({ ...DEV_SERVER_DYNAMIC_CONFIG, ...options.dynamicConfig })) {
    fixedArgs.push("--dynamic-config-value", `${key}=${JSON.stringify(value)}`);
  }
  for (const [name, type] of Object.entries(options.searchAttributes ?? {})) {
    fixedArgs.push("--search-attribute", `${name}=${type}`);
  }
  fixedArgs.push(...(options.extraArgs ?? []));

  const stopGraceMs = options.stopGraceMs ?? 5_000;
  const { server, ports } = await startServer({
    name: "dev-server",
    command: cli.path,
    ports: async () => ({
      port: options.port ?? await findFreePort(ip),
      uiPort: options.uiPort ?? await findFreePort(ip),
    }),
    retryOnPortConflict: options.port === undefined,
    args: ({ port, uiPort }) => [
      "server",
      "start-dev",
      "--ip",
      ip,
      "--port",
      String(port),
      "--ui-port",
      String(uiPort),
      ...fixedArgs,
    ],
    what: ({ port }) => `The dev server on ${host}:${port}`,
    probe: ({ port }, signal) =>
      withGrpcClient(`${host}:${port}`, WorkflowService, signal, async (client) => {
        await client.getSystemInfo(create(GetSystemInfoRequestSchema), { signal });
        for (const name of namespaces) {
          await client.describeNamespace(create(DescribeNamespaceRequestSchema, { namespace: name }), {
            signal,
          });
        }
      }),
    timeoutMs: options.startupTimeoutMs ?? 60_000,
    stopGraceMs,
    logDir: options.logDir,
  });

  const stop = (): Promise<void> => server.stop(stopGraceMs);
  return {
    address: `${host}:${ports.port}`,
    namespace,
    namespaces,
    uiAddress: options.ui ? `${host}:${ports.uiPort}` : undefined,
    pid: server.pid,
    logFile: server.logFile,
    cli,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}

/** The host to dial for a bind address: loopback for wildcard binds, brackets for IPv6. */
function hostForAddress(ip: string): string {
  if (ip === "0.0.0.0") return "127.0.0.1";
  if (ip === "::") return "[::1]";
  return ip.includes(":") && !ip.startsWith("[") ? `[${ip}]` : ip;
}
