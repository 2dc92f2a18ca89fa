/**
 * The activation protocol between the workflow-task engine on the host and the workflow runtime
 * inside the QuickJS isolate: an {@linkcode Activation} (jobs) goes in, a {@linkcode Completion}
 * (commands, query answers) comes out. JSON data only, no live objects; see
 * `docs/activation-protocol.md` for the semantics.
 *
 * Modelled on sdk-core's `WorkflowActivation` / `WorkflowActivationCompletion` protos, with our own
 * names. Conventions:
 * - Fields holding Temporal API messages (`temporal.api.*`: Payload, Failure, RetryPolicy,
 *   SearchAttributes, Memo, Priority, ...) carry that message's **proto3 JSON** form, so the host
 *   converts them with `fromJson`/`toJson` of the gen/ schemas (bytes are base64, int64 are
 *   strings, enums are their full names, durations are strings such as `"1.5s"`).
 * - Our own fields: durations are milliseconds (`...Ms`, numbers), instants are milliseconds since
 *   the epoch, sequence numbers are numbers, 64-bit seeds are decimal strings.
 * - Optional fields may be absent; absent and `undefined` mean the same.
 *
 * @module
 */

/** The version of this protocol; bumped on any incompatible change. */
export const PROTOCOL_VERSION = 1 as const;

// ---------------------------------------------------------------------------------------------
// Temporal API messages in proto3 JSON form
// ---------------------------------------------------------------------------------------------

/** `temporal.api.common.v1.Payload` in proto3 JSON: metadata values and data are base64. */
export interface PayloadJson {
  metadata?: Record<string, string>;
  data?: string;
}

/** `temporal.api.common.v1.Payloads` in proto3 JSON. */
export interface PayloadsJson {
  payloads?: PayloadJson[];
}

/** `temporal.api.common.v1.WorkflowExecution` in proto3 JSON. */
export interface WorkflowExecutionJson {
  workflowId?: string;
  runId?: string;
}

/** `temporal.api.failure.v1.Failure` in proto3 JSON (the fields the SDK reads and writes). */
export interface FailureJson {
  message?: string;
  source?: string;
  stackTrace?: string;
  encodedAttributes?: PayloadJson;
  cause?: FailureJson;
  applicationFailureInfo?: {
    type?: string;
    nonRetryable?: boolean;
    details?: PayloadsJson;
    nextRetryDelay?: string;
    category?: string;
  };
  timeoutFailureInfo?: { timeoutType?: string; lastHeartbeatDetails?: PayloadsJson };
  canceledFailureInfo?: { details?: PayloadsJson; identity?: string };
  terminatedFailureInfo?: { identity?: string };
  serverFailureInfo?: { nonRetryable?: boolean };
  resetWorkflowFailureInfo?: { lastHeartbeatDetails?: PayloadsJson };
  activityFailureInfo?: {
    scheduledEventId?: string;
    startedEventId?: string;
    identity?: string;
    activityType?: { name?: string };
    activityId?: string;
    retryState?: string;
  };
  childWorkflowExecutionFailureInfo?: {
    namespace?: string;
    workflowExecution?: WorkflowExecutionJson;
    workflowType?: { name?: string };
    initiatedEventId?: string;
    startedEventId?: string;
    retryState?: string;
  };
  /** Other failure infos (e.g. Nexus) pass through untouched. */
  [other: string]: unknown;
}

/** `temporal.api.common.v1.RetryPolicy` in proto3 JSON (intervals are strings such as `"1s"`). */
export interface RetryPolicyJson {
  initialInterval?: string;
  backoffCoefficient?: number;
  maximumInterval?: string;
  maximumAttempts?: number;
  nonRetryableErrorTypes?: string[];
}

/** `temporal.api.common.v1.SearchAttributes` in proto3 JSON. */
export interface SearchAttributesJson {
  indexedFields?: Record<string, PayloadJson>;
}

