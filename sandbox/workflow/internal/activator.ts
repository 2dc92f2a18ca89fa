/**
 * The state of one workflow run inside the isolate: pending operations by kind and sequence
 * number, the commands of the current activation, handlers, conditions, patches, the PRNG and the
 * workflow info. Applies activation jobs; the public API functions drive it.
 *
 * @module
 */

import { ApplicationFailure, CancelledFailure, TemporalFailure } from "../../../common/failures.ts";
import type {
  Activation,
  ActivationJob,
  Command,
  Completion,
  DoUpdateJob,
  FailureJson,
  LogLevel,
  QueryResult,
  QueryWorkflowJob,
  ReadOnlyContext,
  RuntimeEnv,
  SignalWorkflowJob,
  StartWorkflowJob,
  WorkflowSpan,
} from "../../protocol.ts";
import { CancellationScope } from "../cancellation_scope.ts";
import {
  ContinueAsNew,
  DeterminismViolationError,
  IllegalStateError,
  isCancellation,
  isWorkflowTaskError,
} from "../errors.ts";
import type { HandlerUnfinishedPolicy, WorkflowInfo } from "../types.ts";
import { enterRun, scopeOwner, setScopeOwner, setScopeSlot } from "./context.ts";
import {
  errorToFailureJson,
  failureJsonToError,
  fromPayloadJson,
  fromPayloadsJson,
  toPayloadJson,
} from "./converter.ts";
import { runInbound, setStartHeaders, startHeaders } from "./interceptor_chain.ts";
import { createPrng, type Prng } from "./prng.ts";
import type { WorkflowEntry, WorkflowRegistry } from "./registry.ts";
import { decodeMemo, decodeSearchAttributes, retryPolicyFromJson } from "./values.ts";

/** Kinds of sequence numbers (as sdk-core counts them: local activities share the activity counter). */
export type SeqKind = "timer" | "activity" | "child" | "signalExternal" | "cancelExternal";

/** Kinds of pending completions. */
export type PendingKind =
  | "timer"
  | "activity"
  | "childStart"
  | "childResult"
  | "signalExternal"
  | "cancelExternal";

/** A pending completion: how to settle the operation's promise. */
export interface Pending {
  resolve(value: unknown): void;
  reject(error: unknown): void;
}

/** A registered handler. */
export interface HandlerEntry {
  // deno-lint-ignore no-explicit-any
  handler: (...args: any[]) => unknown;
  // deno-lint-ignore no-explicit-any
  validator?: (...args: any[]) => void;
  description?: string;
  unfinishedPolicy: HandlerUnfinishedPolicy;
}

/** A local activity asked to be retried after a durable timer. */
export class LocalActivityBackoff extends Error {
  readonly attempt: number;
  readonly backoffMs: number;
  readonly originalScheduleTime: number | undefined;
  constructor(attempt: number, backoffMs: number, originalScheduleTime: number | undefined) {
    super(`Local activity backoff of ${backoffMs} ms before attempt ${attempt}`);
    this.attempt = attempt;
    this.backoffMs = backoffMs;
    this.originalScheduleTime = originalScheduleTime;
  }
}

type MutableInfo = { -readonly [K in keyof WorkflowInfo]: WorkflowInfo[K] };

const TERMINAL_KINDS = new Set(["completeWorkflow", "failWorkflow", "continueAsNew", "cancelWorkflow"]);

/** Core's job order: start, patches, seeds, signals/updates, others, local activities, queries, eviction. */
function jobRank(job: ActivationJob): number {
  switch (job.kind) {
    case "startWorkflow":
      return 0;
    case "notifyHasPatch":
      return 1;
    case "updateRandomSeed":
      return 2;
    case "signalWorkflow":
    case "doUpdate":
      return 3;
    case "resolveLocalActivity":
      return 5;
    case "queryWorkflow":
      return 6;
    case "removeFromCache":
      return 7;
    default:
      return 4;
  }
}

