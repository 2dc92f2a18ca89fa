/**
 * The Temporal client: connect, start and find workflows, list and count them, manage schedules,
 * complete activities asynchronously, and manage build-id versioning.
 *
 * @module
 */

import { createDataConverter, type DataConverter } from "../common/data_converter.ts";
import type { OperatorService } from "../gen/temporal/api/operatorservice/v1/service_pb.ts";
import type { TestService } from "../gen/temporal/api/testservice/v1/service_pb.ts";
import type { WorkflowService } from "../gen/temporal/api/workflowservice/v1/service_pb.ts";
import type { ClientContext } from "./_context.ts";
import { implementations } from "./_implementations.ts";
import { AsyncActivityHandle, type AsyncActivityTarget } from "./async_completion.ts";
import {
  type BuildIdOperation,
  type BuildIdReachabilityOptions,
  getWorkerBuildIdCompatibility,
  getWorkerTaskReachability,
  updateWorkerBuildIdCompatibility,
  type WorkerBuildIdVersionSets,
  type WorkerTaskReachability,
} from "./build_id.ts";
import { Connection, type ConnectionOptions } from "./connection.ts";
import { EagerStartDispatcher } from "./eager_start.ts";
import type { ClientConnectConfig } from "./envconfig/mod.ts";
import {
  type ClientCallName,
  type ClientCalls,
  type ClientInterceptor,
  runIntercepted,
} from "./interceptors.ts";
import { type ListWorkflowsOptions, WorkflowExecutionIterator } from "./list.ts";
import { QueryRejectCondition } from "./query_reject_condition.ts";
import {
  createSchedule,
  type CreateScheduleOptions,
  listSchedules,
  type ListSchedulesOptions,
} from "./schedule.ts";
import { ScheduleHandle } from "./schedule_handle.ts";
import type { ScheduleListEntry } from "./schedule_types.ts";
import type { ServiceClient } from "./service_client.ts";
import {
  type RpcOptions,
  type WorkflowArgs,
  type WorkflowRef,
  type WorkflowResult,
  workflowTypeName,
} from "./types.ts";
import type { WorkflowUpdateHandle } from "./update_handle.ts";
import { rpcOptionsOf } from "./_context.ts";
import {
  startUpdateWithStart,
  type StartUpdateWithStartOptions,
  type UpdateWithStartOptions,
  type WithStartWorkflowOperation,
} from "./with_start.ts";
import type { WorkflowExecutionCount } from "./workflow_execution.ts";
import { WorkflowHandle } from "./workflow_handle.ts";
import { validateWorkflowStartOptions, type WorkflowStartOptions } from "./workflow_options.ts";
import type { HandlerArgs, HandlerRef, HandlerResult } from "./types.ts";

// deno-lint-ignore no-explicit-any
type AnyHandler = HandlerRef<any[], any>;

/** Options of `new Client(...)`; only `connection` is required. */
export interface ClientOptions {
  /** The connection to the Temporal Service; several clients may share one. */
  connection: Connection;
  /** Namespace of every call. Default: `"default"`. */
  namespace?: string;
  /** Identity recorded with starts, signals, cancels, ... Default: the connection's identity. */
  identity?: string;
  /** Payload converter, failure converter and codecs; missing parts take the defaults. Default: the default data converter. */
  dataConverter?: Partial<DataConverter>;
  /** Interceptors of every client call; earlier ones wrap later ones. Default: none. */
  interceptors?: readonly ClientInterceptor[];
  /** Reject condition of queries that set none. Default: none (the server answers whatever the status). */
  defaultWorkflowQueryRejectCondition?: QueryRejectCondition;
}

/** Options of {@linkcode Client.connect}: the connection's and the client's, all optional. */
export interface ClientConnectOptions
  extends Omit<ConnectionOptions, "address" | "metadata">, Omit<ClientOptions, "connection"> {
  /** gRPC metadata sent with every call (settable later with `client.rpcMetadata = ...`). Default: none. */
  rpcMetadata?: Record<string, string>;
}