/** `temporal.api.common.v1.Memo` in proto3 JSON. */
export interface MemoJson {
  fields?: Record<string, PayloadJson>;
}

/** `temporal.api.common.v1.Priority` in proto3 JSON. */
export interface PriorityJson {
  priorityKey?: number;
  fairnessKey?: string;
  fairnessWeight?: number;
}

/** Headers: name to payload. */
export type HeadersJson = Record<string, PayloadJson>;

// ---------------------------------------------------------------------------------------------
// Activation (host -> isolate)
// ---------------------------------------------------------------------------------------------

/** One workflow task's worth of work for a run. */
export interface Activation {
  runId: string;
  /** Workflow time of this task, ms since the epoch (WorkflowTaskStarted event time). */
  timestamp: number;
  /** True while the jobs come from history already recorded (replay); logs are muted. */
  isReplaying: boolean;
  /** Id of the most recently processed history event. */
  historyLength: number;
  /** Size of the history in bytes so far (0 if unknown). */
  historySizeBytes?: number;
  /** The server suggests continuing as new (history too long or large). */
  continueAsNewSuggested?: boolean;
  /** Internal SDK flags (numbers) the runtime may use; see `usedInternalFlags`. */
  availableInternalFlags?: number[];
  /** Build id of the worker running this task, if any. */
  currentBuildId?: string;
  /**
   * Set by the host when the activation runs query handlers or update validators, which are never
   * replayed: a fresh 64-bit seed (decimal string) for the trace and span ids drawn there, and for
   * query activations the host's clock (ms since the epoch) for the times of spans made there.
   */
  readOnly?: ReadOnlyContext;
  jobs: ActivationJob[];
}

/** What query handlers and update validators may use that the run's replayed state must not supply. */
export interface ReadOnlyContext {
  /** 64-bit seed as a decimal string, new for each activation. */
  seed: string;
  /** The host's clock when the activation was made (query activations only). */
  time?: number;
}

/** The jobs of an activation, discriminated by `kind`. */
export type ActivationJob =
  | StartWorkflowJob
  | FireTimerJob
  | ResolveActivityJob
  | ResolveLocalActivityJob
  | ResolveChildWorkflowStartJob
  | ResolveChildWorkflowJob
  | UpdateRandomSeedJob
  | QueryWorkflowJob
  | CancelWorkflowJob
  | SignalWorkflowJob
  | NotifyHasPatchJob
  | ResolveSignalExternalJob
  | ResolveRequestCancelExternalJob
  | DoUpdateJob
  | RemoveFromCacheJob;

/** The kinds of activation job. */
export type ActivationJobKind = ActivationJob["kind"];

/** The parent or root of a workflow execution. */
export interface NamespacedWorkflowExecution {
  namespace: string;
  workflowId: string;
  runId: string;
}

/** Start the workflow function (first job of a run's first activation). */
export interface StartWorkflowJob {
  kind: "startWorkflow";
  workflowType: string;
  workflowId: string;
  namespace: string;
  taskQueue: string;
  args: PayloadJson[];
  /** 64-bit randomness seed as a decimal string. */
  randomnessSeed: string;
  headers?: HeadersJson;
  identity?: string;
  parent?: NamespacedWorkflowExecution;
  root?: WorkflowExecutionJson;
  workflowExecutionTimeoutMs?: number;
  workflowRunTimeoutMs?: number;
  workflowTaskTimeoutMs?: number;
  continuedFromExecutionRunId?: string;
  /** `temporal.api.enums.v1.ContinueAsNewInitiator` name, e.g. `"CONTINUE_AS_NEW_INITIATOR_WORKFLOW"`. */
  continuedInitiator?: string;
  continuedFailure?: FailureJson;
  lastCompletionResult?: PayloadJson[];
  firstExecutionRunId: string;
  originalExecutionRunId?: string;
  retryPolicy?: RetryPolicyJson;
  /** Attempt number, starting at 1. */
  attempt: number;
  cronSchedule?: string;
  /** Ms since the epoch. */
  workflowExecutionExpirationTime?: number;
  cronScheduleToScheduleIntervalMs?: number;
  memo?: MemoJson;
  searchAttributes?: SearchAttributesJson;
  /** Ms since the epoch. */
  startTime: number;
  priority?: PriorityJson;
}

