/**
 * The workflow-task engine the Worker calls: it takes a polled workflow task, brings the run's
 * state machines up to date (cache hit: only the new events; miss: the full history, paged),
 * drives the sandboxed workflow through one activation per workflow task, and responds to the
 * server itself (RespondWorkflowTaskCompleted / RespondWorkflowTaskFailed /
 * RespondQueryTaskCompleted).
 *
 * ```ts
 * const engine = createWorkflowEngine({
 *   workflowService, namespace: "default", taskQueue: "orders", stickyTaskQueue: "orders-sticky-1",
 *   identity: "worker@host", sandbox: host, maxCachedWorkflows: 1000,
 * });
 * await engine.processTask(pollResponse); // responds to the server
 * engine.cacheSize;                        // runs held for sticky execution
 * engine.evictAll();                       // on shutdown
 * ```
 *
 * Failures: a nondeterminism error or a workflow task failure from the runtime (unknown workflow
 * type, a bug) fails the workflow task (the server retries it), unless
 * `failWorkflowOnNondeterminism` is set, which fails the workflow instead. Payload codecs run here,
 * on the host: payloads are decoded before activation and encoded after.
 *
 * Protocol notes (sandbox/protocol.ts): the runtime cannot declare which internal flags it
 * supports, so the engine takes them as the `internalFlags` option; everything else the engine
 * needs is in the protocol. See docs/engine.md.
 *
 * @module
 */

import { create } from "@bufbuild/protobuf";
import { anyUnpack } from "@bufbuild/protobuf/wkt";
import { CommandSchema } from "../../gen/temporal/api/command/v1/message_pb.ts";
import { CommandType } from "../../gen/temporal/api/enums/v1/command_type_pb.ts";
import { WorkflowTaskFailedCause } from "../../gen/temporal/api/enums/v1/failed_cause_pb.ts";
import { QueryResultType } from "../../gen/temporal/api/enums/v1/query_pb.ts";
import { TaskQueueKind } from "../../gen/temporal/api/enums/v1/task_queue_pb.ts";
import type { HistoryEvent } from "../../gen/temporal/api/history/v1/message_pb.ts";
import {
  type WorkflowQuery,
  type WorkflowQueryResult,
  WorkflowQueryResultSchema,
} from "../../gen/temporal/api/query/v1/message_pb.ts";
import { RequestSchema } from "../../gen/temporal/api/update/v1/message_pb.ts";
import type {
  PollWorkflowTaskQueueResponse,
  RespondWorkflowTaskCompletedResponse,
} from "../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import type { PayloadCodec } from "../../common/payload_codec.ts";
import type {
  Activation,
  ActivationJob,
  ActivityResolution,
  Completion,
  FailureJson,
  QueryResult,
  WorkflowSpan,
} from "../../sandbox/protocol.ts";
import { SDK_NAME, SDK_VERSION } from "../../client/version.ts";
import {
  codeFailure,
  codePayloads,
  decodeEvents,
  decodeMessages,
  encodeCommands,
  encodeMessages,
} from "./codec.ts";
import {
  enumValue,
  failureFromJson,
  headerToJson,
  msToDuration,
  payloadFromJson,
  payloadsToJson,
} from "./convert.ts";
import { fetchHistoryPages, type WorkflowServiceClient } from "./history.ts";
import type { LocalActivityMachine, LocalActivityRequest } from "./machines/local_activity.ts";
import { NondeterminismError } from "./nondeterminism_error.ts";
import { RunCache } from "./run_cache.ts";
import { StaleRunError, WorkflowTaskFailedError } from "./task_errors.ts";
import { WorkflowMachines } from "./workflow_machines.ts";

/** What the engine needs from the sandbox host (C1's `WorkflowHost` satisfies it). */
export interface WorkflowSandbox {
  /** Runs one activation of a run (a `startWorkflow` job creates it) and returns its completion. */
  activate(activation: Activation): Promise<Completion>;
  /** Drops the run's state. */
  evict(runId: string): void;
  /** False if the host lost the run (e.g. its isolate was replaced); the engine then replays it. */
  has?(runId: string): boolean;
}