/** One workflow run's state. */
export class Activator {
  readonly env: RuntimeEnv;
  readonly registry: WorkflowRegistry;
  readonly rootScope: CancellationScope;
  info!: MutableInfo;
  now = 0;
  isReplaying = false;
  disposed = false;
  random: Prng = createPrng("0");
  /**
   * The PRNG of trace and span ids (`newTraceId`/`newSpanId`): seeded from the start job's seed and
   * the run id, separate from `random` so tracing leaves the workflow's own random values alone.
   */
  get tracingRandom(): Prng {
    return this.#tracingRandom ??= createPrng(this.#tracingSeed);
  }
  /** Seed of {@linkcode Activator.tracingRandom}, which is made on first use (runs without tracing never need it). */
  #tracingSeed = "0";
  #tracingRandom: Prng | undefined;
  /** The host's read-only context of the current activation (queries, validators), if it sent one. */
  #readOnlyContext: ReadOnlyContext | undefined;
  #readOnlyRandom: Prng | undefined;
  /**
   * The PRNG of trace and span ids drawn in query handlers and update validators: seeded by the host
   * afresh for each activation that runs them, since they are never replayed; `undefined` when the
   * host sent no seed.
   */
  get readOnlyRandom(): Prng | undefined {
    const context = this.#readOnlyContext;
    if (context === undefined) return undefined;
    return this.#readOnlyRandom ??= createPrng(context.seed);
  }
  /**
   * The time to stamp on a span made now: the host's clock in a query activation that carries it,
   * else the workflow clock.
   */
  spanTime(): number {
    return this.readOnly !== undefined ? this.#readOnlyContext?.time ?? this.now : this.now;
  }
  started = false;
  completed = false;
  cancelled = false;
  /** Set while a query handler or update validator runs: commands are forbidden. */
  readOnly: string | undefined;
  taskError: unknown = undefined;
  readonly seqs: Record<SeqKind, number> = {
    timer: 0,
    activity: 0,
    child: 0,
    signalExternal: 0,
    cancelExternal: 0,
  };
  readonly pending: Record<PendingKind, Map<number, Pending>> = {
    timer: new Map(),
    activity: new Map(),
    childStart: new Map(),
    childResult: new Map(),
    signalExternal: new Map(),
    cancelExternal: new Map(),
  };
  readonly signalHandlers = new Map<string, HandlerEntry>();
  readonly queryHandlers = new Map<string, HandlerEntry>();
  readonly updateHandlers = new Map<string, HandlerEntry>();
  defaultSignalHandler: HandlerEntry | undefined;
  defaultQueryHandler: HandlerEntry | undefined;
  defaultUpdateHandler: HandlerEntry | undefined;
  readonly bufferedSignals: SignalWorkflowJob[] = [];
  readonly bufferedUpdates: DoUpdateJob[] = [];
  /** Running signal and update handlers, for `allHandlersFinished` and the unfinished-handler warning. */
  readonly runningHandlers = new Map<
    number,
    { kind: "signal" | "update"; name: string; id?: string; policy: HandlerUnfinishedPolicy }
  >();
  #handlerSeq = 0;
  readonly conditions = new Map<
    number,
    { fn: () => boolean; resolve: () => void; reject: (e: unknown) => void }
  >();
  #conditionSeq = 0;
  readonly knownPatches = new Set<string>();
  readonly patchDecisions = new Map<string, boolean>();
  readonly sentPatches = new Set<string>();
  #commands: Command[] = [];
  #queryResults: QueryResult[] = [];
  #spans: WorkflowSpan[] = [];
  #workflowEntry: WorkflowEntry | undefined;
  #instance: Record<string | symbol, unknown> | undefined;
  #startArgs: unknown[] = [];

  constructor(registry: WorkflowRegistry, env: RuntimeEnv) {
    this.registry = registry;
    this.env = env;
    this.rootScope = new CancellationScope({ parent: null, cancellable: true });
    setScopeOwner(this.rootScope, this);
  }

  /** True if `scope` belongs to this run (was created while this run was current). */
  ownsScope(scope: CancellationScope): boolean {
    return scopeOwner(scope) === this;
  }

  // ------------------------------------------------------------------------------------------
  // Commands
  // ------------------------------------------------------------------------------------------

  /** Throws if commands are forbidden now (in a query handler or an update validator). */
  assertWritable(kind: Command["kind"]): void {
    if (this.readOnly !== undefined) {
      throw new DeterminismViolationError(
        `${this.readOnly} must not change the workflow: it issued a '${kind}' command`,
      );
    }
  }