/** A timer started with `startTimer { seq }` fired. */
export interface FireTimerJob {
  kind: "fireTimer";
  seq: number;
}

/** How an activity (or local activity) ended. */
export type ActivityResolution =
  | { status: "completed"; result?: PayloadJson }
  | { status: "failed"; failure: FailureJson }
  | { status: "cancelled"; failure: FailureJson }
  /** Local activities only: schedule a timer of `backoffMs`, then schedule the activity again with `attempt`. */
  | { status: "backoff"; attempt: number; backoffMs: number; originalScheduleTime?: number };

/** An activity scheduled with `scheduleActivity { seq }` ended. */
export interface ResolveActivityJob {
  kind: "resolveActivity";
  seq: number;
  result: ActivityResolution;
}

/** A local activity scheduled with `scheduleLocalActivity { seq }` ended. */
export interface ResolveLocalActivityJob {
  kind: "resolveLocalActivity";
  seq: number;
  result: ActivityResolution;
}

/** A child workflow started with `startChildWorkflow { seq }` started, or could not start. */
export interface ResolveChildWorkflowStartJob {
  kind: "resolveChildWorkflowStart";
  seq: number;
  result:
    | { status: "started"; runId: string }
    | {
      status: "failed";
      workflowId: string;
      workflowType: string;
      cause: "workflowAlreadyExists" | "unspecified";
    }
    | { status: "cancelled"; failure: FailureJson };
}

/** How a child workflow ended. */
export type ChildWorkflowResult =
  | { status: "completed"; result?: PayloadJson }
  | { status: "failed"; failure: FailureJson }
  | { status: "cancelled"; failure: FailureJson };

/** A started child workflow ended. */
export interface ResolveChildWorkflowJob {
  kind: "resolveChildWorkflow";
  seq: number;
  result: ChildWorkflowResult;
}

/** The randomness seed changed (e.g. after a workflow reset). */
export interface UpdateRandomSeedJob {
  kind: "updateRandomSeed";
  /** 64-bit seed as a decimal string. */
  randomnessSeed: string;
}

/** Answer a query, read-only; the answer goes to `Completion.queryResults`. */
export interface QueryWorkflowJob {
  kind: "queryWorkflow";
  queryId: string;
  queryType: string;
  args: PayloadJson[];
  headers?: HeadersJson;
}

/** Cancellation of the workflow was requested. */
export interface CancelWorkflowJob {
  kind: "cancelWorkflow";
  reason?: string;
}

/** A signal arrived. */
export interface SignalWorkflowJob {
  kind: "signalWorkflow";
  signalName: string;
  args: PayloadJson[];
  identity?: string;
  headers?: HeadersJson;
}

/** History holds a patch marker for this id: `patched(id)` returns true. */
export interface NotifyHasPatchJob {
  kind: "notifyHasPatch";
  patchId: string;
}

/** A `signalExternalWorkflow { seq }` ended; `failure` set if it failed. */
export interface ResolveSignalExternalJob {
  kind: "resolveSignalExternal";
  seq: number;
  failure?: FailureJson;
}

/** A `requestCancelExternalWorkflow { seq }` ended; `failure` set if it failed. */
export interface ResolveRequestCancelExternalJob {
  kind: "resolveRequestCancelExternal";
  seq: number;
  failure?: FailureJson;
}

/** An update request: validate (if `runValidator`), accept, run, complete. */
export interface DoUpdateJob {
  kind: "doUpdate";
  /** The update id (chosen by the caller). */
  id: string;
  /** Echoed in every `updateResponse` command. */
  protocolInstanceId: string;
  name: string;
  args: PayloadJson[];
  headers?: HeadersJson;
  identity?: string;
  /** False during replay of an update that was already accepted. */
  runValidator: boolean;
}