/** Runs a local activity on the host; returns how it ended (`backoff` asks the workflow to retry after a timer). */
export type LocalActivityExecutor = (
  request: LocalActivityRequest & {
    workflowId: string;
    runId: string;
    workflowType: string;
    namespace: string;
  },
) => Promise<ActivityResolution>;

/** Options of {@linkcode createWorkflowEngine}. */
export interface WorkflowEngineOptions {
  /** The workflow service of the worker's connection. */
  workflowService: WorkflowServiceClient;
  namespace: string;
  /** The normal task queue the worker polls. */
  taskQueue: string;
  /** The worker's sticky queue; absent: no sticky execution. */
  stickyTaskQueue?: string;
  /** How long the server waits for the sticky worker before using the normal queue, in ms. Default: 10 000. */
  stickyScheduleToStartTimeoutMs?: number;
  /** Sent with every response. */
  identity: string;
  /** The worker's build id, if any (sent as the worker version stamp). */
  buildId?: string;
  /** The worker opted into build-id versioning: its stamps pin runs to its compatible set. Default: false. */
  useVersioning?: boolean;
  /**
   * Keep `requestEagerExecution` on activity commands: the service runs the activity tasks the
   * server hands back (an `EagerActivityDispatcher`). Default: false (never requested).
   */
  eagerActivities?: boolean;
  /** Only `payloadCodecs` is used here (converters run in the sandbox). Default: no codecs. */
  dataConverter?: { payloadCodecs: readonly PayloadCodec[] };
  /** The sandbox host that runs workflow code. */
  sandbox: WorkflowSandbox;
  /** How many runs to keep for sticky execution; 0 disables caching. Default: 1000. */
  maxCachedWorkflows?: number;
  /** Internal flags the workflow runtime supports (offered in new, non-replay work). Default: none. */
  internalFlags?: readonly number[];
  /** Fail the workflow (not just the task) on a nondeterminism error. Default: false. */
  failWorkflowOnNondeterminism?: boolean;
  /** Runs local activities; without it a workflow that schedules one fails its task. */
  executeLocalActivity?: LocalActivityExecutor;
  /** Reports errors the engine handled (failed tasks, failed responses). Default: ignored. */
  onError?: (error: unknown, context: { runId: string; workflowId: string }) => void;
  /**
   * Receives the spans workflow code finished in a task's new (not replayed) activations and its
   * query handlers, once the server accepted the task's completion (or a legacy query's answer); an
   * error it throws is reported to `onError`. Default: spans are dropped.
   */
  onSpans?: (spans: WorkflowSpan[], run: WorkflowSpanSource) => void;
}

/** The run a batch of workflow spans comes from. */
export interface WorkflowSpanSource {
  readonly namespace: string;
  readonly taskQueue: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly workflowType: string;
}

/** The engine's interface to the Worker. */
export interface WorkflowEngine {
  /** Processes one polled workflow task (or legacy query) and responds to the server. Never throws for task-level failures. */
  processTask(task: PollWorkflowTaskQueueResponse): Promise<void>;
  /** Evicts one run (server request, or the worker's own reasons). */
  evict(runId: string, reason?: string): void;
  /** Evicts every cached run (shutdown). */
  evictAll(): void;
  /** Number of cached runs. */
  readonly cacheSize: number;
  /** The sticky queue the engine asks the server to use (`stickyTaskQueue`), if any. */
  readonly stickyQueue: string | undefined;
  /** Evicts every cached run (the sandbox host itself belongs to the caller). */
  shutdown(): Promise<void>;
}

interface CachedRun {
  machines: WorkflowMachines;
}

/**
 * Creates the workflow-task engine.
 *
 * @example Wiring it into a poller
 * ```ts
 * const engine = createWorkflowEngine({ workflowService, namespace, taskQueue, identity, sandbox });
 * const task = await workflowService.pollWorkflowTaskQueue({ namespace, taskQueue: { name: taskQueue }, identity });
 * if (task.taskToken.length > 0) await engine.processTask(task);
 * ```
 */
export function createWorkflowEngine(options: WorkflowEngineOptions): WorkflowEngine {
  return new Engine(options);
}

class Engine implements WorkflowEngine {
  readonly #o: WorkflowEngineOptions;
  readonly #codecs: readonly PayloadCodec[];
  readonly #cache: RunCache<CachedRun>;

