/**
 * The heart of the engine for one run: applies history events in order, splits them at
 * `WorkflowTaskStarted` into activations, hands each activation to the workflow runtime, turns the
 * returned commands into state machines, and matches every command event in history against the
 * next command the workflow issued (nondeterminism detection). The same code serves new work
 * (sticky or not) and replay.
 *
 * @module
 */

import type { Command as ProtoCommand } from "../../gen/temporal/api/command/v1/message_pb.ts";
import { WorkflowTaskFailedCause } from "../../gen/temporal/api/enums/v1/failed_cause_pb.ts";
import { ContinueAsNewInitiator } from "../../gen/temporal/api/enums/v1/workflow_pb.ts";
import type { HistoryEvent } from "../../gen/temporal/api/history/v1/message_pb.ts";
import type { Message } from "../../gen/temporal/api/protocol/v1/message_pb.ts";
import type { Request as UpdateRequest } from "../../gen/temporal/api/update/v1/message_pb.ts";
import type {
  Activation,
  ActivationJob,
  Command,
  Completion,
  StartWorkflowJob,
  WorkflowSpan,
} from "../../sandbox/protocol.ts";
import {
  durationToMs,
  enumName,
  failureToJson,
  headerToJson,
  memoToJson,
  payloadsToJson,
  priorityToJson,
  retryPolicyToJson,
  searchAttributesToJson,
  timestampToMs,
} from "./convert.ts";
import { isCommandEvent, randomnessSeed } from "./history.ts";
import { ActivityMachine } from "./machines/activity.ts";
import { CancelExternalMachine } from "./machines/cancel_external.ts";
import { ChildWorkflowMachine } from "./machines/child_workflow.ts";
import { LocalActivityMachine, readLocalActivityMarker } from "./machines/local_activity.ts";
import {
  type CommandMachine,
  describeEvent,
  type EngineContext,
  type OutgoingCommand,
} from "./machines/machine.ts";
import { PatchMachine, readPatchMarker } from "./machines/patch.ts";
import { PropertiesMachine } from "./machines/properties.ts";
import { SignalExternalMachine } from "./machines/signal_external.ts";
import { TimerMachine } from "./machines/timer.ts";
import { UpdateMachine } from "./machines/update.ts";
import { WorkflowEndMachine } from "./machines/workflow_end.ts";
import { NondeterminismError } from "./nondeterminism_error.ts";
import { StaleRunError, WorkflowTaskFailedError } from "./task_errors.ts";

/** What the machines need to know about the run. */
export interface RunIdentity {
  namespace: string;
  workflowId: string;
  runId: string;
  workflowType: string;
  /** The task queue the run's tasks come from (normal queue, not sticky). */
  taskQueue: string;
}

/** Sends an activation to the workflow runtime and returns its completion. */
export type ActivateFn = (activation: Activation) => Promise<Completion>;

/** Options of {@linkcode WorkflowMachines.advance}. */
export interface AdvanceOptions {
  /**
   * The `WorkflowTaskStarted` event id of the task being processed: activations before it are
   * replays, the one at it is new work and ends the call. `undefined` replays everything in the
   * buffer (the Replayer, and legacy queries).
   */
  taskStartedEventId?: bigint;
  /** Internal flags the runtime may use in new (non-replay) work. */
  knownFlags?: readonly number[];
  /** With no target: stop before a trailing task that history has not completed (legacy queries). */
  stopAtIncompleteTask?: boolean;
  /** Build id of the worker doing the new work (`workflowInfo().currentBuildId` outside replay). */
  buildId?: string;
  /** Called right before the activation of the task's own `WorkflowTaskStarted` (to admit its messages). */
  beforeTarget?: () => void;
}

/** How {@linkcode WorkflowMachines.advance} ended. */
export type AdvanceResult =
  /** Reached the task's `WorkflowTaskStarted`; `commands()` are the new commands to send. */
  | "ready"
  /** Applied every buffered event. */
  | "exhausted";