/** The run leaves the cache: the host disposes of the runtime; no commands are expected. */
export interface RemoveFromCacheJob {
  kind: "removeFromCache";
  message: string;
  reason?: string;
}

// ---------------------------------------------------------------------------------------------
// Completion (isolate -> host)
// ---------------------------------------------------------------------------------------------

/**
 * The outcome of an activation: the commands in the order the workflow issued them, and the
 * answers to the activation's queries. If `failure` is set the workflow TASK failed (a
 * nondeterminism or an SDK error, not a workflow failure): `commands` is empty and the host
 * responds RespondWorkflowTaskFailed.
 */
export interface Completion {
  runId: string;
  commands: Command[];
  queryResults?: QueryResult[];
  /** Internal SDK flags the runtime used in this activation (to record in history). */
  usedInternalFlags?: number[];
  failure?: FailureJson;
  /** `temporal.api.enums.v1.WorkflowTaskFailedCause` name, when `failure` has a specific cause. */
  failureCause?: string;
  /**
   * Spans that workflow code (a tracing interceptor) finished in this activation while not replaying,
   * for the worker to export once the task is completed. Absent when there are none or `failure` is set.
   */
  spans?: WorkflowSpan[];
}

/** An attribute value of a {@linkcode WorkflowSpan} (OpenTelemetry's primitive attribute values). */
export type SpanAttributeValue = string | number | boolean;

/**
 * A finished span made inside the sandbox, as data: OpenTelemetry's span fields with ids in lower-case
 * hex (trace id 32 digits, span id 16) and times in ms since the epoch (workflow time).
 */
export interface WorkflowSpan {
  name: string;
  kind: "INTERNAL" | "SERVER" | "CLIENT" | "PRODUCER" | "CONSUMER";
  traceId: string;
  spanId: string;
  /** The parent span in the same trace; absent for a root span. */
  parentSpanId?: string;
  /** W3C trace flags (1 = sampled). */
  traceFlags: number;
  /** W3C `tracestate`, serialized. */
  traceState?: string;
  startTime: number;
  endTime: number;
  attributes: Record<string, SpanAttributeValue>;
  status: { code: "UNSET" | "OK" | "ERROR"; message?: string };
  /** Timed events, e.g. `exception` with `exception.type` and `exception.message`. */
  events?: { name: string; time: number; attributes?: Record<string, SpanAttributeValue> }[];
}

/** The answer to one `queryWorkflow` job. */
export type QueryResult =
  | { queryId: string; status: "succeeded"; result: PayloadJson }
  | { queryId: string; status: "failed"; failure: FailureJson };

/** The commands a workflow emits, discriminated by `kind`. */
export type Command =
  | StartTimerCommand
  | CancelTimerCommand
  | ScheduleActivityCommand
  | RequestCancelActivityCommand
  | ScheduleLocalActivityCommand
  | RequestCancelLocalActivityCommand
  | CompleteWorkflowCommand
  | FailWorkflowCommand
  | ContinueAsNewCommand
  | CancelWorkflowCommand
  | SetPatchMarkerCommand
  | StartChildWorkflowCommand
  | CancelChildWorkflowCommand
  | RequestCancelExternalCommand
  | SignalExternalCommand
  | CancelSignalExternalCommand
  | UpsertSearchAttributesCommand
  | ModifyWorkflowPropertiesCommand
  | UpdateResponseCommand;

/** The kinds of command. */
export type CommandKind = Command["kind"];

/** `TRY_CANCEL`: request cancellation and resolve at once; `WAIT_CANCELLATION_COMPLETED`: wait for the activity to end; `ABANDON`: do not request cancellation. */
export type ActivityCancellationType = "TRY_CANCEL" | "WAIT_CANCELLATION_COMPLETED" | "ABANDON";