  constructor(options: WorkflowEngineOptions) {
    this.#o = options;
    this.#codecs = options.dataConverter?.payloadCodecs ?? [];
    this.#cache = new RunCache<CachedRun>(
      options.maxCachedWorkflows ?? 1000,
      (runId) => options.sandbox.evict(runId),
    );
  }

  get cacheSize(): number {
    return this.#cache.size;
  }

  get stickyQueue(): string | undefined {
    return this.#cache.capacity > 0 ? this.#o.stickyTaskQueue : undefined;
  }

  shutdown(): Promise<void> {
    this.evictAll();
    return Promise.resolve();
  }

  evict(runId: string): void {
    this.#drop(runId);
  }

  #drop(runId: string): void {
    this.#cache.delete(runId);
    this.#o.sandbox.evict(runId);
  }

  evictAll(): void {
    this.#cache.clear();
  }

  processTask(task: PollWorkflowTaskQueueResponse): Promise<void> {
    const runId = task.workflowExecution?.runId ?? "";
    return this.#cache.withLock(
      runId,
      () => (task.query !== undefined ? this.#legacyQuery(task) : this.#workflowTask(task)),
    );
  }

  // ---- workflow tasks -----------------------------------------------------------------------

  async #workflowTask(first: PollWorkflowTaskQueueResponse): Promise<void> {
    const ids = executionOf(first);
    let task = first;
    let machines: WorkflowMachines | undefined;
    const running = new Map<LocalActivityMachine, Promise<LocalActivityOutcome>>();
    try {
      let receivedAt = Date.now();
      machines = await this.#prepare(task, false);
      const m = machines;
      for (;;) {
        await this.#advanceTo(m, task);
        // Heartbeat the task while local activities still run at 80 % of its timeout.
        const timeoutMs = m.workflowTaskTimeoutMs ?? DEFAULT_WORKFLOW_TASK_TIMEOUT_MS;
        const heartbeat = await this.#runLocalActivities(
          m,
          running,
          receivedAt,
          receivedAt + timeoutMs * 0.8,
        );
        const response = await this.#complete(task, m, heartbeat);
        if (!heartbeat) return;
        receivedAt = Date.now();
        const next = response.workflowTask;
        if (next === undefined || next.taskToken.length === 0) {
          // The server did not hand the new task back: it reaches a poller, which replays the run.
          for (const la of running.keys()) la.abandon();
          this.#drop(ids.runId);
          return;
        }
        await this.#addEvents(m, next);
        task = next;
      }
    } catch (error) {
      for (const la of running.keys()) la.abandon();
      this.#drop(ids.runId);
      this.#o.onError?.(error, ids);
      await this.#failTask(task, error, machines);
    }
  }

  /** Applies the task's buffered events and runs the activations up to and including the task's own. */
  async #advanceTo(m: WorkflowMachines, task: PollWorkflowTaskQueueResponse): Promise<void> {
    const wire = task.messages.map((msg) =>
      msg.body === undefined ? undefined : anyUnpack(msg.body, RequestSchema)
    );
    await decodeMessages(this.#codecs, task.messages);
    const result = await m.advance(this.#activator(), {
      ...(this.#o.buildId === undefined ? {} : { buildId: this.#o.buildId }),
      taskStartedEventId: task.startedEventId,
      knownFlags: this.#o.internalFlags,
      beforeTarget: () => {
        task.messages.forEach((message, i) => {
          const request = message.body === undefined ? undefined : anyUnpack(message.body, RequestSchema);
          const raw = wire[i];
          if (request === undefined || raw === undefined) return;
          const seq = message.sequencingId.case === "eventId" ? message.sequencingId.value : 0n;
          m.admitUpdate(request, raw, message.protocolInstanceId, message.id, seq);
        });
      },
    });
    if (result !== "ready") {
      throw new Error(
        `History of run '${m.runId}' ends at event ${m.lastEventId} before the task's WorkflowTaskStarted ${task.startedEventId}`,
      );
    }
  }

  /**
   * Responds to the task with the commands so far. A heartbeat (local activities still running)
   * asks the server for a new task at once and to return it here, instead of completing the run's
   * work: history records a workflow task without commands of its own.
   */
  async #complete(
    task: PollWorkflowTaskQueueResponse,
    m: WorkflowMachines,
    heartbeat: boolean,
  ): Promise<RespondWorkflowTaskCompletedResponse> {
    const queryResults = await this.#answerQueries(m, task.queries);
    const commands = m.commands();
    if (this.#o.eagerActivities !== true) {
      // Only a worker that runs the returned activity tasks may ask for them (see worker/eager_activities.ts).
      for (const c of commands) {
        if (c.attributes.case === "scheduleActivityTaskCommandAttributes") {
          c.attributes.value.requestEagerExecution = false;
        }
      }
    }
    const messages = m.messages();
    await encodeCommands(this.#codecs, commands);
    await encodeMessages(this.#codecs, messages);
    const keep = heartbeat || (!m.ended && this.#cache.capacity > 0);
    const langUsedFlags = m.takeNewFlags();
    // A finished run leaves the cache before the server hears of it (nothing more will come for it).
    if (!keep) this.#drop(m.runId);
    const sticky = keep && this.#cache.capacity > 0 && this.#o.stickyTaskQueue;
    const response = await this.#o.workflowService.respondWorkflowTaskCompleted({
      taskToken: task.taskToken,
      namespace: this.#o.namespace,
      identity: this.#o.identity,
      commands,
      messages,
      queryResults,
      stickyAttributes: sticky
        ? {
          workerTaskQueue: {
            name: sticky,
            kind: TaskQueueKind.STICKY,
            normalName: this.#o.taskQueue,
          },
          scheduleToStartTimeout: msToDuration(this.#o.stickyScheduleToStartTimeoutMs ?? 10_000),
        }
        : undefined,
      forceCreateNewWorkflowTask: heartbeat,
      returnNewWorkflowTask: heartbeat,
      sdkMetadata: { langUsedFlags, ...m.takeSdkInfo(SDK_NAME, SDK_VERSION) },
      // A speculative task that only rejected updates may be discarded even when it carried
      // events: the engine rebuilds the run from history when told (`resetHistoryEventId`).
      capabilities: { discardSpeculativeWorkflowTaskWithEvents: true },
      ...this.#versionStamp(),
    });
    this.#exportSpans(m);
    // The server dropped this (speculative) task's events, e.g. after an update rejection: the
    // cached run is ahead of history, so it is rebuilt from history next time.
    if (response.resetHistoryEventId > 0n) {
      if (heartbeat) throw new Error(`The server discarded heartbeat task of run '${m.runId}'`);
      this.#drop(m.runId);
    }
    return response;
  }

  /**
   * Hands the spans of the task just completed, or of the legacy query just answered, to `onSpans`
   * (exactly once: they are taken from the run).
   */
  #exportSpans(m: WorkflowMachines): void {
    const spans = m.takeSpans();
    if (spans.length === 0 || this.#o.onSpans === undefined) return;
    const run: WorkflowSpanSource = {
      namespace: m.namespace,
      taskQueue: m.taskQueue,
      workflowId: m.workflowId,
      runId: m.runId,
      workflowType: m.workflowType,
    };
    try {
      this.#o.onSpans(spans, run);
    } catch (error) {
      this.#o.onError?.(error, { runId: m.runId, workflowId: m.workflowId });
    }
  }

  /** Buffers the events of the task the server returned after a heartbeat (fetching what it left out). */
  async #addEvents(m: WorkflowMachines, task: PollWorkflowTaskQueueResponse): Promise<void> {
    const ids = executionOf(task);
    let events = task.history?.events ?? [];
    if (task.nextPageToken.length > 0) events = [...events, ...await this.#fetch(ids, task.nextPageToken)];
    const first = events.find((e) => e.eventId > m.lastEventId);
    if (first === undefined || first.eventId !== m.lastEventId + 1n) {
      events = [...await this.#fetch(ids, new Uint8Array()), ...events];
    }
    events = events.filter((e) => e.eventId > m.lastEventId && e.eventId <= task.startedEventId);
    events.sort((x, y) => (x.eventId < y.eventId ? -1 : x.eventId > y.eventId ? 1 : 0));
    events = events.filter((e, i) => i === 0 || e.eventId !== events[i - 1]!.eventId);
    await decodeEvents(this.#codecs, events);
    m.addEvents(events);
  }

  /** Returns the run's machines with the task's events buffered (cache hit: new events; miss: full history). */
  async #prepare(task: PollWorkflowTaskQueueResponse, query: boolean): Promise<WorkflowMachines> {
    const ids = executionOf(task);
    let events = task.history?.events ?? [];
    if (task.nextPageToken.length > 0) {
      events = [...events, ...await this.#fetch(ids, task.nextPageToken)];
    }
    let run = this.#cache.get(ids.runId);
    if (run !== undefined && this.#o.sandbox.has?.(ids.runId) === false) {
      this.#cache.delete(ids.runId);
      run = undefined;
    }
    if (run !== undefined) {
      try {
        await decodeEvents(this.#codecs, events);
        run.machines.addEvents(events);
        return run.machines;
      } catch (error) {
        if (!(error instanceof StaleRunError)) throw error;
        this.#drop(ids.runId);
        events = events.filter((e) => e.eventId !== 1n);
      }
    }
    if (events[0]?.eventId !== 1n) {
      // The task's own events may not be in persisted history yet (speculative tasks of updates).
      const full = await this.#fetch(ids, new Uint8Array());
      const last = full[full.length - 1]?.eventId ?? 0n;
      events = [...full, ...events.filter((e) => e.eventId > last)];
    }
    if (!query && task.startedEventId > 0n) events = events.filter((e) => e.eventId <= task.startedEventId);
    await decodeEvents(this.#codecs, events);
    this.#o.sandbox.evict(ids.runId);
    const machines = new WorkflowMachines({
      namespace: this.#o.namespace,
      workflowId: ids.workflowId,
      runId: ids.runId,
      workflowType: task.workflowType?.name ?? "",
      taskQueue: this.#o.taskQueue,
    });
    machines.addEvents(events);
    if (this.#cache.capacity > 0) this.#cache.set(ids.runId, { machines });
    return machines;
  }

  #fetch(ids: { workflowId: string; runId: string }, token: Uint8Array): Promise<HistoryEvent[]> {
    return fetchHistoryPages(this.#o.workflowService, {
      namespace: this.#o.namespace,
      ...ids,
      nextPageToken: token,
    });
  }

  #activator(): (activation: Activation) => Promise<Completion> {
    return (activation) => this.#o.sandbox.activate(activation);
  }

  /**
   * Runs the local activities the workflow scheduled, resolving each as it ends (the workflow
   * runs in between and may schedule or cancel more), until none is running or `deadline`
   * passes. Returns true if some still run at the deadline (the task must be heartbeated); they
   * stay in `running` for the next task. A cancelled local activity is not waited for.
   */
  async #runLocalActivities(
    m: WorkflowMachines,
    running: Map<LocalActivityMachine, Promise<LocalActivityOutcome>>,
    taskReceivedAt: number,
    deadline: number,
  ): Promise<boolean> {
    for (;;) {
      if (m.ended) {
        // The run's end is decided: nothing waits for local activities still running.
        for (const la of running.keys()) la.abandon();
        running.clear();
        return false;
      }
      for (const la of m.pendingLocalActivities()) running.set(la, this.#startLocalActivity(m, la));
      for (const la of running.keys()) if (!la.executing) running.delete(la);
      if (running.size === 0) return false;
      const outcome = await raceDeadline([...running.values()], deadline);
      if (outcome === undefined) return true;
      running.delete(outcome.la);
      if ("error" in outcome) throw outcome.error;
      outcome.la.resolve(outcome.result, m.currentTime + Math.max(0, outcome.at - taskReceivedAt));
      await m.drainJobs(this.#activator(), this.#o.internalFlags ?? []);
    }
  }

  #startLocalActivity(m: WorkflowMachines, la: LocalActivityMachine): Promise<LocalActivityOutcome> {
    const execute = this.#o.executeLocalActivity;
    if (execute === undefined) {
      throw new WorkflowTaskFailedError(
        {
          message:
            `The workflow scheduled local activity '${la.command.activityType}', but this worker runs no local activities`,
        },
        "WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE",
      );
    }
    const request = la.takeRequest();
    return execute({
      ...request,
      workflowId: m.workflowId,
      runId: m.runId,
      workflowType: m.workflowType,
      namespace: m.namespace,
    }).then(
      (result): LocalActivityOutcome => ({ la, result, at: Date.now() }),
      (error: unknown): LocalActivityOutcome => ({ la, error }),
    );
  }

  async #answerQueries(
    m: WorkflowMachines,
    queries: { [id: string]: WorkflowQuery },
  ): Promise<{ [id: string]: WorkflowQueryResult }> {
    const entries = Object.entries(queries);
    if (entries.length === 0) return {};
    const jobs: ActivationJob[] = [];
    for (const [id, q] of entries) jobs.push(await this.#queryJob(id, q));
    const completion = await m.query(this.#activator(), jobs);
    const out: { [id: string]: WorkflowQueryResult } = {};
    for (const [id] of entries) {
      const r = completion.queryResults?.find((x) => x.queryId === id);
      out[id] = await this.#queryResult(r, completion.failure);
    }
    return out;
  }

  async #queryJob(queryId: string, q: WorkflowQuery): Promise<ActivationJob> {
    const args = await codePayloads(this.#codecs, "decode", q.queryArgs?.payloads ?? []);
    const job: ActivationJob = {
      kind: "queryWorkflow",
      queryId,
      queryType: q.queryType,
      args: payloadsToJson({ $typeName: "temporal.api.common.v1.Payloads", payloads: args }),
    };
    const headers = headerToJson(q.header);
    if (headers !== undefined) job.headers = headers;
    return job;
  }

  async #queryResult(
    r: QueryResult | undefined,
    taskFailure: FailureJson | undefined,
  ): Promise<WorkflowQueryResult> {
    if (r?.status === "succeeded") {
      const [answer] = await codePayloads(this.#codecs, "encode", [payloadFromJson(r.result)]);
      return create(WorkflowQueryResultSchema, {
        resultType: QueryResultType.ANSWERED,
        answer: { payloads: [answer!] },
      });
    }
    const failureJson = r?.status === "failed"
      ? r.failure
      : taskFailure ?? { message: "The workflow returned no answer to the query" };
    const failure = await codeFailure(this.#codecs, "encode", failureFromJson(failureJson));
    return create(WorkflowQueryResultSchema, {
      resultType: QueryResultType.FAILED,
      errorMessage: failure.message,
      failure,
    });
  }

  async #failTask(
    task: PollWorkflowTaskQueueResponse,
    error: unknown,
    m: WorkflowMachines | undefined,
  ): Promise<void> {
    const ids = executionOf(task);
    try {
      if (error instanceof NondeterminismError && this.#o.failWorkflowOnNondeterminism) {
        const failure = await codeFailure(
          this.#codecs,
          "encode",
          failureFromJson({
            message: error.message,
            source: SDK_NAME,
            applicationFailureInfo: { type: "NondeterminismError", nonRetryable: true },
          }),
        );
        await this.#o.workflowService.respondWorkflowTaskCompleted({
          taskToken: task.taskToken,
          namespace: this.#o.namespace,
          identity: this.#o.identity,
          commands: [create(CommandSchema, {
            commandType: CommandType.FAIL_WORKFLOW_EXECUTION,
            attributes: { case: "failWorkflowExecutionCommandAttributes", value: { failure } },
          })],
          sdkMetadata: {
            langUsedFlags: m?.takeNewFlags() ?? [],
            ...(m?.takeSdkInfo(SDK_NAME, SDK_VERSION) ?? { sdkName: SDK_NAME, sdkVersion: SDK_VERSION }),
          },
          ...this.#versionStamp(),
        });
        return;
      }
      const [failureJson, cause] = describeTaskFailure(error);
      const failure = await codeFailure(this.#codecs, "encode", failureFromJson(failureJson));
      await this.#o.workflowService.respondWorkflowTaskFailed({
        taskToken: task.taskToken,
        namespace: this.#o.namespace,
        identity: this.#o.identity,
        cause,
        failure,
        binaryChecksum: this.#o.buildId ?? "",
        workerVersion: this.#o.buildId
          ? { buildId: this.#o.buildId, useVersioning: this.#o.useVersioning === true }
          : undefined,
      });
    } catch (respondError) {
      this.#o.onError?.(respondError, ids);
    }
  }

  #versionStamp(): {
    binaryChecksum: string;
    workerVersionStamp?: { buildId: string; useVersioning: boolean };
  } {
    return this.#o.buildId
      ? {
        binaryChecksum: this.#o.buildId,
        workerVersionStamp: { buildId: this.#o.buildId, useVersioning: this.#o.useVersioning === true },
      }
      : { binaryChecksum: "" };
  }

  // ---- legacy queries -----------------------------------------------------------------------

  async #legacyQuery(task: PollWorkflowTaskQueueResponse): Promise<void> {
    const ids = executionOf(task);
    const query = task.query!;
    try {
      const m = await this.#prepare(task, true);
      await m.advance(this.#activator(), { stopAtIncompleteTask: true });
      const completion = await m.query(this.#activator(), [await this.#queryJob("legacy", query)]);
      const result = await this.#queryResult(completion.queryResults?.[0], completion.failure);
      if (completion.failure !== undefined || this.#cache.capacity === 0) this.#drop(ids.runId);
      await this.#o.workflowService.respondQueryTaskCompleted({
        taskToken: task.taskToken,
        namespace: this.#o.namespace,
        completedType: result.resultType,
        queryResult: result.answer,
        errorMessage: result.errorMessage,
        failure: result.failure,
      });
      this.#exportSpans(m);
    } catch (error) {
      this.#drop(ids.runId);
      this.#o.onError?.(error, ids);
      const [failureJson] = describeTaskFailure(error);
      try {
        await this.#o.workflowService.respondQueryTaskCompleted({
          taskToken: task.taskToken,
          namespace: this.#o.namespace,
          completedType: QueryResultType.FAILED,
          errorMessage: failureJson.message ?? "Query failed",
          failure: failureFromJson(failureJson),
        });
      } catch (respondError) {
        this.#o.onError?.(respondError, ids);
      }
    }
  }
}