const JOB_ORDER: Record<ActivationJob["kind"], number> = {
  startWorkflow: 0,
  notifyHasPatch: 1,
  updateRandomSeed: 2,
  signalWorkflow: 3,
  doUpdate: 3,
  fireTimer: 4,
  resolveActivity: 4,
  resolveLocalActivity: 4,
  resolveChildWorkflowStart: 4,
  resolveChildWorkflow: 4,
  resolveSignalExternal: 4,
  resolveRequestCancelExternal: 4,
  cancelWorkflow: 4,
  queryWorkflow: 5,
  removeFromCache: 6,
};

const END_KINDS = new Set<Command["kind"]>([
  "completeWorkflow",
  "failWorkflow",
  "cancelWorkflow",
  "continueAsNew",
]);
const TEMPORAL_CHANGE_VERSION = "TemporalChangeVersion";

/** The state machines and history cursor of one workflow run. */
export class WorkflowMachines implements EngineContext {
  readonly namespace: string;
  readonly workflowId: string;
  readonly runId: string;
  readonly workflowType: string;
  readonly taskQueue: string;
  replaying = true;

  /** Workflow time of the current task, ms since the epoch. */
  currentTime = 0;
  /** Id of the last event applied. */
  lastAppliedEventId = 0n;
  /** Id of the `WorkflowTaskStarted` of the last activation point. */
  lastActivationStartedId = 0n;
  /** True once a command that ends the run was issued. */
  ended = false;
  /** The start-to-close timeout of the latest workflow task scheduled, in ms (undefined until one is seen). */
  workflowTaskTimeoutMs: number | undefined;

  readonly #events: HistoryEvent[] = [];
  #lastBufferedId = 0n;
  #queue: OutgoingCommand[] = [];
  #jobs: ActivationJob[] = [];
  readonly #routes = new Map<bigint, CommandMachine>();
  readonly #timers = new Map<number, TimerMachine>();
  readonly #activities = new Map<number, ActivityMachine>();
  readonly #localActivities = new Map<number, LocalActivityMachine>();
  readonly #children = new Map<number, ChildWorkflowMachine>();
  readonly #signals = new Map<number, SignalExternalMachine>();
  readonly #updates = new Map<string, UpdateMachine>();
  /** Lang flags recorded in history (`sdkMetadata.langUsedFlags`). */
  readonly #recordedFlags = new Set<number>();
  /** The SDK name and version history last recorded (`sdkMetadata`, set only when they change). */
  #recordedSdk = { name: "", version: "" };
  /** Build id of the worker that completed the latest replayed workflow task. */
  #replayedBuildId: string | undefined;
  /** Build id of this worker (from `advance`). */
  #workerBuildId: string | undefined;
  /** Flags used in the current new task, not yet in history. */
  readonly #newFlags = new Set<number>();
  #afterPatchMarker = false;
  #historySizeBytes = 0n;
  #continueAsNewSuggested = false;
  /** Protocol messages without a command (update rejections) to send with the current task. */
  #looseMessages: Message[] = [];
  /** Spans the workflow finished in new (not replayed) activations, not yet exported. */
  #spans: WorkflowSpan[] = [];

  constructor(identity: RunIdentity) {
    this.namespace = identity.namespace;
    this.workflowId = identity.workflowId;
    this.runId = identity.runId;
    this.workflowType = identity.workflowType;
    this.taskQueue = identity.taskQueue;
  }

  /** Id of the last event received (applied or buffered). */
  get lastEventId(): bigint {
    return this.#lastBufferedId;
  }