/** How a child is cancelled when its handle's scope is cancelled. */
export type ChildWorkflowCancellationType =
  | "ABANDON"
  | "TRY_CANCEL"
  | "WAIT_CANCELLATION_COMPLETED"
  | "WAIT_CANCELLATION_REQUESTED";

/** What the server does to a child when its parent closes. */
export type ParentClosePolicy = "TERMINATE" | "ABANDON" | "REQUEST_CANCEL";

/** Start a durable timer. Sequence numbers count per kind (timers), from 1. */
export interface StartTimerCommand {
  kind: "startTimer";
  seq: number;
  durationMs: number;
  /** User metadata: a short summary shown in UIs. */
  summary?: PayloadJson;
}

/** Cancel a timer that has not fired. */
export interface CancelTimerCommand {
  kind: "cancelTimer";
  seq: number;
}

/** Schedule an activity task. Sequence numbers count per kind (activities, shared with local activities), from 1. */
export interface ScheduleActivityCommand {
  kind: "scheduleActivity";
  seq: number;
  activityId: string;
  activityType: string;
  taskQueue: string;
  headers?: HeadersJson;
  args: PayloadJson[];
  scheduleToCloseTimeoutMs?: number;
  scheduleToStartTimeoutMs?: number;
  startToCloseTimeoutMs?: number;
  heartbeatTimeoutMs?: number;
  retryPolicy?: RetryPolicyJson;
  cancellationType: ActivityCancellationType;
  doNotEagerlyExecute: boolean;
  /** `"COMPATIBLE"` or `"DEFAULT"` (worker versioning). */
  versioningIntent?: "COMPATIBLE" | "DEFAULT";
  priority?: PriorityJson;
  summary?: PayloadJson;
}

/** Request cancellation of a scheduled activity. */
export interface RequestCancelActivityCommand {
  kind: "requestCancelActivity";
  seq: number;
}

/** Schedule a local activity (run by the host within the workflow task, recorded as a marker). */
export interface ScheduleLocalActivityCommand {
  kind: "scheduleLocalActivity";
  seq: number;
  activityId: string;
  activityType: string;
  /** Attempt number, from 1 (higher after a `backoff` resolution). */
  attempt: number;
  /** Ms since the epoch of the first attempt, set after a `backoff` resolution. */
  originalScheduleTime?: number;
  headers?: HeadersJson;
  args: PayloadJson[];
  scheduleToCloseTimeoutMs?: number;
  scheduleToStartTimeoutMs?: number;
  startToCloseTimeoutMs?: number;
  retryPolicy?: RetryPolicyJson;
  localRetryThresholdMs?: number;
  cancellationType: ActivityCancellationType;
  summary?: PayloadJson;
}

/** Request cancellation of a local activity. */
export interface RequestCancelLocalActivityCommand {
  kind: "requestCancelLocalActivity";
  seq: number;
}

/** The workflow returned. */
export interface CompleteWorkflowCommand {
  kind: "completeWorkflow";
  result?: PayloadJson;
}

/** The workflow threw: the execution fails. */
export interface FailWorkflowCommand {
  kind: "failWorkflow";
  failure: FailureJson;
}

/** The workflow continues as a new run. Absent fields mean "same as this run". */
export interface ContinueAsNewCommand {
  kind: "continueAsNew";
  workflowType?: string;
  taskQueue?: string;
  args: PayloadJson[];
  workflowRunTimeoutMs?: number;
  workflowTaskTimeoutMs?: number;
  memo?: Record<string, PayloadJson>;
  headers?: HeadersJson;
  searchAttributes?: SearchAttributesJson;
  retryPolicy?: RetryPolicyJson;
  versioningIntent?: "COMPATIBLE" | "DEFAULT";
  backoffStartIntervalMs?: number;
}

/** The workflow accepted its cancellation and ends as cancelled. */
export interface CancelWorkflowCommand {
  kind: "cancelWorkflow";
}

