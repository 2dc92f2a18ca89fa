/**
 * `WorkflowEnvironment`: a Temporal Service for tests together with a client of it — the
 * time-skipping test server, a local dev server, or an existing service.
 *
 * @module
 */

import { Client, type ClientConnectOptions } from "../client/client.ts";
import type { Duration } from "../common/duration.ts";
import { durationToMs } from "../common/duration.ts";
import { type DevServer, type DevServerOptions, startDevServer } from "./dev_server.ts";
import { startTestServer, type TestServer, type TestServerOptions } from "./test_server.ts";
import { TimeSkipping } from "./time_skipping.ts";

/** Options of {@linkcode WorkflowEnvironment.startTimeSkipping}. Every field is optional. */
export interface TimeSkippingEnvironmentOptions {
  /**
   * How to locate and start the test server: port, locator, Java options, log folder (see
   * `startTestServer`). The server always starts with its clock locked, as the environment
   * unlocks it only while it waits. Default: a free port and the default locator.
   */
  server?: Omit<TestServerOptions, "timeSkipping">;
  /**
   * Options of the environment's client: namespace, data converter, interceptors, identity, ...
   * The environment adds its own interceptor after yours. Default: namespace `default`.
   */
  client?: ClientConnectOptions;
}

/** Options of {@linkcode WorkflowEnvironment.startLocal}. Every field is optional. */
export interface LocalEnvironmentOptions {
  /**
   * How to start the dev server: `namespace`, `searchAttributes`, `dynamicConfig`, `ui`,
   * `dbFilename`, ports, log level, locator (see `startDevServer`). Default: an in-memory server
   * without UI on free ports, namespace `default`.
   */
  server?: DevServerOptions;
  /** Options of the environment's client. Default: the server's namespace. */
  client?: ClientConnectOptions;
}

interface EnvironmentParts {
  client: Client;
  server?: DevServer | TestServer;
  timeSkipping?: TimeSkipping;
  /** Whether teardown closes the client's connection (not for `fromClient`). */
  ownsClient: boolean;
}

/**
 * A Temporal Service for tests and a client of it. Create one with
 * {@linkcode WorkflowEnvironment.startTimeSkipping} (the time-skipping test server: timers fire at
 * once while you wait for a result), {@linkcode WorkflowEnvironment.startLocal} (a dev server) or
 * {@linkcode WorkflowEnvironment.fromClient} (a service you already run); end it with
 * `teardown()` or `await using`. Workers made from `env.client` need nothing special.
 *
 * @example A workflow that sleeps for a day, tested in milliseconds
 * ```ts
 * import { WorkflowEnvironment } from "sandglass/testing";
 * import { Worker } from "sandglass/worker";
 *
 * await using env = await WorkflowEnvironment.startTimeSkipping();
 * const worker = new Worker(env.client, { taskQueue: "tq", workflowsPath: new URL("./workflows.ts", import.meta.url) });
 * const result = await worker.runUntil(
 *   env.client.executeWorkflow("waitADay", { id: "wf-1", taskQueue: "tq" }),
 * );
 * ```
 */
export class WorkflowEnvironment implements AsyncDisposable {
  /** The client of the environment's service; workers made from it run the tests' workflows. */
  readonly client: Client;
  /** The server this environment started, if it started one (not for `fromClient`). */
  readonly server: DevServer | TestServer | undefined;
  readonly #timeSkipping: TimeSkipping | undefined;
  readonly #ownsClient: boolean;
  #teardown: Promise<void> | undefined;

  private constructor(parts: EnvironmentParts) {
    this.client = parts.client;
    this.server = parts.server;
    this.#timeSkipping = parts.timeSkipping;
    this.#ownsClient = parts.ownsClient;
  }

  /**
   * Starts the time-skipping test server (located, downloaded or built by `testing/`) and
   * connects a client to it. Whenever the client waits for a workflow result, the server's clock
   * jumps over idle time (timers and timeouts fire at once); otherwise it runs at wall pace, and
   * {@linkcode WorkflowEnvironment.sleep} moves it on. The test server has no visibility (list,
   * count) and no schedules.
   *
   * @param options Server and client options; see {@linkcode TimeSkippingEnvironmentOptions}.
   * @returns The environment; the caller tears it down.
   * @throws {Error} If the server cannot be located or started, or the client cannot connect.
   *
   * @example
   * ```ts
   * await using env = await WorkflowEnvironment.startTimeSkipping();
   * const before = await env.getCurrentTime();
   * await env.sleep("1 day");
   * ```
   */
  static async startTimeSkipping(options: TimeSkippingEnvironmentOptions = {}): Promise<WorkflowEnvironment> {
    const server = await startTestServer({ ...options.server, timeSkipping: false });
    try {
      // The interceptor is made before the client it goes into; it reaches the TestService
      // through that client once connected.
      const connected: { client?: Client } = {};
      const timeSkipping = new TimeSkipping(() => {
        if (connected.client === undefined) {
          throw new Error("The time-skipping environment's client is not connected yet");
        }
        return connected.client.testService;
      });
      const clientOptions = options.client ?? {};
      const client = await Client.connect(server.address, {
        ...clientOptions,
        interceptors: [...(clientOptions.interceptors ?? []), timeSkipping.interceptor()],
      });
      connected.client = client;
      return new WorkflowEnvironment({ client, server, timeSkipping, ownsClient: true });
    } catch (error) {
      await server.stop();
      throw error;
    }
  }