/** The workflow task timeout assumed when history does not say (the server's default). */
const DEFAULT_WORKFLOW_TASK_TIMEOUT_MS = 10_000;

/** How a local activity's run on the host ended. */
type LocalActivityOutcome =
  | { la: LocalActivityMachine; result: ActivityResolution; at: number }
  | { la: LocalActivityMachine; error: unknown };

/** The first outcome to settle, or undefined once `deadline` (ms since the epoch) passes. */
async function raceDeadline(
  outcomes: Promise<LocalActivityOutcome>[],
  deadline: number,
): Promise<LocalActivityOutcome | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const expired = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), Math.max(0, deadline - Date.now()));
  });
  try {
    return await Promise.race([...outcomes, expired]);
  } finally {
    clearTimeout(timer);
  }
}

function executionOf(task: PollWorkflowTaskQueueResponse): { workflowId: string; runId: string } {
  return { workflowId: task.workflowExecution?.workflowId ?? "", runId: task.workflowExecution?.runId ?? "" };
}

/** The failure and cause to report for an error that failed a workflow task. */
export function describeTaskFailure(error: unknown): [FailureJson, WorkflowTaskFailedCause] {
  if (error instanceof NondeterminismError) {
    return [
      {
        message: error.message,
        source: SDK_NAME,
        applicationFailureInfo: { type: "NondeterminismError", nonRetryable: false },
      },
      WorkflowTaskFailedCause.NON_DETERMINISTIC_ERROR,
    ];
  }
  if (error instanceof WorkflowTaskFailedError) {
    let cause: WorkflowTaskFailedCause = WorkflowTaskFailedCause.WORKFLOW_WORKER_UNHANDLED_FAILURE;
    try {
      cause = enumValue(WorkflowTaskFailedCause, "WORKFLOW_TASK_FAILED_CAUSE_", error.causeName);
    } catch {
      // keep the default cause
    }
    return [error.failure, cause];
  }
  const e = error instanceof Error ? error : new Error(String(error));
  return [
    {
      message: e.message,
      source: SDK_NAME,
      stackTrace: e.stack ?? "",
      applicationFailureInfo: { type: e.name },
    },
    WorkflowTaskFailedCause.WORKFLOW_WORKER_UNHANDLED_FAILURE,
  ];
}