/** Options of {@linkcode Client.getWorkflowHandle}. */
export interface GetWorkflowHandleOptions {
  /** Target this run; else the latest run of the id. Default: none. */
  runId?: string;
  /** Restrict `cancel` and `terminate` to the chain that started with this run. Default: none. */
  firstExecutionRunId?: string;
}

const VALID_REJECT: ReadonlySet<string> = new Set(Object.values(QueryRejectCondition));

/**
 * A client of one namespace of a Temporal Service.
 *
 * @example
 * ```ts
 * import { Client } from "sandglass/client";
 *
 * const client = await Client.connect("localhost:7233");
 * const result = await client.executeWorkflow("greet", { args: ["Ada"], id: "greet-ada", taskQueue: "hello" });
 * ```
 */
export class Client {
  /** The connection this client calls through (shared with clients made from `config()`). */
  readonly connection: Connection;
  /** Namespace of every call. */
  readonly namespace: string;
  /** Identity recorded with the calls that carry one. */
  readonly identity: string;
  /** The data converter, defaults filled in. */
  readonly dataConverter: DataConverter;
  /** The interceptors, outermost first. */
  readonly interceptors: readonly ClientInterceptor[];
  /** Reject condition of queries that set none. */
  readonly defaultWorkflowQueryRejectCondition: QueryRejectCondition | undefined;
  /** Where workers of this process register for eager workflow start. */
  readonly eagerStart: EagerStartDispatcher;
  readonly #options: ClientOptions;
  readonly #ctx: ClientContext;
  #apiKey: string | undefined;

  /**
   * Creates a client over an existing connection, e.g. for another namespace:
   * `new Client({ ...client.config(), namespace: "other" })`.
   *
   * @throws {TypeError} If an option is invalid.
   */
  constructor(options: ClientOptions) {
    if (typeof options !== "object" || options === null || !(options.connection instanceof Connection)) {
      throw new TypeError(
        "Missing connection: pass { connection } from Connection.connect(), or use Client.connect()",
      );
    }
    const namespace = options.namespace ?? "default";
    if (typeof namespace !== "string" || namespace === "") {
      throw new TypeError(`Invalid namespace '${String(namespace)}': expected a non-empty string`);
    }
    const identity = options.identity ?? options.connection.identity;
    if (typeof identity !== "string") {
      throw new TypeError(`Invalid identity '${String(identity)}': expected a string`);
    }
    const reject = options.defaultWorkflowQueryRejectCondition;
    if (reject !== undefined && !VALID_REJECT.has(reject)) {
      throw new TypeError(
        `Invalid defaultWorkflowQueryRejectCondition '${
          String(reject)
        }': expected NONE, NOT_OPEN or NOT_COMPLETED_CLEANLY`,
      );
    }
    const interceptors = options.interceptors ?? [];
    if (!Array.isArray(interceptors)) throw new TypeError("Invalid interceptors: expected an array");
    this.#options = { ...options };
    this.connection = options.connection;
    this.namespace = namespace;
    this.identity = identity;
    this.dataConverter = createDataConverter(options.dataConverter ?? {});
    this.interceptors = Object.freeze([...interceptors]);
    this.defaultWorkflowQueryRejectCondition = reject;
    this.eagerStart = new EagerStartDispatcher();
    const impl = implementations(this.eagerStart);
    const ctx: ClientContext = {
      namespace,
      identity,
      dataConverter: this.dataConverter,
      workflowService: this.connection.workflowService,
      operatorService: this.connection.operatorService,
      defaultQueryRejectCondition: reject,
      invoke: <K extends ClientCallName>(call: K, input: ClientCalls[K][0]) =>
        runIntercepted(
          this.interceptors,
          call,
          input,
          (value) =>
            (impl[call] as (c: ClientContext, i: ClientCalls[K][0]) => Promise<ClientCalls[K][1]>)(
              ctx,
              value,
            ),
        ),
    };
    this.#ctx = ctx;
  }