  /**
   * Starts a Temporal CLI dev server (located, downloaded or built by `testing/`) and connects a
   * client to its namespace. Time runs at wall pace.
   *
   * @param options Server and client options; see {@linkcode LocalEnvironmentOptions}.
   * @returns The environment; the caller tears it down.
   * @throws {Error} If the server cannot be located or started, or the client cannot connect.
   *
   * @example
   * ```ts
   * await using env = await WorkflowEnvironment.startLocal({
   *   server: { namespace: "tests", searchAttributes: { CustomerId: "Keyword" } },
   * });
   * ```
   */
  static async startLocal(options: LocalEnvironmentOptions = {}): Promise<WorkflowEnvironment> {
    const server = await startDevServer(options.server);
    try {
      const client = await Client.connect(server.address, { namespace: server.namespace, ...options.client });
      return new WorkflowEnvironment({ client, server, ownsClient: true });
    } catch (error) {
      await server.stop();
      throw error;
    }
  }

  /**
   * An environment over a client you already have (a dev server, a cluster, Temporal Cloud).
   * Teardown leaves the client and its connection open. Time runs at wall pace.
   *
   * @example
   * ```ts
   * const env = WorkflowEnvironment.fromClient(await Client.connect("localhost:7233"));
   * ```
   */
  static fromClient(client: Client): WorkflowEnvironment {
    if (!(client instanceof Client)) {
      throw new TypeError(
        `Invalid client '${String(client)}': expected a Client, e.g. from Client.connect()`,
      );
    }
    return new WorkflowEnvironment({ client, ownsClient: false });
  }

  /** Whether the environment's clock can skip (true for `startTimeSkipping`). */
  get supportsTimeSkipping(): boolean {
    return this.#timeSkipping !== undefined;
  }

  /** Whether waiting for a workflow result skips time now (false inside `withAutoTimeSkippingDisabled` or without time skipping). */
  get autoTimeSkipping(): boolean {
    return this.#timeSkipping?.autoSkipping ?? false;
  }

  /** The namespace of the environment's client. */
  get namespace(): string {
    return this.client.namespace;
  }

  /**
   * Lets `duration` pass in the environment: with time skipping, the server's clock moves on by
   * it at once (timers due meanwhile fire; it takes wall time only while workflow or activity
   * tasks are in flight); otherwise this waits that long in wall time.
   *
   * @param duration Milliseconds, or a string such as `"50s"` or `"1 day"`.
   * @throws {TypeError} If `duration` is not a valid duration.
   *
   * @example
   * ```ts
   * const handle = await env.client.startWorkflow("waitForSignal", { id: "wf-1", taskQueue: "tq" });
   * await env.sleep("50s");
   * ```
   */
  async sleep(duration: Duration): Promise<void> {
    if (this.#timeSkipping !== undefined) return await this.#timeSkipping.sleep(duration);
    const ms = durationToMs(duration);
    await new Promise<void>((resolve) => setTimeout(resolve, ms));
  }

  /**
   * The environment's current time: the test server's clock with time skipping, else the local
   * clock. Workflows see this time in `Date.now()`.
   *
   * @example
   * ```ts
   * const before = await env.getCurrentTime();
   * await env.sleep("1h");
   * const after = await env.getCurrentTime(); // about an hour later
   * ```
   */
  async getCurrentTime(): Promise<Date> {
    if (this.#timeSkipping !== undefined) return await this.#timeSkipping.currentTime();
    return new Date();
  }

  /**
   * Runs `fn` with automatic time skipping off: results waited for inside it (by any caller of
   * this environment's client) take the workflow's real time. Scopes nest. Without time skipping
   * this just runs `fn`.
   *
   * @returns What `fn` returns.
   *
   * @example
   * ```ts
   * await env.withAutoTimeSkippingDisabled(async () => {
   *   await handle.result(); // the workflow's timers take their real time
   * });
   * ```
   */
  async withAutoTimeSkippingDisabled<R>(fn: () => R | Promise<R>): Promise<R> {
    if (this.#timeSkipping === undefined) return await fn();
    return await this.#timeSkipping.withAutoSkippingDisabled(fn);
  }

  /**
   * Closes the client's connection and stops the server this environment started (an
   * environment from `fromClient` leaves its client open). Safe to call twice.
   */
  teardown(): Promise<void> {
    this.#teardown ??= (async () => {
      try {
        if (this.#ownsClient) await this.client.connection.close();
      } finally {
        await this.server?.stop();
      }
    })();
    return this.#teardown;
  }

  /** Same as {@linkcode WorkflowEnvironment.teardown}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.teardown();
  }
}