  /**
   * Buffers new history events. Events already received are skipped; a gap (the first new event
   * is not the next id) throws {@linkcode StaleRunError}.
   */
  addEvents(events: readonly HistoryEvent[]): void {
    for (const event of events) {
      if (event.eventId <= this.#lastBufferedId) continue;
      if (event.eventId !== this.#lastBufferedId + 1n) {
        throw new StaleRunError(
          `History jumps from event ${this.#lastBufferedId} to ${event.eventId} for run '${this.runId}'`,
        );
      }
      this.#events.push(event);
      this.#lastBufferedId = event.eventId;
    }
  }

  /** Records the server's view of history size and continue-as-new suggestion for the next activation. */
  setTaskHints(hints: { historySizeBytes?: bigint; continueAsNewSuggested?: boolean }): void {
    if (hints.historySizeBytes !== undefined) this.#historySizeBytes = hints.historySizeBytes;
    if (hints.continueAsNewSuggested !== undefined) {
      this.#continueAsNewSuggested = hints.continueAsNewSuggested;
    }
  }

  /**
   * Applies buffered events, activating the runtime at each workflow task, until the task's
   * `WorkflowTaskStarted` (new work) or the end of the buffer.
   */
  async advance(activate: ActivateFn, options: AdvanceOptions = {}): Promise<AdvanceResult> {
    if (options.buildId !== undefined) this.#workerBuildId = options.buildId;
    const target = options.taskStartedEventId;
    while (this.#events.length > 0) {
      const event = this.#events[0]!;
      const a = event.attributes;
      if (a.case === "workflowTaskStartedEventAttributes") {
        const next = this.#events[1];
        const nextCase = next?.attributes.case;
        if (
          nextCase === "workflowTaskFailedEventAttributes" ||
          nextCase === "workflowTaskTimedOutEventAttributes"
        ) {
          this.#apply(event);
          continue;
        }
        const isTarget = target !== undefined && event.eventId === target;
        if (next === undefined && !isTarget && (target !== undefined || options.stopAtIncompleteTask)) {
          return "exhausted";
        }
        this.#apply(event);
        this.replaying = target === undefined || event.eventId < target;
        if (this.lastActivationStartedId !== 0n) this.#checkNoLeftoverCommands(event);
        this.lastActivationStartedId = event.eventId;
        this.currentTime = timestampToMs(event.eventTime) ?? this.currentTime;
        if (a.value.historySizeBytes > 0n) this.#historySizeBytes = a.value.historySizeBytes;
        if (a.value.suggestContinueAsNew) this.#continueAsNewSuggested = true;
        if (nextCase === "workflowTaskCompletedEventAttributes") this.#recordFlags(next!);
        this.#looseMessages = [];
        if (this.replaying) this.#lookAhead();
        else for (const la of this.#localActivities.values()) la.startIfWaiting();
        if (isTarget) options.beforeTarget?.();
        await this.#activateUntilQuiet(activate, options.knownFlags ?? []);
        if (isTarget) return "ready";
        continue;
      }
      this.#apply(event);
      if (this.#jobs.length > 0 && readLocalActivityMarker(event) !== undefined) {
        // A local activity resolved from its marker: the workflow continues within the same task,
        // and its next commands are matched against the events that follow.
        await this.#activateUntilQuiet(activate, options.knownFlags ?? []);
      }
    }
    return "exhausted";
  }

  /**
   * Runs one read-only activation of query jobs; returns the completion (commands are ignored). The
   * spans query handlers finished join the task's spans (queries are never replayed).
   */
  async query(activate: ActivateFn, jobs: ActivationJob[]): Promise<Completion> {
    const activation = this.#activation(jobs, true, []);
    activation.readOnly = { seed: randomSeed(), time: Date.now() };
    const completion = await activate(activation);
    if (completion.spans !== undefined) this.#spans.push(...completion.spans);
    return completion;
  }

  /** The commands to send for the current task, in order. */
  commands(): ProtoCommand[] {
    return this.#queue.map((c) => c.proto);
  }

  /** The protocol messages to send for the current task (update acceptances, rejections, responses). */
  messages(): Message[] {
    const carried = this.#queue.flatMap((c) => (c.message === undefined ? [] : [c.message]));
    return [...this.#looseMessages, ...carried];
  }

  /** Spans the workflow finished in this task's new activations (cleared on read): export them once the task completed. */
  takeSpans(): WorkflowSpan[] {
    const spans = this.#spans;
    this.#spans = [];
    return spans;
  }

  /** Flags the runtime used in this task that history does not hold yet (cleared on read). */
  takeNewFlags(): number[] {
    const flags = [...this.#newFlags].filter((f) => !this.#recordedFlags.has(f)).sort((x, y) => x - y);
    for (const f of flags) this.#recordedFlags.add(f);
    this.#newFlags.clear();
    return flags;
  }

  /**
   * The SDK name and version to send with a task completion: empty when history last recorded the same
   * ones, as the API asks (set on the first task and whenever they change, not on every task).
   */
  takeSdkInfo(name: string, version: string): { sdkName: string; sdkVersion: string } {
    const sdkName = name === this.#recordedSdk.name ? "" : name;
    const sdkVersion = version === this.#recordedSdk.version ? "" : version;
    this.#recordedSdk = { name, version };
    return { sdkName, sdkVersion };
  }

  /** Throws `SG1103` if the workflow issued commands that the replayed history does not hold. */
  checkReplayComplete(): void {
    const leftover = this.#queue.find((c) => !(c.machine instanceof LocalActivityMachine));
    if (leftover !== undefined) {
      throw new NondeterminismError(
        "SG1103",
        `The workflow issued ${leftover.description}, but history ended (last event ${this.lastAppliedEventId}) without it`,
      );
    }
  }

  // ---- EngineContext --------------------------------------------------------------------------

  pushJob(job: ActivationJob): void {
    this.#jobs.push(job);
  }

  route(eventId: bigint, machine: CommandMachine): void {
    this.#routes.set(eventId, machine);
  }

  enqueue(command: OutgoingCommand): void {
    this.#queue.push(command);
  }

  sendMessage(message: Message): void {
    this.#looseMessages.push(message);
  }

  dequeue(command: OutgoingCommand): boolean {
    const i = this.#queue.indexOf(command);
    if (i < 0) return false;
    this.#queue.splice(i, 1);
    return true;
  }

  /** Local activity support: the machine for `seq`, if any. */
  localActivity(seq: number): LocalActivityMachine | undefined {
    return this.#localActivities.get(seq);
  }

  /** Local activities the runtime scheduled that wait to be executed on the host. */
  pendingLocalActivities(): LocalActivityMachine[] {
    return [...this.#localActivities.values()].filter((m) => m.needsExecution());
  }

  /** Runs activations while jobs are pending (used after a local activity resolves). */
  async drainJobs(activate: ActivateFn, knownFlags: readonly number[]): Promise<void> {
    await this.#activateUntilQuiet(activate, knownFlags);
  }

  // ---- events -------------------------------------------------------------------------------

  #apply(event: HistoryEvent): void {
    this.#events.shift();
    this.lastAppliedEventId = event.eventId;
    const a = event.attributes;
    switch (a.case) {
      case "workflowTaskScheduledEventAttributes":
        this.workflowTaskTimeoutMs = durationToMs(a.value.startToCloseTimeout) ?? this.workflowTaskTimeoutMs;
        return;
      case "workflowTaskStartedEventAttributes":
      case "workflowTaskCompletedEventAttributes":
        return;
      case "workflowTaskFailedEventAttributes":
      case "workflowTaskTimedOutEventAttributes": {
        if (this.lastActivationStartedId !== 0n && a.value.startedEventId === this.lastActivationStartedId) {
          throw new StaleRunError(
            `Workflow task ${a.value.startedEventId} of run '${this.runId}' was not accepted`,
          );
        }
        if (
          a.case === "workflowTaskFailedEventAttributes" &&
          a.value.cause === WorkflowTaskFailedCause.RESET_WORKFLOW &&
          a.value.newRunId !== ""
        ) {
          this.pushJob({ kind: "updateRandomSeed", randomnessSeed: randomnessSeed(a.value.newRunId) });
        }
        return;
      }
      case "workflowExecutionStartedEventAttributes":
        this.pushJob(this.#startJob(event));
        return;
      case "workflowExecutionSignaledEventAttributes":
        this.pushJob({
          kind: "signalWorkflow",
          signalName: a.value.signalName,
          args: payloadsToJson(a.value.input),
          identity: a.value.identity,
          headers: headerToJson(a.value.header),
        });
        return;
      case "workflowExecutionCancelRequestedEventAttributes":
        this.pushJob({ kind: "cancelWorkflow", reason: a.value.cause });
        return;
      case "workflowExecutionUpdateAdmittedEventAttributes": {
        const request = a.value.request;
        if (request !== undefined) {
          UpdateMachine.admit(this, this.#updates, request, request.meta?.updateId ?? "", true);
        }
        return;
      }
      case "activityTaskStartedEventAttributes":
      case "activityTaskCompletedEventAttributes":
      case "activityTaskFailedEventAttributes":
      case "activityTaskTimedOutEventAttributes":
      case "activityTaskCanceledEventAttributes":
        this.#routeEvent(event, a.value.scheduledEventId);
        return;
      case "timerFiredEventAttributes":
        this.#routeEvent(event, a.value.startedEventId);
        return;
      case "startChildWorkflowExecutionFailedEventAttributes":
      case "childWorkflowExecutionStartedEventAttributes":
      case "childWorkflowExecutionCompletedEventAttributes":
      case "childWorkflowExecutionFailedEventAttributes":
      case "childWorkflowExecutionCanceledEventAttributes":
      case "childWorkflowExecutionTimedOutEventAttributes":
      case "childWorkflowExecutionTerminatedEventAttributes":
      case "externalWorkflowExecutionSignaledEventAttributes":
      case "signalExternalWorkflowExecutionFailedEventAttributes":
      case "externalWorkflowExecutionCancelRequestedEventAttributes":
      case "requestCancelExternalWorkflowExecutionFailedEventAttributes":
        this.#routeEvent(event, a.value.initiatedEventId);
        return;
      default:
        if (isCommandEvent(event)) this.#matchCommandEvent(event);
        // Other events (terminated, timed out, properties modified externally, options updated, ...)
        // need no action from the workflow.
    }
  }

  #routeEvent(event: HistoryEvent, target: bigint): void {
    const machine = this.#routes.get(target);
    if (machine === undefined) {
      throw new NondeterminismError(
        "SG1104",
        `History has ${
          describeEvent(event)
        } for event ${target}, which matches no command the workflow issued`,
      );
    }
    machine.handleEvent(event);
  }

  #matchCommandEvent(event: HistoryEvent): void {
    // Local activity markers match their machine by sequence number, not by queue order.
    const la = readLocalActivityMarker(event);
    if (la !== undefined) {
      const machine = this.#localActivities.get(la.seq);
      if (machine === undefined) {
        throw new NondeterminismError(
          "SG1104",
          `History has ${describeEvent(event)} for local activity seq=${la.seq} ('${la.activity_type}'), ` +
            "which the workflow did not schedule",
        );
      }
      machine.handleMarker(event, la);
      return;
    }
    const patch = readPatchMarker(event);
    for (;;) {
      const head = this.#queue.find((c) => !(c.machine instanceof LocalActivityMachine));
      if (
        head?.machine instanceof PatchMachine && head.machine.deprecated &&
        head.machine.patchId !== patch?.patchId
      ) {
        // A deprecated patch needs no marker in history.
        this.dequeue(head);
        continue;
      }
      if (
        patch !== undefined &&
        !(head?.machine instanceof PatchMachine && head.machine.patchId === patch.patchId)
      ) {
        // A patch marker whose `patched` call the code no longer makes (or made when it returned false).
        this.#afterPatchMarker = true;
        return;
      }
      if (this.#afterPatchMarker && isChangeVersionUpsert(event) && head?.event !== event.attributes.case) {
        // Older SDKs upserted `TemporalChangeVersion` after each patch marker; we do not.
        this.#afterPatchMarker = false;
        return;
      }
      this.#afterPatchMarker = patch !== undefined;
      if (head === undefined) {
        throw new NondeterminismError(
          "SG1102",
          `History has ${describeEvent(event)}, but the workflow issued no command for it`,
        );
      }
      if (head.event !== event.attributes.case) {
        throw new NondeterminismError(
          "SG1100",
          `The workflow issued ${head.description} where history has ${describeEvent(event)}`,
        );
      }
      this.dequeue(head);
      head.machine.handleCommandEvent(head, event);
      return;
    }
  }

  #checkNoLeftoverCommands(started: HistoryEvent): void {
    const leftover = this.#queue.find((c) => !(c.machine instanceof LocalActivityMachine));
    if (leftover === undefined) return;
    throw new NondeterminismError(
      "SG1103",
      `The workflow issued ${leftover.description}, but history has no event for it before ${
        describeEvent(started)
      }`,
    );
  }

  #recordFlags(completed: HistoryEvent): void {
    if (completed.attributes.case !== "workflowTaskCompletedEventAttributes") return;
    const buildId = completed.attributes.value.workerVersion?.buildId;
    if (buildId) this.#replayedBuildId = buildId;
    const metadata = completed.attributes.value.sdkMetadata;
    for (const f of metadata?.langUsedFlags ?? []) this.#recordedFlags.add(f);
    if (metadata?.sdkName) this.#recordedSdk = { ...this.#recordedSdk, name: metadata.sdkName };
    if (metadata?.sdkVersion) this.#recordedSdk = { ...this.#recordedSdk, version: metadata.sdkVersion };
  }

  /**
   * In replay, looks at the command events of the task being replayed: tells the runtime which
   * patches they hold, and admits the updates they accept (whose requests only history holds).
   */
  #lookAhead(): void {
    let i = 0;
    const first = this.#events[0];
    if (first?.attributes.case === "workflowTaskCompletedEventAttributes") i = 1;
    for (; i < this.#events.length; i++) {
      const e = this.#events[i]!;
      if (e.attributes.case === "workflowTaskStartedEventAttributes") break;
      const patch = readPatchMarker(e);
      if (patch !== undefined) this.pushJob({ kind: "notifyHasPatch", patchId: patch.patchId });
      if (e.attributes.case === "workflowExecutionUpdateAcceptedEventAttributes") {
        const a = e.attributes.value;
        if (a.acceptedRequest !== undefined) {
          UpdateMachine.admit(
            this,
            this.#updates,
            a.acceptedRequest,
            a.protocolInstanceId,
            true,
            a.acceptedRequestMessageId,
            a.acceptedRequestSequencingEventId,
          );
        }
      }
    }
  }

  #startJob(event: HistoryEvent): StartWorkflowJob {
    const a = event.attributes.case === "workflowExecutionStartedEventAttributes"
      ? event.attributes.value
      : undefined;
    if (a === undefined) throw new Error("Expected a WorkflowExecutionStarted event");
    const job: StartWorkflowJob = {
      kind: "startWorkflow",
      workflowType: a.workflowType?.name ?? this.workflowType,
      workflowId: this.workflowId,
      namespace: this.namespace,
      taskQueue: a.taskQueue?.name ?? this.taskQueue,
      args: payloadsToJson(a.input),
      randomnessSeed: randomnessSeed(a.originalExecutionRunId || this.runId),
      headers: headerToJson(a.header),
      identity: a.identity || undefined,
      firstExecutionRunId: a.firstExecutionRunId || this.runId,
      originalExecutionRunId: a.originalExecutionRunId || undefined,
      attempt: a.attempt || 1,
      startTime: timestampToMs(event.eventTime) ?? 0,
      workflowExecutionTimeoutMs: durationToMs(a.workflowExecutionTimeout),
      workflowRunTimeoutMs: durationToMs(a.workflowRunTimeout),
      workflowTaskTimeoutMs: durationToMs(a.workflowTaskTimeout),
      continuedFromExecutionRunId: a.continuedExecutionRunId || undefined,
      continuedInitiator: a.initiator === ContinueAsNewInitiator.UNSPECIFIED
        ? undefined
        : enumName(ContinueAsNewInitiator, "CONTINUE_AS_NEW_INITIATOR_", a.initiator),
      continuedFailure: a.continuedFailure === undefined ? undefined : failureToJson(a.continuedFailure),
      lastCompletionResult: a.lastCompletionResult === undefined
        ? undefined
        : payloadsToJson(a.lastCompletionResult),
      retryPolicy: retryPolicyToJson(a.retryPolicy),
      cronSchedule: a.cronSchedule || undefined,
      workflowExecutionExpirationTime: timestampToMs(a.workflowExecutionExpirationTime),
      cronScheduleToScheduleIntervalMs: durationToMs(a.firstWorkflowTaskBackoff),
      memo: memoToJson(a.memo),
      searchAttributes: searchAttributesToJson(a.searchAttributes),
      priority: priorityToJson(a.priority),
    };
    if (a.parentWorkflowExecution !== undefined) {
      job.parent = {
        namespace: a.parentWorkflowNamespace,
        workflowId: a.parentWorkflowExecution.workflowId,
        runId: a.parentWorkflowExecution.runId,
      };
    }
    if (a.rootWorkflowExecution !== undefined) {
      job.root = { workflowId: a.rootWorkflowExecution.workflowId, runId: a.rootWorkflowExecution.runId };
    }
    for (const key of Object.keys(job) as (keyof StartWorkflowJob)[]) {
      if (job[key] === undefined) delete job[key];
    }
    return job;
  }