/** Record a patch marker (`patched` / `deprecatePatch` while not replaying). */
export interface SetPatchMarkerCommand {
  kind: "setPatchMarker";
  patchId: string;
  deprecated: boolean;
}

/** Start a child workflow. Sequence numbers count per kind (children), from 1. */
export interface StartChildWorkflowCommand {
  kind: "startChildWorkflow";
  seq: number;
  namespace: string;
  workflowId: string;
  workflowType: string;
  taskQueue: string;
  args: PayloadJson[];
  workflowExecutionTimeoutMs?: number;
  workflowRunTimeoutMs?: number;
  workflowTaskTimeoutMs?: number;
  parentClosePolicy?: ParentClosePolicy;
  /** `temporal.api.enums.v1.WorkflowIdReusePolicy` name. */
  workflowIdReusePolicy?: string;
  retryPolicy?: RetryPolicyJson;
  cronSchedule?: string;
  headers?: HeadersJson;
  memo?: Record<string, PayloadJson>;
  searchAttributes?: SearchAttributesJson;
  cancellationType: ChildWorkflowCancellationType;
  versioningIntent?: "COMPATIBLE" | "DEFAULT";
  priority?: PriorityJson;
  summary?: PayloadJson;
}

/** Cancel a child workflow (before or after it started). */
export interface CancelChildWorkflowCommand {
  kind: "cancelChildWorkflow";
  seq: number;
  reason?: string;
}

/** Request cancellation of another workflow. Sequence numbers count per kind (cancel-external), from 1. */
export interface RequestCancelExternalCommand {
  kind: "requestCancelExternal";
  seq: number;
  namespace: string;
  workflowId: string;
  runId?: string;
  reason?: string;
}

/** Signal another workflow, or a child by workflow id. Sequence numbers count per kind (signal-external), from 1. */
export interface SignalExternalCommand {
  kind: "signalExternal";
  seq: number;
  target:
    | { kind: "execution"; namespace: string; workflowId: string; runId?: string }
    | { kind: "child"; workflowId: string };
  signalName: string;
  args: PayloadJson[];
  headers?: HeadersJson;
}

/** Cancel a signal-external command that has not been resolved. */
export interface CancelSignalExternalCommand {
  kind: "cancelSignalExternal";
  seq: number;
}

/** Upsert search attributes (a payload with no data and `encoding: binary/null` removes one). */
export interface UpsertSearchAttributesCommand {
  kind: "upsertSearchAttributes";
  searchAttributes: SearchAttributesJson;
}

/** Upsert memo fields (a null payload removes one). */
export interface ModifyWorkflowPropertiesCommand {
  kind: "modifyWorkflowProperties";
  upsertedMemo: MemoJson;
}

/** Respond to an update: accepted, rejected (validator failed), or completed (handler returned or threw). */
export interface UpdateResponseCommand {
  kind: "updateResponse";
  protocolInstanceId: string;
  response:
    | { status: "accepted" }
    | { status: "rejected"; failure: FailureJson }
    | { status: "completed"; result: PayloadJson }
    /** The handler threw after acceptance: the update fails (the workflow keeps running). */
    | { status: "failed"; failure: FailureJson };
}

// ---------------------------------------------------------------------------------------------
// Runtime entry (in the isolate)
// ---------------------------------------------------------------------------------------------

/** Log levels of the workflow logger. */
export type LogLevel = "TRACE" | "DEBUG" | "INFO" | "WARN" | "ERROR";

/** One log record from workflow code (only emitted when not replaying). */
export interface LogRecord {
  level: LogLevel;
  message: string;
  /** JSON-safe attributes, including `workflowId`, `runId`, `workflowType`, `namespace`, `taskQueue`. */
  attrs: Record<string, unknown>;
  /** Workflow time of the record, ms since the epoch. */
  timestamp: number;
}