  /**
   * Connects to a Temporal Service and returns a client.
   *
   * @param target `host:port`, or the result of `loadClientConnectConfig()` (address, namespace,
   *   API key, TLS and metadata from a TOML profile and the environment).
   * @param options Connection and client options; they win over `target`'s.
   * @throws {TypeError} If an option is invalid (before any I/O).
   * @throws {RPCError} If the server cannot be reached (unless `lazy`).
   *
   * @example
   * ```ts
   * const client = await Client.connect("my-ns.a1b2c.tmprl.cloud:7233", {
   *   namespace: "my-ns.a1b2c",
   *   apiKey: process.env.TEMPORAL_API_KEY,
   * });
   * const fromProfile = await Client.connect(await loadClientConnectConfig());
   * ```
   */
  static async connect(
    target: string | (ClientConnectConfig & ClientConnectOptions) = "localhost:7233",
    options: ClientConnectOptions = {},
  ): Promise<Client> {
    const merged: ClientConnectOptions & { address?: string } = typeof target === "string"
      ? { ...options, address: target }
      : { ...target, ...options } as ClientConnectOptions & { address?: string };
    if (typeof target !== "string" && (typeof target !== "object" || target === null)) {
      throw new TypeError(
        `Invalid target '${String(target)}': expected 'host:port' or a connect config object`,
      );
    }
    const {
      namespace,
      dataConverter,
      interceptors,
      defaultWorkflowQueryRejectCondition,
      rpcMetadata,
      ...conn
    } = merged;
    // Validate the client options before connecting.
    const clientOptions: Omit<ClientOptions, "connection"> = {
      ...(namespace === undefined ? {} : { namespace }),
      ...(conn.identity === undefined ? {} : { identity: conn.identity }),
      ...(dataConverter === undefined ? {} : { dataConverter }),
      ...(interceptors === undefined ? {} : { interceptors }),
      ...(defaultWorkflowQueryRejectCondition === undefined ? {} : { defaultWorkflowQueryRejectCondition }),
    };
    if (namespace !== undefined && (typeof namespace !== "string" || namespace === "")) {
      throw new TypeError(`Invalid namespace '${String(namespace)}': expected a non-empty string`);
    }
    const connection = await Connection.connect({
      ...conn,
      ...(rpcMetadata === undefined ? {} : { metadata: rpcMetadata }),
    } as ConnectionOptions);
    try {
      const client = new Client({ ...clientOptions, connection });
      client.#apiKey = conn.apiKey;
      return client;
    } catch (err) {
      await connection.close();
      throw err;
    }
  }