  /** Adds a command; forbidden in queries and validators; dropped after the workflow completed. */
  pushCommand(command: Command): void {
    this.assertWritable(command.kind);
    if (this.completed) return;
    this.#commands.push(command);
    if (TERMINAL_KINDS.has(command.kind)) this.completed = true;
  }

  /** The next sequence number of a kind (from 1). */
  nextSeq(kind: SeqKind): number {
    return ++this.seqs[kind];
  }

  /** Takes the pending completion of (kind, seq); throws if there is none. */
  takePending(kind: PendingKind, seq: number): Pending {
    const entry = this.pending[kind].get(seq);
    if (entry === undefined) {
      throw new IllegalStateError(
        `The activation resolves ${kind} ${seq}, which the workflow has not started or has already resolved`,
      );
    }
    this.pending[kind].delete(seq);
    return entry;
  }

  /**
   * Starts a durable timer in `scope` (no scope: not cancellable by scopes). `cancel()` cancels it
   * if it has not fired.
   */
  startTimer(
    ms: number,
    scope: CancellationScope | undefined,
    summary?: string,
  ): { promise: Promise<void>; seq: number; cancel: () => void } {
    this.assertWritable("startTimer");
    const seq = this.nextSeq("timer");
    let cancel = () => {};
    const promise = new Promise<void>((resolve, reject) => {
      if (scope?.consideredCancelled) {
        reject(scope.cancellationReason);
        return;
      }
      this.pushCommand({
        kind: "startTimer",
        seq,
        durationMs: Math.max(1, Math.round(ms)),
        ...(summary === undefined ? {} : { summary: toPayloadJson(summary) }),
      });
      let unsubscribe: () => void = () => {};
      cancel = (reason?: CancelledFailure) => {
        if (!this.pending.timer.delete(seq)) return;
        unsubscribe();
        this.pushCommand({ kind: "cancelTimer", seq });
        reject(reason ?? new CancelledFailure("Timer cancelled"));
      };
      this.pending.timer.set(seq, {
        resolve: () => {
          unsubscribe();
          resolve();
        },
        reject,
      });
      if (scope !== undefined) unsubscribe = scope.onCancel(cancel);
    });
    return { promise, seq, cancel: () => cancel() };
  }

  // ------------------------------------------------------------------------------------------
  // Activation
  // ------------------------------------------------------------------------------------------

  /** Applies an activation's jobs. Errors become the task failure returned by `conclude`. */
  activate(activation: Activation): void {
    enterRun(this);
    this.now = activation.timestamp;
    this.isReplaying = activation.isReplaying;
    this.#readOnlyContext = activation.readOnly;
    this.#readOnlyRandom = undefined;
    const jobs = [...activation.jobs].sort((a, b) => jobRank(a) - jobRank(b));
    const isQuery = jobs.length > 0 && jobs.every((job) => job.kind === "queryWorkflow");
    if (this.info !== undefined && !isQuery) {
      this.info.historyLength = activation.historyLength;
      this.info.historySize = activation.historySizeBytes ?? 0;
      this.info.continueAsNewSuggested = activation.continueAsNewSuggested ?? false;
      this.info.currentBuildId = activation.currentBuildId;
    }
    try {
      const start = jobs[0]?.kind === "startWorkflow" ? (jobs.shift() as StartWorkflowJob) : undefined;
      if (start !== undefined) this.#initialize(start, activation);
      for (const job of jobs) {
        this.#apply(job);
        if (job.kind !== "queryWorkflow") this.unblockConditions();
      }
      if (start !== undefined) {
        this.#startWorkflow();
        this.unblockConditions();
      }
    } catch (error) {
      this.recordTaskError(error);
    }
  }

