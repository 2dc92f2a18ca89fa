/**
 * The Worker: polls a task queue for workflow tasks (run in the QuickJS sandbox by the workflow
 * engine) and activity tasks (run on the host), within slot limits, until it is shut down; then
 * drains gracefully.
 *
 * @module
 */

import { randomUUID } from "node:crypto";
import type { Client } from "../client/client.ts";
import { createDataConverter, type DataConverter } from "../common/data_converter.ts";
import { TaskQueueKind } from "../gen/temporal/api/enums/v1/task_queue_pb.ts";
import type {
  PollActivityTaskQueueResponse,
  PollWorkflowTaskQueueResponse,
} from "../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import { ActivityCancellationReason } from "./activity/activity_context.ts";
import { ActivityExecutor } from "./activity/activity_executor.ts";
import { type ActivityFunction, resolveActivities } from "./activity/activity_registry.ts";
import { createLocalActivityExecutor } from "./activity/local_activity_executor.ts";
import { createWorkflowHost, type WorkflowBundle, type WorkflowHost } from "../sandbox/mod.ts";
import type { LogRecord, WorkflowSpan } from "../sandbox/protocol.ts";
import { createWorkflowEngine, type WorkflowEngine, type WorkflowSpanSource } from "./workflow/engine.ts";
import { EagerActivityDispatcher } from "./eager_activities.ts";
import { PollerGroup } from "./pollers.ts";
import { StickyPollBalancer } from "./sticky_poll_balancer.ts";
import { Slots } from "./slots.ts";
import {
  type Logger,
  type ResolvedWorkerOptions,
  resolveWorkerOptions,
  type WorkerOptions,
  type WorkflowSpanExporter,
} from "./worker_options.ts";
import { type PreparedWorkflows, prepareWorkflows, workflowsError } from "./worker_workflows.ts";

/** The life of a worker. */
export const WorkerState = {
  /** Constructed, not yet running. */
  INITIALIZED: "INITIALIZED",
  /** Starting up or polling. */
  RUNNING: "RUNNING",
  /** Shutting down: no more polls; running tasks finish (activities get the graceful timeout). */
  DRAINING: "DRAINING",
  /** Shut down cleanly. */
  STOPPED: "STOPPED",
  /** Stopped by an error that retrying could not fix (see the error `run()` rejected with). */
  FAILED: "FAILED",
} as const;
/** The life of a worker. */
export type WorkerState = (typeof WorkerState)[keyof typeof WorkerState];

/** Options of {@linkcode Worker.run}. */
export interface WorkerRunOptions {
  /** Shuts the worker down when aborted. Default: none. */
  signal?: AbortSignal;
}

/**
 * A worker of one task queue: runs the workflows of `workflowsPath` and the `activities`.
 *
 * @example
 * ```ts
 * import { Client } from "sandglass/client";
 * import { Worker } from "sandglass/worker";
 * import * as activities from "./activities.ts";
 *
 * const client = await Client.connect("localhost:7233");
 * const worker = new Worker(client, {
 *   taskQueue: "hello",
 *   workflowsPath: new URL("./workflows.ts", import.meta.url),
 *   activities,
 * });
 * const result = await worker.runUntil(
 *   client.executeWorkflow("SayHello", { args: ["Temporal"], id: "hello-1", taskQueue: "hello" }),
 * );
 * ```
 */
export class Worker implements AsyncDisposable {
  /** The client the worker polls through. */
  readonly client: Client;
  /** The task queue polled. */
  readonly taskQueue: string;
  /** The namespace polled (the client's). */
  readonly namespace: string;
  /** Identity reported to the server. */
  readonly identity: string;
  /** The data converter of activity arguments, results and failures, and of workflow payloads. */
  readonly dataConverter: DataConverter;
  /** The options in effect, defaults filled in. */
  readonly options: ResolvedWorkerOptions;
  /** The registered activity type names. */
  readonly activityTypes: readonly string[];