  /**
   * The options this client was made with, as a shallow copy: spread it into `new Client` to make
   * a sibling client over the same connection.
   *
   * @example
   * ```ts
   * const other = new Client({ ...client.config(), namespace: "other" });
   * ```
   */
  config(): ClientOptions {
    return { ...this.#options };
  }

  /** The API key sent as `authorization: Bearer <key>`; setting it rotates the key of the connection. */
  get apiKey(): string | undefined {
    return this.#apiKey;
  }

  set apiKey(value: string | undefined) {
    this.connection.setApiKey(value);
    this.#apiKey = value;
  }

  /** gRPC metadata sent with every call; assign a new object to change it (shared with the connection). */
  get rpcMetadata(): Record<string, string> {
    return this.connection.metadata;
  }

  set rpcMetadata(value: Record<string, string>) {
    this.connection.setMetadata(value);
  }

  /** The raw WorkflowService client. */
  get workflowService(): ServiceClient<typeof WorkflowService> {
    return this.connection.workflowService;
  }

  /** The raw OperatorService client. */
  get operatorService(): ServiceClient<typeof OperatorService> {
    return this.connection.operatorService;
  }

  /** The raw TestService client (time-skipping test server only). */
  get testService(): ServiceClient<typeof TestService> {
    return this.connection.testService;
  }

  /**
   * Starts a workflow and returns its handle. With `startSignal`, uses signal-with-start: the
   * signal is delivered to the running workflow of that id, or to a new one started with these
   * options.
   *
   * @param workflow The workflow function or class (typed), or its type name.
   * @throws {TypeError} If `id`, `taskQueue` or another option is missing or invalid (before any RPC).
   * @throws {WorkflowAlreadyStartedError} If a workflow with the id is running (or, per
   *   `idReusePolicy`, has run).
   *
   * @example
   * ```ts
   * const handle = await client.startWorkflow(greet, { args: ["Ada"], id: "greet-ada", taskQueue: "hello" });
   * ```
   */
  async startWorkflow<W extends WorkflowRef>(
    workflow: W,
    options: WorkflowStartOptions<WorkflowArgs<W>>,
  ): Promise<WorkflowHandle<W>> {
    const workflowType = workflowTypeName(workflow);
    validateWorkflowStartOptions(options as WorkflowStartOptions);
    const input = { workflowType, options: options as WorkflowStartOptions, headers: {} };
    if (options.startSignal !== undefined) {
      const output = await this.#ctx.invoke("signalWithStart", {
        ...input,
        signalName: options.startSignal,
        signalArgs: options.startSignalArgs ?? [],
      });
      return new WorkflowHandle<W>(this.#ctx, options.id, { resultRunId: output.runId });
    }
    const output = await this.#ctx.invoke("startWorkflow", input);
    return new WorkflowHandle<W>(this.#ctx, options.id, {
      resultRunId: output.runId,
      ...(output.started ? { firstExecutionRunId: output.runId } : {}),
    });
  }

  /**
   * Starts a workflow and waits for its result (`startWorkflow` then `result()`).
   *
   * @throws {WorkflowFailedError} If the workflow does not complete successfully.
   *
   * @example
   * ```ts
   * const greeting = await client.executeWorkflow(greet, { args: ["Ada"], id: "greet-ada", taskQueue: "hello" });
   * ```
   */
  async executeWorkflow<W extends WorkflowRef>(
    workflow: W,
    options: WorkflowStartOptions<WorkflowArgs<W>>,
  ): Promise<WorkflowResult<W>> {
    const handle = await this.startWorkflow(workflow, options);
    return await handle.result(rpcOptionsOf(options));
  }

  /**
   * A handle to an existing workflow, typed by a workflow given as type argument.
   *
   * @example
   * ```ts
   * const handle = client.getWorkflowHandle<typeof greet>("greet-ada");
   * const greeting: string = await handle.result();
   * ```
   */
  getWorkflowHandle<W extends WorkflowRef = string>(
    workflowId: string,
    options: GetWorkflowHandleOptions = {},
  ): WorkflowHandle<W> {
    if (typeof workflowId !== "string" || workflowId === "") {
      throw new TypeError(`Missing workflow id: expected a non-empty string, got '${String(workflowId)}'`);
    }
    return new WorkflowHandle<W>(this.#ctx, workflowId, options);
  }

  /**
   * Sends an update to a workflow, starting the workflow first if it is not running (the start
   * operation's `idConflictPolicy` decides, and is required), and returns once the update reaches
   * `waitForStage`. The operation's `workflowHandle()` resolves to the workflow's handle.
   *
   * @example
   * ```ts
   * const op = new WithStartWorkflowOperation(cart, { id: "cart-1", taskQueue: "shop", idConflictPolicy: "USE_EXISTING" });
   * const update = await client.startUpdateWithStartWorkflow("addItem", { args: ["apple"], waitForStage: "ACCEPTED", startWorkflowOperation: op });
   * ```
   */
  async startUpdateWithStartWorkflow<H extends AnyHandler>(
    update: H,
    options: StartUpdateWithStartOptions<HandlerArgs<H>>,
  ): Promise<WorkflowUpdateHandle<HandlerResult<H>>> {
    return await startUpdateWithStart(this.#ctx, update, options);
  }

  /**
   * Like {@linkcode Client.startUpdateWithStartWorkflow}, waiting for the update to complete and
   * returning its result.
   *
   * @throws {WorkflowUpdateFailedError} If the update was rejected or failed.
   */
  async executeUpdateWithStartWorkflow<H extends AnyHandler>(
    update: H,
    options: UpdateWithStartOptions<HandlerArgs<H>>,
  ): Promise<HandlerResult<H>> {
    const handle = await startUpdateWithStart(this.#ctx, update, { ...options, waitForStage: "COMPLETED" });
    return await handle.result(rpcOptionsOf(options));
  }

  /**
   * Lists workflows matching a visibility query, lazily, page by page (nothing is fetched until
   * the first iteration). The list is eventually consistent.
   *
   * @example
   * ```ts
   * for await (const wf of client.listWorkflows("WorkflowType = 'greet' AND ExecutionStatus = 'Running'", { limit: 10 })) {
   *   console.log(wf.workflowId);
   * }
   * ```
   */
  listWorkflows(query?: string, options: ListWorkflowsOptions = {}): WorkflowExecutionIterator {
    return new WorkflowExecutionIterator(this.#ctx, query, options);
  }

  /**
   * Counts workflows matching a visibility query (with `GROUP BY ExecutionStatus`, per group).
   *
   * @example
   * ```ts
   * const { count } = await client.countWorkflows("WorkflowType = 'greet'");
   * ```
   */
  async countWorkflows(query?: string, options: RpcOptions = {}): Promise<WorkflowExecutionCount> {
    if (query !== undefined && typeof query !== "string") {
      throw new TypeError(`Invalid query '${String(query)}': expected a visibility query string`);
    }
    return await this.#ctx.invoke("countWorkflows", {
      ...rpcOptionsOf(options),
      ...(query === undefined ? {} : { query }),
    });
  }

  /**
   * Creates a schedule and returns its handle.
   *
   * @throws {ScheduleAlreadyRunningError} If a schedule with the id exists.
   */
  createSchedule(scheduleId: string, options: CreateScheduleOptions): Promise<ScheduleHandle> {
    return createSchedule(this.#ctx, scheduleId, options);
  }

  /** A handle to an existing schedule. */
  getScheduleHandle(scheduleId: string): ScheduleHandle {
    return new ScheduleHandle(this.#ctx, scheduleId);
  }

  /** Lists schedules, lazily (eventually consistent). */
  listSchedules(query?: string, options: ListSchedulesOptions = {}): AsyncIterable<ScheduleListEntry> {
    return listSchedules(this.#ctx, query, options);
  }

  /**
   * A handle to complete, fail, cancel or heartbeat an activity from outside the worker, by its
   * task token or by workflow id, run id and activity id.
   *
   * @example
   * ```ts
   * await client.getAsyncActivityHandle({ taskToken }).complete("done");
   * ```
   */
  getAsyncActivityHandle(target: AsyncActivityTarget): AsyncActivityHandle {
    return new AsyncActivityHandle(this.#ctx, target);
  }

  /** Adds or promotes build ids of a task queue (worker versioning, experimental). */
  updateWorkerBuildIdCompatibility(
    taskQueue: string,
    operation: BuildIdOperation,
    options: RpcOptions = {},
  ): Promise<void> {
    return updateWorkerBuildIdCompatibility(this.#ctx, taskQueue, operation, options);
  }

  /** The build-id compatibility sets of a task queue (worker versioning, experimental). */
  getWorkerBuildIdCompatibility(
    taskQueue: string,
    options: RpcOptions & { maxSets?: number } = {},
  ): Promise<WorkerBuildIdVersionSets> {
    return getWorkerBuildIdCompatibility(this.#ctx, taskQueue, options);
  }

  /** Whether tasks could still reach given build ids (worker versioning, experimental). */
  getWorkerTaskReachability(options: BuildIdReachabilityOptions): Promise<WorkerTaskReachability> {
    return getWorkerTaskReachability(this.#ctx, options);
  }
}

export type { WithStartWorkflowOperation };
