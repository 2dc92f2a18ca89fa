import { TestService } from "../gen/temporal/api/testservice/v1/service_pb.ts";
import { findFreePort } from "./free_port.ts";
import { withGrpcClient } from "./_grpc.ts";
import {
  type LocatedTestServer,
  locateTestServer,
  type LocateTestServerOptions,
  TEST_SERVER_MAIN_CLASS,
} from "./locate_test_server.ts";
import { startServer } from "./_server_process.ts";

/** Options for {@linkcode startTestServer}. Every field is optional. */
export interface TestServerOptions {
  /** How to find the test server (see {@linkcode locateTestServer}); `{ path }` to use a given one. */
  locate?: LocateTestServerOptions;
  /** Port to listen on (default: a free port). */
  port?: number;
  /**
   * Start with time skipping unlocked (default `true`, `--enable-time-skipping`): the server's
   * lock counter is 0, so its clock jumps ahead whenever nothing is pending, and tests that need
   * real time call `LockTimeSkipping` / `UnlockTimeSkipping` in pairs. With `false` the server
   * starts locked (counter 1), as the official SDKs start it: its clock runs at wall pace until a
   * client unlocks, e.g. with `UnlockTimeSkippingWithSleep` or while waiting for a result.
   */
  timeSkipping?: boolean;
  /** More arguments for the server, after the port. */
  extraArgs?: readonly string[];
  /** Extra options for the JVM when the server runs on Java, e.g. `["-Xmx512m"]`. */
  javaOptions?: readonly string[];
  /** How long to wait for the server to answer, in milliseconds (default 60000). */
  startupTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before SIGKILL, in milliseconds (default 5000). */
  stopGraceMs?: number;
  /** Folder for the log file, kept after stop (default: a temporary folder removed on stop). */
  logDir?: string;
}

/** A running time-skipping test server. Stop it with `stop()` or `await using`. */
export interface TestServer extends AsyncDisposable {
  /** gRPC address, `127.0.0.1:port`; it serves the WorkflowService and the TestService. */
  readonly address: string;
  /** Process id of the server (the JVM when it runs on Java). */
  readonly pid: number;
  /** File receiving the server's stdout and stderr. */
  readonly logFile: string;
  /** The executable or classpath that runs the server. */
  readonly server: LocatedTestServer;
  /** Stops the server (SIGTERM, then SIGKILL after the grace period); safe to call twice. */
  stop(): Promise<void>;
}

/**
 * Starts the Temporal time-skipping test server on a free port and waits until it answers
 * `TestService.GetCurrentTime`. It has no visibility (list and count) and no schedules. The
 * server never keeps the process alive, and is killed if the process exits or is interrupted
 * without stopping it.
 *
 * @param options Port, time skipping, locator options; see {@linkcode TestServerOptions}.
 * @returns The running server.
 * @throws {Error} When the server cannot be located, or exits or stays silent past
 *   `startupTimeoutMs` (the message ends with the tail of its log).
 *
 * @example Start a time-skipping server
 * ```ts
 * import { startTestServer } from "sandglass/testing";
 *
 * await using server = await startTestServer();
 * console.log(server.address);
 * ```
 */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const located = await locateTestServer(options.locate);
  const serverArgs = (port: number): string[] => [
    String(port),
    ...(options.timeSkipping ?? true ? ["--enable-time-skipping"] : []),
    ...(options.extraArgs ?? []),
  ];
  const [command, args] = located.kind === "native"
    ? [located.path, serverArgs]
    : [located.java, (port: number) => [
      ...(options.javaOptions ?? []),
      "-cp",
      located.classpath,
      TEST_SERVER_MAIN_CLASS,
      ...serverArgs(port),
    ]];

  const stopGraceMs = options.stopGraceMs ?? 5_000;
  const { server, ports } = await startServer({
    name: "test-server",
    command,
    ports: async () => ({ port: options.port ?? await findFreePort() }),
    retryOnPortConflict: options.port === undefined,
    args: ({ port }) => args(port),
    what: ({ port }) => `The test server on 127.0.0.1:${port}`,
    probe: ({ port }, signal) =>
      withGrpcClient(`127.0.0.1:${port}`, TestService, signal, async (client) => {
        await client.getCurrentTime({}, { signal });
      }),
    timeoutMs: options.startupTimeoutMs ?? 60_000,
    stopGraceMs,
    logDir: options.logDir,
  });

  const stop = (): Promise<void> => server.stop(stopGraceMs);
  return {
    address: `127.0.0.1:${ports.port}`,
    pid: server.pid,
    logFile: server.logFile,
    server: located,
    stop,
    [Symbol.asyncDispose]: stop,
  };
}