  readonly #activities: ReadonlyMap<string, ActivityFunction>;
  /** The workflows' bundle, built and checked at construction and run by `run()`. */
  readonly #bundle: PreparedWorkflows | undefined;
  #eagerActivities: EagerActivityDispatcher | undefined;
  /** Workflow task slots, shared by the pollers and eagerly started workflows. */
  readonly #workflowSlots: Slots;
  readonly #stop = new AbortController();
  #state: WorkerState = WorkerState.INITIALIZED;
  #run: Promise<void> | undefined;
  #ownsRun = false;
  #fatal: unknown;
  readonly #started = deferred();
  #startupMs: number | undefined;
  #executor: ActivityExecutor | undefined;
  #engine: WorkflowEngine | undefined;
  #host: WorkflowHost | undefined;

  /**
   * Validates the options, registers the activities and bundles the workflows (synchronously, in
   * a helper thread, unless an unchanged bundle is cached); does no network I/O (see
   * {@linkcode Worker.run}).
   *
   * @throws {TypeError} If an option is invalid, an activity is not a function, two exports of
   *   `workflowsPath` define the same workflow type, or there is nothing to run (neither
   *   `workflowsPath` nor `activities`).
   * @throws {WorkflowBundleError} If the workflows (or a workflow interceptor module) cannot be
   *   bundled, e.g. an import cannot be resolved or is host-only.
   */
  constructor(client: Client, options: WorkerOptions) {
    if (typeof client !== "object" || client === null || typeof client.namespace !== "string") {
      throw new TypeError("Invalid client: pass a Client, e.g. await Client.connect('localhost:7233')");
    }
    this.options = resolveWorkerOptions(options);
    this.#activities = resolveActivities(options.activities);
    if (this.options.workflowsPath === undefined && this.#activities.size === 0) {
      throw new TypeError(
        `Worker of task queue '${this.options.taskQueue}' has nothing to run: set workflowsPath, activities, or both`,
      );
    }
    this.client = client;
    this.taskQueue = this.options.taskQueue;
    this.namespace = client.namespace;
    this.identity = this.options.identity ?? client.identity;
    this.dataConverter = createDataConverter({ ...client.dataConverter, ...options.dataConverter });
    this.activityTypes = Object.freeze([...this.#activities.keys()]);
    this.#bundle = this.options.workflowsPath === undefined
      ? undefined
      : prepareWorkflows(this.options.workflowsPath, this.options.workflowInterceptorModules);
    this.#workflowSlots = new Slots(this.options.maxConcurrentWorkflowTasks);
    this.#started.promise.catch(() => {});
  }

  /** Where the worker is in its life. */
  get state(): WorkerState {
    return this.#state;
  }

  /** Milliseconds from `run()` until the worker polls with its sandbox ready (connecting, starting the sandbox), once started. */
  get startupMs(): number | undefined {
    return this.#startupMs;
  }

  /** Activities running now. */
  get runningActivities(): number {
    return this.#executor?.running ?? 0;
  }

  /**
   * Runs the worker until {@linkcode Worker.shutdown} is called or `signal` aborts, then drains:
   * no more polls, activities are told (`workerShutdownSignal`) and cancelled after
   * `gracefulShutdownTimeout`, running tasks finish.
   *
   * @returns Resolves once the worker has stopped.
   * @throws {Error} If the worker already ran, or polling failed in a way retrying cannot fix
   *   (e.g. an unknown namespace); the worker drains before rejecting.
   */
  run(options: WorkerRunOptions = {}): Promise<void> {
    if (this.#state !== WorkerState.INITIALIZED) {
      return Promise.reject(
        new Error(
          `Cannot run the worker of task queue '${this.taskQueue}': it is ${this.#state.toLowerCase()}; create a new Worker`,
        ),
      );
    }
    this.#state = WorkerState.RUNNING;
    this.#ownsRun = true;
    const signal = options.signal;
    if (signal !== undefined) {
      if (signal.aborted) this.#stop.abort();
      else signal.addEventListener("abort", () => this.#stop.abort(), { once: true });
    }
    this.#run = this.#runWorker();
    return this.#run;
  }

  /**
   * Starts the worker in the background and resolves once it polls; pair with `await using` or
   * {@linkcode Worker.shutdown}, which reports an error that stopped it.
   *
   * @example
   * ```ts
   * await using worker = new Worker(client, { taskQueue: "q", activities });
   * await worker.start();
   * ```
   */
  async start(): Promise<void> {
    const running = this.run();
    this.#ownsRun = false;
    running.catch(() => {});
    await Promise.race([this.#started.promise, running]);
  }

  /**
   * Runs the worker while `promise` is pending, then shuts it down.
   *
   * @returns What `promise` resolved to.
   * @throws What `promise` rejected with, or the error that stopped the worker first.
   */
  async runUntil<R>(promise: Promise<R> | (() => Promise<R>)): Promise<R> {
    const running = this.run();
    running.catch(() => {});
    let outcome: { value: R } | { error: unknown };
    try {
      const work = typeof promise === "function" ? promise() : promise;
      outcome = {
        value: await Promise.race([
          work,
          running.then(() => {
            throw new Error(
              `The worker of task queue '${this.taskQueue}' stopped before the promise settled`,
            );
          }),
        ]),
      };
    } catch (error) {
      outcome = { error };
    }
    this.#stop.abort();
    try {
      await running;
    } catch (error) {
      if ("value" in outcome) throw error;
    }
    if ("error" in outcome) throw outcome.error;
    return outcome.value;
  }

  /**
   * Shuts the worker down and waits until it has stopped (see {@linkcode Worker.run}).
   *
   * @throws The error that stopped the worker, if it was started with {@linkcode Worker.start}.
   */
  async shutdown(): Promise<void> {
    if (this.#state === WorkerState.INITIALIZED) {
      this.#state = WorkerState.STOPPED;
      return;
    }
    this.#stop.abort();
    if (this.#run === undefined) return;
    try {
      await this.#run;
    } catch (error) {
      if (!this.#ownsRun) throw error;
    }
  }

  /** Same as {@linkcode Worker.shutdown}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.shutdown();
  }

  async #runWorker(): Promise<void> {
    const { logger } = this.options;
    const began = performance.now();
    const groups: PollerGroup<unknown>[] = [];
    let unregisterEager: (() => void) | undefined;
    const eager = new Set<Promise<void>>();
    const activitySlots = new Slots(this.options.maxConcurrentActivities);
    // The sandbox starts (WebAssembly, the bundle, the modules' check) while the connection is made.
    const sandbox = this.#bundle === undefined ? undefined : this.#startSandbox(this.#bundle.bundle);
    sandbox?.catch(() => {});
    try {
      await this.client.connection.ensureConnected({ signal: this.#stop.signal });
      if (this.#activities.size > 0) {
        this.#executor = new ActivityExecutor({
          service: this.client.connection.workflowService,
          namespace: this.namespace,
          identity: this.identity,
          taskQueue: this.taskQueue,
          dataConverter: this.dataConverter,
          activities: this.#activities,
          interceptors: this.options.activityInterceptors,
          logger,
          client: this.client,
        });
        groups.push(this.#activityPollers(this.#executor, activitySlots) as PollerGroup<unknown>);
      }
      let engineReady: Promise<WorkflowEngine> | undefined;
      if (sandbox !== undefined && !this.#stop.signal.aborted) {
        const stickyQueue = this.#stickyQueueName();
        const executor = this.#executor;
        engineReady = sandbox.then((
          host,
        ) => (this.#engine = this.#createEngine(host, executor, activitySlots, stickyQueue)));
        engineReady.catch(() => {});
        // When the constructor's sandbox check passed, polls go out while this sandbox starts (a task
        // that arrives first waits for it); otherwise this sandbox's verdict comes before any poll.
        if (!this.#bundle!.verified) await engineReady;
        groups.push(this.#workflowPollers(stickyQueue, engineReady) as PollerGroup<unknown>);
      }
      if (!this.#stop.signal.aborted) {
        for (const group of groups) group.start();
      }
      if (engineReady !== undefined) {
        await engineReady;
        unregisterEager = this.#registerEagerStart(eager);
      }
      if (!this.#stop.signal.aborted) {
        this.#startupMs = performance.now() - began;
        logger.debug("Worker started", { taskQueue: this.taskQueue, startupMs: this.#startupMs });
      }
      this.#started.resolve();
      await waitForAbort(this.#stop.signal);
    } catch (error) {
      this.#fatal ??= error;
      this.#started.reject(error);
    }

    // Drain.
    this.#state = WorkerState.DRAINING;
    unregisterEager?.();
    await Promise.all(groups.map((group) => group.stop()));
    await this.#shutdownSticky();
    await this.#drainActivities(groups);
    await this.#eagerActivities?.drained();
    await Promise.all(groups.map((group) => group.drained()));
    while (eager.size > 0) await Promise.all(eager);
    try {
      await this.#engine?.shutdown();
    } catch (error) {
      logger.warn("Cannot shut the workflow engine down cleanly", { error });
    }
    await sandbox?.catch(() => {});
    this.#host?.dispose();
    if (this.#fatal !== undefined) {
      this.#state = WorkerState.FAILED;
      throw this.#fatal;
    }
    this.#state = WorkerState.STOPPED;
  }

  async #drainActivities(groups: readonly PollerGroup<unknown>[]): Promise<void> {
    const executor = this.#executor;
    if (executor === undefined) return;
    executor.notifyShutdown();
    if (executor.running === 0) return;
    const graceMs = this.options.gracefulShutdownTimeoutMs;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const drained = Promise.all(groups.map((group) => group.drained()));
    const graceOver = new Promise<void>((resolve) => (timer = setTimeout(resolve, graceMs)));
    await Promise.race([drained, graceOver]);
    clearTimeout(timer);
    executor.cancelAll(ActivityCancellationReason.WORKER_SHUTDOWN);
  }

  #fail(error: unknown): void {
    if (this.#fatal === undefined) {
      this.#fatal = error;
      this.options.logger.error("Worker failed; shutting down", { taskQueue: this.taskQueue, error });
    }
    this.#stop.abort();
  }

  #pollOptions(signal: AbortSignal) {
    return { signal, retry: false as const };
  }

  #versionCapabilities() {
    const { buildId, useVersioning } = this.options;
    return buildId === undefined ? {} : { workerVersionCapabilities: { buildId, useVersioning } };
  }

  #activityPollers(executor: ActivityExecutor, slots: Slots): PollerGroup<PollActivityTaskQueueResponse> {
    const service = this.client.connection.workflowService;
    return new PollerGroup<PollActivityTaskQueueResponse>({
      name: `activity task queue '${this.taskQueue}'`,
      pollers: this.options.activityPollers,
      slots,
      poll: async (signal) => {
        const response = await service.pollActivityTaskQueue({
          namespace: this.namespace,
          taskQueue: { name: this.taskQueue, kind: TaskQueueKind.NORMAL },
          identity: this.identity,
          ...this.#versionCapabilities(),
        }, this.#pollOptions(signal));
        return response.taskToken.length === 0 ? undefined : response;
      },
      handle: (task) => executor.execute(task),
      onFatal: (error) => this.#fail(error),
      onError: (error) => this.options.logger.warn("Activity task poll failed; retrying", { error }),
    });
  }

  /** The worker's sticky queue, or `undefined` when runs are not cached (see {@linkcode WorkerOptions.maxCachedWorkflows}). */
  #stickyQueueName(): string | undefined {
    const { workflowPollers, maxConcurrentWorkflowTasks, maxCachedWorkflows } = this.options;
    // A sticky queue needs a poller and a slot of its own besides the normal queue's.
    const useSticky = maxCachedWorkflows > 0 && workflowPollers >= 2 && maxConcurrentWorkflowTasks >= 2;
    return useSticky ? `${this.identity}-${randomUUID()}` : undefined;
  }

  #workflowPollers(
    sticky: string | undefined,
    engineReady: Promise<WorkflowEngine>,
  ): PollerGroup<PollWorkflowTaskQueueResponse> {
    const service = this.client.connection.workflowService;
    const pollers = this.options.workflowPollers;
    const balancer = sticky === undefined
      ? undefined
      : new StickyPollBalancer(pollers, () => this.#engine?.cacheSize ?? 0);
    return new PollerGroup<PollWorkflowTaskQueueResponse>({
      name: sticky === undefined
        ? `workflow task queue '${this.taskQueue}'`
        : `workflow task queue '${this.taskQueue}' and sticky queue '${sticky}'`,
      pollers,
      slots: this.#workflowSlots,
      poll: async (signal) => {
        const kind = balancer?.begin() ?? "normal";
        try {
          const response = await service.pollWorkflowTaskQueue({
            namespace: this.namespace,
            taskQueue: kind === "sticky"
              ? { name: sticky, kind: TaskQueueKind.STICKY, normalName: this.taskQueue }
              : { name: this.taskQueue, kind: TaskQueueKind.NORMAL },
            identity: this.identity,
            ...this.#versionCapabilities(),
          }, this.#pollOptions(signal));
          return response.taskToken.length === 0 ? undefined : response;
        } finally {
          balancer?.end(kind);
        }
      },
      // A task polled while the sandbox starts waits for it; if the sandbox fails, the worker fails
      // and the server hands the task out again when its workflow task times out.
      handle: (task) => engineReady.then(() => this.#processWorkflowTask(task)),
      onFatal: (error) => this.#fail(error),
      onError: (error) => this.options.logger.warn("Workflow task poll failed; retrying", { error }),
    });
  }

  /** Lets the client hand this worker the first task of workflows it starts eagerly. */
  #registerEagerStart(eager: Set<Promise<void>>): () => void {
    const slots = this.#workflowSlots;
    return this.client.eagerStart.register(this.taskQueue, {
      reserve: () => {
        if (this.#stop.signal.aborted || !slots.tryAcquire()) return undefined;
        return (task) => {
          if (task === undefined) {
            slots.release();
            return;
          }
          const done: Promise<void> = this.#processWorkflowTask(task).finally(() => {
            slots.release();
            eager.delete(done);
          });
          eager.add(done);
        };
      },
    });
  }

  async #processWorkflowTask(task: PollWorkflowTaskQueueResponse): Promise<void> {
    try {
      await this.#engine!.processTask(task);
    } catch (error) {
      this.options.logger.error("Workflow task failed in the worker", {
        workflowId: task.workflowExecution?.workflowId,
        runId: task.workflowExecution?.runId,
        error,
      });
    }
  }

  /** Creates the sandbox host and has it check the workflow modules. */
  async #startSandbox(bundle: WorkflowBundle): Promise<WorkflowHost> {
    const { logger } = this.options;
    this.#host = await createWorkflowHost({
      bundle,
      log: (record) => logWorkflowRecord(logger, record),
      onPoisoned: (event) => {
        logger.warn("A workflow sandbox isolate was replaced; its runs will be replayed", {
          reason: event.reason,
        });
        for (const runId of event.runIds) {
          try {
            this.#engine?.evict(runId, event.reason);
          } catch (error) {
            logger.warn("Cannot evict a run of a replaced isolate", { runId, error });
          }
        }
      },
    });
    // The sandbox's verdict on the modules, before any poll: they load, and no workflow type is
    // defined twice (the constructor checked that outside the sandbox already).
    const description = await this.#host.describeWorkflows();
    if (!description.ok) throw workflowsError(this.options.workflowsPath!, description);
    return this.#host;
  }

  #createEngine(
    host: WorkflowHost,
    executor: ActivityExecutor | undefined,
    activitySlots: Slots,
    stickyQueue: string | undefined,
  ): WorkflowEngine {
    const { maxCachedWorkflows, logger } = this.options;
    this.#eagerActivities = new EagerActivityDispatcher({
      taskQueue: this.taskQueue,
      activityTypes: executor === undefined ? new Set<string>() : this.#activities,
      slots: activitySlots,
      execute: (task) => executor!.execute(task),
      stopping: () => this.#stop.signal.aborted,
    });
    const engine = createWorkflowEngine({
      workflowService: this.#eagerActivities.wrap(this.client.connection.workflowService),
      eagerActivities: true,
      namespace: this.namespace,
      taskQueue: this.taskQueue,
      ...(stickyQueue === undefined ? {} : { stickyTaskQueue: stickyQueue }),
      stickyScheduleToStartTimeoutMs: this.options.stickyQueueScheduleToStartTimeoutMs,
      identity: this.identity,
      ...(this.options.buildId === undefined ? {} : { buildId: this.options.buildId }),
      useVersioning: this.options.useVersioning,
      dataConverter: this.dataConverter,
      sandbox: host,
      maxCachedWorkflows: stickyQueue === undefined ? 0 : maxCachedWorkflows,
      onError: (error, ids) => logger.warn("Workflow task failed", { ...ids, error }),
      ...(this.options.workflowSpanExporter === undefined ? {} : {
        onSpans: exportWorkflowSpans(this.options.workflowSpanExporter, logger),
      }),
      ...(executor === undefined ? {} : {
        executeLocalActivity: createLocalActivityExecutor({
          namespace: this.namespace,
          taskQueue: this.taskQueue,
          dataConverter: this.dataConverter,
          activities: this.#activities,
          interceptors: this.options.activityInterceptors,
          slots: new Slots(this.options.maxConcurrentLocalActivities),
          workerShutdownSignal: executor.shutdownSignal,
          client: this.client,
        }),
      }),
    });
    return engine;
  }

  async #shutdownSticky(): Promise<void> {
    const sticky = this.#engine?.stickyQueue;
    if (sticky === undefined) return;
    try {
      await this.client.connection.workflowService.shutdownWorker({
        namespace: this.namespace,
        stickyTaskQueue: sticky,
        identity: this.identity,
        reason: "graceful shutdown",
      }, { timeoutMs: 5_000, retry: false });
    } catch (error) {
      this.options.logger.debug("ShutdownWorker failed (the sticky queue times out on its own)", { error });
    }
  }
}

/** Calls the exporter; its failures are logged, never fail the workflow task. */
function exportWorkflowSpans(
  exporter: WorkflowSpanExporter,
  logger: Logger,
): (spans: WorkflowSpan[], run: WorkflowSpanSource) => void {
  return (spans, run) => {
    try {
      exporter(spans, run);
    } catch (error) {
      logger.warn("The workflow span exporter failed; the spans of this task are lost", {
        workflowId: run.workflowId,
        runId: run.runId,
        error,
      });
    }
  };
}

function logWorkflowRecord(logger: Logger, record: LogRecord): void {
  const attributes = { ...record.attrs, workflowTime: new Date(record.timestamp).toISOString() };
  switch (record.level) {
    case "ERROR":
      logger.error(record.message, attributes);
      break;
    case "WARN":
      logger.warn(record.message, attributes);
      break;
    case "DEBUG":
    case "TRACE":
      logger.debug(record.message, attributes);
      break;
    default:
      logger.info(record.message, attributes);
  }
}

function deferred(): { promise: Promise<void>; resolve: () => void; reject: (error: unknown) => void } {
  let resolve!: () => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function waitForAbort(signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => signal.addEventListener("abort", () => resolve(), { once: true }));
}