  // ---- activations --------------------------------------------------------------------------

  #takeJobs(): ActivationJob[] {
    const jobs = this.#jobs.map((job, i) => ({ job, i }));
    this.#jobs = [];
    jobs.sort((x, y) => JOB_ORDER[x.job.kind] - JOB_ORDER[y.job.kind] || x.i - y.i);
    return jobs.map((j) => j.job);
  }

  #activation(jobs: ActivationJob[], replaying: boolean, knownFlags: readonly number[]): Activation {
    const flags = new Set(this.#recordedFlags);
    if (!replaying) { for (const f of knownFlags) flags.add(f); }
    const activation: Activation = {
      runId: this.runId,
      timestamp: this.currentTime,
      isReplaying: replaying,
      historyLength: Number(this.lastAppliedEventId),
      jobs,
    };
    if (this.#historySizeBytes > 0n) activation.historySizeBytes = Number(this.#historySizeBytes);
    if (this.#continueAsNewSuggested) activation.continueAsNewSuggested = true;
    if (flags.size > 0) activation.availableInternalFlags = [...flags].sort((x, y) => x - y);
    const buildId = replaying ? this.#replayedBuildId : this.#workerBuildId ?? this.#replayedBuildId;
    if (buildId !== undefined) activation.currentBuildId = buildId;
    // Validators run only in new activations; ids drawn there come from a seed of their own.
    if (!replaying && jobs.some((job) => job.kind === "doUpdate" && job.runValidator)) {
      activation.readOnly = { seed: randomSeed() };
    }
    return activation;
  }

  async #activateUntilQuiet(activate: ActivateFn, knownFlags: readonly number[]): Promise<void> {
    for (let round = 0; this.#jobs.length > 0; round++) {
      if (round >= 1000) {
        throw new Error(`Run '${this.runId}' kept producing jobs for 1000 activations in one task`);
      }
      const completion = await activate(this.#activation(this.#takeJobs(), this.replaying, knownFlags));
      if (completion.failure !== undefined) {
        throw new WorkflowTaskFailedError(
          completion.failure,
          completion.failureCause ?? "WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE",
        );
      }
      for (const f of completion.usedInternalFlags ?? []) {
        if (this.replaying && !this.#recordedFlags.has(f)) continue;
        this.#newFlags.add(f);
      }
      if (!this.replaying && completion.spans !== undefined) this.#spans.push(...completion.spans);
      this.#applyCommands(completion.commands);
    }
  }

  #applyCommands(commands: readonly Command[]): void {
    // A command that ends the run goes last, whatever the workflow issued after it.
    const ordered = [
      ...commands.filter((c) => !END_KINDS.has(c.kind)),
      ...commands.filter((c) => END_KINDS.has(c.kind)),
    ];
    for (const command of ordered) {
      if (this.ended) break;
      this.#applyCommand(command);
    }
  }

  #applyCommand(c: Command): void {
    switch (c.kind) {
      case "startTimer":
        this.#timers.set(c.seq, new TimerMachine(this, c));
        return;
      case "cancelTimer":
        this.#known(this.#timers, c.seq, c.kind).cancel();
        return;
      case "scheduleActivity":
        this.#activities.set(c.seq, new ActivityMachine(this, c));
        return;
      case "requestCancelActivity":
        this.#known(this.#activities, c.seq, c.kind).cancel();
        return;
      case "scheduleLocalActivity":
        this.#localActivities.set(c.seq, new LocalActivityMachine(this, c));
        return;
      case "requestCancelLocalActivity":
        this.#known(this.#localActivities, c.seq, c.kind).cancel();
        return;
      case "completeWorkflow":
      case "failWorkflow":
      case "cancelWorkflow":
      case "continueAsNew":
        new WorkflowEndMachine(this, c);
        this.ended = true;
        return;
      case "setPatchMarker":
        new PatchMachine(this, c);
        return;
      case "startChildWorkflow":
        this.#children.set(c.seq, new ChildWorkflowMachine(this, c));
        return;
      case "cancelChildWorkflow":
        this.#known(this.#children, c.seq, c.kind).cancel(c.reason);
        return;
      case "requestCancelExternal":
        new CancelExternalMachine(this, c);
        return;
      case "signalExternal":
        this.#signals.set(c.seq, new SignalExternalMachine(this, c));
        return;
      case "cancelSignalExternal":
        this.#known(this.#signals, c.seq, c.kind).cancel();
        return;
      case "upsertSearchAttributes":
      case "modifyWorkflowProperties":
        new PropertiesMachine(this, c);
        return;
      case "updateResponse": {
        const machine = this.#updates.get(c.protocolInstanceId);
        if (machine === undefined) {
          throw new Error(`Update response for unknown protocol instance '${c.protocolInstanceId}'`);
        }
        machine.respond(c.response);
        return;
      }
    }
  }

  #known<T>(map: Map<number, T>, seq: number, kind: string): T {
    const machine = map.get(seq);
    if (machine === undefined) {
      throw new NondeterminismError(
        "SG1105",
        `The workflow issued ${kind} seq=${seq} for a command it never issued`,
      );
    }
    return machine;
  }

  /** Admits an update request that arrived as a protocol message with the task. */
  admitUpdate(
    request: UpdateRequest,
    wireRequest: UpdateRequest,
    protocolInstanceId: string,
    messageId: string,
    sequencingEventId: bigint,
  ): void {
    UpdateMachine.admit(
      this,
      this.#updates,
      request,
      protocolInstanceId,
      false,
      messageId,
      sequencingEventId,
      wireRequest,
    );
  }
}

function isChangeVersionUpsert(event: HistoryEvent): boolean {
  if (event.attributes.case !== "upsertWorkflowSearchAttributesEventAttributes") return false;
  const fields = Object.keys(event.attributes.value.searchAttributes?.indexedFields ?? {});
  return fields.length === 1 && fields[0] === TEMPORAL_CHANGE_VERSION;
}

/** A fresh 64-bit seed (decimal string) for ids drawn in code that is never replayed. */
function randomSeed(): string {
  return crypto.getRandomValues(new BigUint64Array(1))[0]!.toString();
}