/** What the host passes to `createRuntime`. */
export interface RuntimeEnv {
  /** Sink for workflow log records (already filtered: nothing is sent while replaying). */
  log?: (record: LogRecord) => void;
  /**
   * The slot `Promise.prototype.then` carries the current cancellation scope in (the isolate's
   * prelude creates it privately and installs the wrapper with `installAsyncContext`). Default:
   * the runtime installs its own wrapper, which only works while `Promise.prototype` is not frozen.
   */
  scopeSlot?: { get(): unknown; set(value: unknown): unknown };
  /**
   * This run's instances of the worker's workflow interceptor modules (in order); the runtime calls
   * each one's `interceptors()` factory for the run. Default: none.
   */
  interceptorModules?: readonly Record<string, unknown>[];
}

/** The workflow types of a workflows module. */
export interface WorkflowTypes {
  /** The registered workflow type names, sorted. */
  types: string[];
  /** True if the module exports a dynamic workflow (it runs every other type). */
  dynamic: boolean;
}

/**
 * What loading a bundle's modules once, outside any run, tells about them: their workflow types;
 * or that a module threw while loading (`load`); or that two exports define the same workflow
 * type (`register`).
 */
export type WorkflowsDescription =
  | ({ ok: true } & WorkflowTypes)
  | { ok: false; stage: "load" | "register"; message: string; stack: string };

/**
 * The per-run sources the host installs as globals while this run is active: `Date` and
 * `Date.now()` from `now`, `Math.random` and `crypto.getRandomValues`/`crypto.randomUUID` from
 * `random`, `setTimeout`/`clearTimeout` as durable timers, and `console.*` through `log`.
 */
export interface DeterministicSources {
  /** Workflow time in ms since the epoch (the activation's timestamp). */
  now(): number;
  /** A float in [0, 1) from the run's seeded PRNG. */
  random(): number;
  /** Starts a durable timer that calls `fn(...args)` when it fires; returns its id. */
  setTimeout(fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): number;
  /** Cancels a timer started with `setTimeout` (no-op for unknown ids). */
  clearTimeout(id: number | undefined): void;
  /** Replay-aware logging (what `console.*` maps to). */
  log(level: LogLevel, message: string, attrs?: Record<string, unknown>): void;
}

/**
 * One workflow run inside the isolate. The host drives it as follows, for every activation:
 *
 * ```
 * runtime.activate(activation);
 * do drainMicrotasks(); while (runtime.settle());
 * const completion = runtime.conclude();
 * ```
 *
 * `removeFromCache` activations need no driving: call `dispose()`.
 */
export interface WorkflowRuntime {
  readonly protocolVersion: typeof PROTOCOL_VERSION;
  /** Applies the jobs (resolves promises, calls handlers, starts the workflow function). Never throws. */
  activate(activation: Activation): void;
  /**
   * Re-evaluates blocked `condition()`s after the host drained microtasks; returns true if any
   * was unblocked (the host must drain microtasks again and call `settle()` again).
   */
  settle(): boolean;
  /** Collects the commands and query answers of this activation. Never throws. */
  conclude(): Completion;
  /** The sources of the deterministic globals for this run. */
  readonly deterministic: DeterministicSources;
  /** Releases the run's state (after eviction). */
  dispose(): void;
}

// ---------------------------------------------------------------------------------------------
// Bundling requirement (for the bundler)
// ---------------------------------------------------------------------------------------------

/**
 * esbuild `supported` overrides the workflow bundle MUST be built with. Cancellation scopes (and
 * anything else bound to "the current scope") follow `await` by wrapping `Promise.prototype.then`;
 * native `await` bypasses `then`, so async functions and generators are lowered to generator-based
 * helpers that call `then`. The isolate's prelude installs the wrapper (`installAsyncContext(slot)` in
 * `sandbox/workflow/internal/async_context.ts`) before the intrinsics are frozen and passes the slot
 * to `createRuntime` as `RuntimeEnv.scopeSlot`.
 */
export const BUNDLE_SUPPORTED = {
  "async-await": false,
  "async-generator": false,
  "for-await": false,
} as const;