  #apply(job: ActivationJob): void {
    switch (job.kind) {
      case "startWorkflow":
        throw new IllegalStateError(
          "The activation starts the workflow twice: 'startWorkflow' must be the only start job",
        );
      case "fireTimer":
        // A timer cancelled in the same activation it fired in has no pending entry.
        this.pending.timer.get(job.seq)?.resolve(undefined);
        this.pending.timer.delete(job.seq);
        return;
      case "resolveActivity":
      case "resolveLocalActivity": {
        const pending = this.takePending("activity", job.seq);
        const result = job.result;
        if (result.status === "completed") pending.resolve(fromPayloadJson(result.result));
        else if (result.status === "backoff") {
          pending.reject(
            new LocalActivityBackoff(result.attempt, result.backoffMs, result.originalScheduleTime),
          );
        } else pending.reject(failureJsonToError(result.failure));
        return;
      }
      case "resolveChildWorkflowStart": {
        const pending = this.takePending("childStart", job.seq);
        const result = job.result;
        if (result.status === "started") {
          pending.resolve(result.runId);
          return;
        }
        const child = this.pending.childResult.get(job.seq);
        this.pending.childResult.delete(job.seq);
        child?.resolve(undefined);
        if (result.status === "failed") {
          pending.reject(
            new ChildWorkflowStartError(
              `Child workflow '${result.workflowId}' of type '${result.workflowType}' could not start: ` +
                (result.cause === "workflowAlreadyExists"
                  ? "a workflow with this id is already running"
                  : "unknown cause"),
              result.workflowId,
              result.workflowType,
            ),
          );
        } else pending.reject(failureJsonToError(result.failure));
        return;
      }
      case "resolveChildWorkflow": {
        const pending = this.takePending("childResult", job.seq);
        const result = job.result;
        if (result.status === "completed") pending.resolve(fromPayloadJson(result.result));
        else pending.reject(failureJsonToError(result.failure));
        return;
      }
      case "resolveSignalExternal":
      case "resolveRequestCancelExternal": {
        const pending = this.takePending(
          job.kind === "resolveSignalExternal" ? "signalExternal" : "cancelExternal",
          job.seq,
        );
        if (job.failure === undefined) pending.resolve(undefined);
        else pending.reject(failureJsonToError(job.failure));
        return;
      }
      case "updateRandomSeed":
        this.random = createPrng(job.randomnessSeed);
        return;
      case "notifyHasPatch":
        this.knownPatches.add(job.patchId);
        return;
      case "cancelWorkflow":
        this.cancelled = true;
        this.rootScope.cancel(job.reason || "Workflow cancelled");
        return;
      case "signalWorkflow":
        this.deliverSignal(job);
        return;
      case "doUpdate":
        this.deliverUpdate(job);
        return;
      case "queryWorkflow":
        this.#answerQuery(job);
        return;
      case "removeFromCache":
        return;
    }
  }

  #initialize(job: StartWorkflowJob, activation: Activation): void {
    this.random = createPrng(job.randomnessSeed);
    this.#tracingSeed = `tracing:${job.randomnessSeed}:${activation.runId}`;
    this.#tracingRandom = undefined;
    const entry = this.registry.types.get(job.workflowType) ?? this.registry.dynamic;
    const info: MutableInfo = {
      workflowId: job.workflowId,
      runId: activation.runId,
      workflowType: job.workflowType,
      namespace: job.namespace,
      taskQueue: job.taskQueue,
      firstExecutionRunId: job.firstExecutionRunId,
      continuedFromExecutionRunId: job.continuedFromExecutionRunId || undefined,
      originalExecutionRunId: job.originalExecutionRunId || undefined,
      attempt: job.attempt,
      cronSchedule: job.cronSchedule || undefined,
      cronScheduleToScheduleIntervalMs: job.cronScheduleToScheduleIntervalMs,
      parent: job.parent,
      root: job.root === undefined
        ? undefined
        : { workflowId: job.root.workflowId ?? "", runId: job.root.runId ?? "" },
      executionTimeoutMs: job.workflowExecutionTimeoutMs,
      runTimeoutMs: job.workflowRunTimeoutMs,
      taskTimeoutMs: job.workflowTaskTimeoutMs,
      executionExpirationTime: job.workflowExecutionExpirationTime === undefined
        ? undefined
        : new Date(job.workflowExecutionExpirationTime),
      startTime: new Date(job.startTime),
      runStartTime: new Date(activation.timestamp),
      retryPolicy: job.retryPolicy === undefined ? undefined : retryPolicyFromJson(job.retryPolicy),
      searchAttributes: decodeSearchAttributes(job.searchAttributes),
      memo: decodeMemo(job.memo),
      lastResult: job.lastCompletionResult?.[0] === undefined
        ? undefined
        : fromPayloadJson(job.lastCompletionResult[0]),
      lastFailure: job.continuedFailure === undefined ? undefined : failureJsonToError(job.continuedFailure),
      priority: job.priority,
      historyLength: activation.historyLength,
      historySize: activation.historySizeBytes ?? 0,
      continueAsNewSuggested: activation.continueAsNewSuggested ?? false,
      currentBuildId: activation.currentBuildId,
      headers: job.headers ?? {},
      unsafe: { isReplaying: false, now: 0 },
    };
    this.info = info;
    if (entry === undefined) {
      const known = [...this.registry.types.keys()].sort().join("', '");
      throw new IllegalStateError(
        `Workflow type '${job.workflowType}' is not registered: the workflows module exports ['${known}']; ` +
          "export a function or a @workflow.defn class of that name",
      );
    }
    this.#workflowEntry = entry;
    setStartHeaders(this, job.headers);
    this.#startArgs = fromPayloadsJson(job.args);
    if (entry.kind === "class") this.#constructInstance(entry);
  }

  #constructInstance(entry: Extract<WorkflowEntry, { kind: "class" }>): void {
    const instance = new entry.cls();
    this.#instance = instance;
    const meta = entry.meta;
    const bind = (method: string | symbol) => {
      const fn = instance[method];
      if (typeof fn !== "function") {
        throw new TypeError(`Workflow class method '${String(method)}' is missing`);
      }
      return (fn as (...args: unknown[]) => unknown).bind(instance);
    };
    for (const s of meta.signals) {
      const handler: HandlerEntry = {
        handler: bind(s.method),
        description: s.description,
        unfinishedPolicy: s.unfinishedPolicy,
      };
      if (s.dynamic) this.defaultSignalHandler = handler;
      else this.signalHandlers.set(s.name as string, handler);
    }
    for (const q of meta.queries) {
      const handler: HandlerEntry = {
        handler: bind(q.method),
        description: q.description,
        unfinishedPolicy: "ABANDON",
      };
      if (q.dynamic) this.defaultQueryHandler = handler;
      else this.queryHandlers.set(q.name as string, handler);
    }
    for (const u of meta.updates) {
      const validator = meta.validators.find((v) => v.update === u.method);
      const handler: HandlerEntry = {
        handler: bind(u.method),
        validator: validator === undefined ? undefined : bind(validator.method),
        description: u.description,
        unfinishedPolicy: u.unfinishedPolicy,
      };
      if (u.dynamic) this.defaultUpdateHandler = handler;
      else this.updateHandlers.set(u.name as string, handler);
    }
    if (meta.init !== undefined) {
      this.withScope(this.rootScope, () => bind(meta.init as string)(...this.#startArgs));
    }
  }

  #startWorkflow(): void {
    const entry = this.#workflowEntry;
    if (entry === undefined) return;
    this.started = true;
    const args = this.#startArgs;
    let result: Promise<unknown>;
    try {
      result = this.withScope(
        this.rootScope,
        () =>
          runInbound(this, "execute", { args, headers: startHeaders(this) }, (input) => {
            try {
              if (entry.kind === "function") return Promise.resolve(entry.fn(...input.args));
              const instance = this.#instance as Record<string | symbol, unknown>;
              const runMethod = instance[entry.meta.run as string] as (...a: unknown[]) => unknown;
              return Promise.resolve(runMethod.call(instance, ...input.args));
            } catch (error) {
              return Promise.reject(error);
            }
          }),
      );
    } catch (error) {
      result = Promise.reject(error);
    }
    result.then(
      (value) => {
        this.pushCommand({ kind: "completeWorkflow", result: toPayloadJson(value) });
      },
      (error: unknown) => this.handleWorkflowFailure(error),
    );
  }

  /** Runs `fn` with `scope` as the current scope. */
  withScope<T>(scope: CancellationScope, fn: () => T): T {
    const previous = setScopeSlot(scope);
    try {
      return fn();
    } finally {
      setScopeSlot(previous);
    }
  }

  // ------------------------------------------------------------------------------------------
  // Failures
  // ------------------------------------------------------------------------------------------

  /** What an error thrown by the workflow function or a signal handler does to the run. */
  handleWorkflowFailure(error: unknown): void {
    if (this.completed) return;
    if (isWorkflowTaskError(error)) {
      this.recordTaskError(error);
    } else if (error instanceof ContinueAsNew) {
      this.pushCommand(error.command);
    } else if (this.cancelled && isCancellation(error)) {
      this.pushCommand({ kind: "cancelWorkflow" });
    } else if (error instanceof TemporalFailure) {
      this.pushCommand({ kind: "failWorkflow", failure: errorToFailureJson(error) });
    } else {
      // As in the other Temporal SDKs, an error that is not a TemporalFailure (a bug such as a TypeError)
      // fails the workflow task, not the workflow: the server retries the task, so deploying a fix lets the
      // run continue. Throw an ApplicationFailure to fail the workflow on purpose.
      this.recordTaskError(error);
    }
  }

  /** Records the first error that fails the workflow task. */
  recordTaskError(error: unknown): void {
    if (this.taskError === undefined) {
      this.taskError = error ?? new IllegalStateError("Unknown workflow task error");
    }
  }

  // ------------------------------------------------------------------------------------------
  // Signals, updates, queries
  // ------------------------------------------------------------------------------------------

  #trackHandler(
    kind: "signal" | "update",
    name: string,
    policy: HandlerUnfinishedPolicy,
    id?: string,
  ): () => void {
    const key = ++this.#handlerSeq;
    this.runningHandlers.set(key, { kind, name, id, policy });
    return () => {
      this.runningHandlers.delete(key);
    };
  }

  /** Runs a signal's handler, or buffers the signal until one is set. */
  deliverSignal(job: SignalWorkflowJob): void {
    const entry = this.signalHandlers.get(job.signalName);
    const fallback = entry === undefined ? this.defaultSignalHandler : undefined;
    if (entry === undefined && fallback === undefined) {
      this.bufferedSignals.push(job);
      return;
    }
    const args = fromPayloadsJson(job.args);
    const done = this.#trackHandler("signal", job.signalName, (entry ?? fallback)!.unfinishedPolicy);
    let result: Promise<unknown>;
    try {
      result = this.withScope(this.rootScope, () =>
        runInbound(
          this,
          "handleSignal",
          { signalName: job.signalName, args, headers: job.headers ?? {} },
          (input) => {
            try {
              return Promise.resolve(
                entry !== undefined
                  ? entry.handler(...input.args)
                  : fallback!.handler(input.signalName, ...input.args),
              ) as Promise<void>;
            } catch (error) {
              return Promise.reject(error);
            }
          },
        ));
    } catch (error) {
      result = Promise.reject(error);
    }
    result.then(done, (error: unknown) => {
      done();
      this.handleWorkflowFailure(error);
    });
  }

  /** Validates, accepts and runs an update, or buffers it until a handler is set. */
  deliverUpdate(job: DoUpdateJob): void {
    const entry = this.updateHandlers.get(job.name);
    const fallback = entry === undefined ? this.defaultUpdateHandler : undefined;
    if (entry === undefined && fallback === undefined) {
      this.bufferedUpdates.push(job);
      return;
    }
    const { protocolInstanceId } = job;
    const handler = (entry ?? fallback)!;
    let args: unknown[];
    try {
      args = fromPayloadsJson(job.args);
      if (job.runValidator) {
        const input = { updateId: job.id, updateName: job.name, args, headers: job.headers ?? {} };
        const returned: unknown = this.readOnlyCall(
          `The validator of update '${job.name}'`,
          () =>
            this.withScope(this.rootScope, () =>
              runInbound(this, "validateUpdate", input, (validated) => {
                const validator = handler.validator;
                if (validator === undefined) return;
                const result: unknown = entry !== undefined
                  ? validator(...validated.args)
                  : validator(validated.updateName, ...validated.args);
                if (result instanceof Promise) {
                  result.catch(() => undefined);
                  throw new DeterminismViolationError(
                    `The validator of update '${job.name}' must be synchronous`,
                  );
                }
              })),
        );
        if (returned instanceof Promise) {
          returned.catch(() => undefined);
          throw new DeterminismViolationError(
            `A validateUpdate interceptor returned a promise for update '${job.name}': validation must be synchronous`,
          );
        }
      }
    } catch (error) {
      if (isWorkflowTaskError(error) && !(error instanceof DeterminismViolationError)) throw error;
      this.pushCommand({
        kind: "updateResponse",
        protocolInstanceId,
        response: { status: "rejected", failure: errorToFailureJson(error) },
      });
      return;
    }
    this.pushCommand({ kind: "updateResponse", protocolInstanceId, response: { status: "accepted" } });
    const done = this.#trackHandler("update", job.name, handler.unfinishedPolicy, job.id);
    let result: Promise<unknown>;
    try {
      result = this.withScope(this.rootScope, () =>
        runInbound(
          this,
          "handleUpdate",
          { updateId: job.id, updateName: job.name, args, headers: job.headers ?? {} },
          (input) => {
            try {
              return Promise.resolve(
                entry !== undefined
                  ? entry.handler(...input.args)
                  : fallback!.handler(input.updateName, ...input.args),
              );
            } catch (error) {
              return Promise.reject(error);
            }
          },
        ));
    } catch (error) {
      result = Promise.reject(error);
    }
    result.then(
      (value) => {
        done();
        this.pushCommand({
          kind: "updateResponse",
          protocolInstanceId,
          response: { status: "completed", result: toPayloadJson(value) },
        });
      },
      (error: unknown) => {
        done();
        if (isWorkflowTaskError(error)) this.recordTaskError(error);
        else if (error instanceof ContinueAsNew) this.handleWorkflowFailure(error);
        else {
          this.pushCommand({
            kind: "updateResponse",
            protocolInstanceId,
            response: { status: "failed", failure: errorToFailureJson(error) },
          });
        }
      },
    );
  }

  /** Calls `fn` with commands forbidden. */
  readOnlyCall<T>(what: string, fn: () => T): T {
    const previous = this.readOnly;
    this.readOnly = what;
    try {
      return fn();
    } finally {
      this.readOnly = previous;
    }
  }

  #answerQuery(job: QueryWorkflowJob): void {
    const respond = (result: QueryResult) => this.#queryResults.push(result);
    const fail = (error: unknown) =>
      respond({ queryId: job.queryId, status: "failed", failure: errorToFailureJson(error) });
    try {
      const value = this.#runQuery(job);
      respond({ queryId: job.queryId, status: "succeeded", result: toPayloadJson(value) });
    } catch (error) {
      fail(error);
    }
  }

  #runQuery(job: QueryWorkflowJob): unknown {
    if (job.queryType === "__temporal_workflow_metadata") return this.#metadata();
    const entry = this.queryHandlers.get(job.queryType);
    const fallback = entry === undefined ? this.defaultQueryHandler : undefined;
    if (entry === undefined && fallback === undefined) {
      const known = [...this.queryHandlers.keys()].sort().join("', '");
      throw new ReferenceError(
        `The workflow has no handler for query '${job.queryType}'; its queries are ['${known}']`,
      );
    }
    const args = fromPayloadsJson(job.args);
    const value = this.readOnlyCall(
      `The handler of query '${job.queryType}'`,
      () =>
        this.withScope(
          this.rootScope,
          () =>
            runInbound(
              this,
              "handleQuery",
              { queryName: job.queryType, args, headers: job.headers ?? {} },
              (input) =>
                entry !== undefined
                  ? entry.handler(...input.args)
                  : fallback!.handler(input.queryName, ...input.args),
            ),
        ),
    );
    if (value instanceof Promise) {
      value.catch(() => undefined);
      throw new DeterminismViolationError(
        `The handler of query '${job.queryType}' must be synchronous, not return a promise`,
      );
    }
    return value;
  }

  #metadata(): unknown {
    const list = (handlers: Map<string, HandlerEntry>) =>
      [...handlers].map(([name, entry]) => ({
        name,
        ...(entry.description ? { description: entry.description } : {}),
      }));
    return {
      definition: {
        type: this.info?.workflowType,
        queryDefinitions: list(this.queryHandlers),
        signalDefinitions: list(this.signalHandlers),
        updateDefinitions: list(this.updateHandlers),
      },
    };
  }

  // ------------------------------------------------------------------------------------------
  // Conditions
  // ------------------------------------------------------------------------------------------

  /** Waits until `fn()` is true (checked after each job and whenever the host settles). */
  waitCondition(fn: () => boolean, scope: CancellationScope): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (scope.consideredCancelled) {
        reject(scope.cancellationReason);
        return;
      }
      const seq = ++this.#conditionSeq;
      const unsubscribe = scope.onCancel((reason) => {
        if (this.conditions.delete(seq)) reject(reason);
      });
      this.conditions.set(seq, {
        fn,
        resolve: () => {
          unsubscribe();
          resolve();
        },
        reject: (error) => {
          unsubscribe();
          reject(error);
        },
      });
    });
  }

  /** Resolves the conditions whose function is now true; returns how many. */
  unblockConditions(): number {
    let unblocked = 0;
    for (;;) {
      let progressed = false;
      for (const [seq, condition] of this.conditions) {
        let ready: boolean;
        try {
          ready = this.withScope(this.rootScope, () => Boolean(condition.fn()));
        } catch (error) {
          this.conditions.delete(seq);
          condition.reject(error);
          progressed = true;
          continue;
        }
        if (ready) {
          this.conditions.delete(seq);
          condition.resolve();
          unblocked++;
          progressed = true;
        }
      }
      if (!progressed) return unblocked;
    }
  }

  // ------------------------------------------------------------------------------------------
  // Conclusion
  // ------------------------------------------------------------------------------------------

  /** Collects this activation's commands and query answers. */
  conclude(runId: string): Completion {
    enterRun(this);
    if (this.taskError !== undefined) {
      this.#commands = [];
      this.#queryResults = [];
      this.#spans = [];
      return { runId, commands: [], failure: this.#taskFailure(this.taskError) };
    }
    for (const update of this.bufferedUpdates.splice(0)) {
      this.pushCommand({
        kind: "updateResponse",
        protocolInstanceId: update.protocolInstanceId,
        response: {
          status: "rejected",
          failure: errorToFailureJson(
            ApplicationFailure.nonRetryable(
              `The workflow has no handler for update '${update.name}'`,
              "UpdateHandlerNotFound",
            ),
          ),
        },
      });
    }
    if (this.completed) this.#warnUnfinishedHandlers();
    const completion: Completion = { runId, commands: this.#commands };
    if (this.#queryResults.length > 0) completion.queryResults = this.#queryResults;
    if (this.#spans.length > 0) completion.spans = this.#spans;
    this.#commands = [];
    this.#queryResults = [];
    this.#spans = [];
    return completion;
  }

  #taskFailure(error: unknown): FailureJson {
    const failure = errorToFailureJson(error instanceof TemporalFailure ? error : toPlainError(error));
    return failure;
  }

  #warnUnfinishedHandlers(): void {
    const warnable = [...this.runningHandlers.values()].filter((h) => h.policy === "WARN_AND_ABANDON");
    if (warnable.length === 0) return;
    this.runningHandlers.clear();
    this.log(
      "WARN",
      "The workflow finished while signal or update handlers were still running; wait for them with " +
        "'await condition(allHandlersFinished)' or set their unfinishedPolicy to 'ABANDON'",
      {
        unfinishedHandlers: warnable.map((h) => ({
          kind: h.kind,
          name: h.name,
          ...(h.id ? { id: h.id } : {}),
        })),
      },
    );
  }

  // ------------------------------------------------------------------------------------------
  // Spans and logging
  // ------------------------------------------------------------------------------------------

  /**
   * Adds a finished span to this activation's completion; dropped while replaying (it was exported
   * then), except in query handlers, which run only once, in activations marked as replaying.
   */
  exportSpan(span: WorkflowSpan): void {
    if (this.isReplaying && this.readOnly === undefined) return;
    this.#spans.push(span);
  }

  /** Replay-aware logging to the host's sink. */
  log(level: LogLevel, message: string, attrs: Record<string, unknown> = {}): void {
    if (this.isReplaying || this.env.log === undefined) return;
    const info = this.info;
    this.env.log({
      level,
      message,
      timestamp: this.now,
      attrs: {
        ...(info === undefined ? {} : {
          namespace: info.namespace,
          taskQueue: info.taskQueue,
          workflowId: info.workflowId,
          runId: info.runId,
          workflowType: info.workflowType,
        }),
        ...attrs,
      },
    });
  }
}

/** A child workflow could not start (e.g. its workflow id is taken). */
export class ChildWorkflowStartError extends Error {
  readonly workflowId: string;
  readonly workflowType: string;
  constructor(message: string, workflowId: string, workflowType: string) {
    super(message);
    this.name = "WorkflowExecutionAlreadyStartedError";
    this.workflowId = workflowId;
    this.workflowType = workflowType;
  }
}

function toPlainError(error: unknown): Error {
  if (error instanceof Error) return error as Error;
  return new Error(typeof error === "string" ? error : `Non-error thrown: ${String(error)}`);
}
