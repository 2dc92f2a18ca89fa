/**
 * The isolate prelude: the first script evaluated in a QuickJS context. It installs the
 * deterministic globals and hardens the context, then drives workflow runs for the host through a
 * JSON-string boundary:
 *
 * ```
 * activate(activationJson) -> ""  (host drains microtasks, then calls next())
 *                          -> completionJson (finished at once, e.g. removeFromCache)
 * next()                   -> ""  (condition unblocked: drain again, call next() again)
 *                          -> completionJson
 * ```
 *
 * The SDK's workflow runtime is evaluated once per context and frozen (`install`); each run gets
 * fresh instances of the user's workflow modules (the bundle's factory is called once per run), so
 * module-level state of user code is never shared between runs.
 *
 * Bundled into the isolate (see `bundler.ts`); never imported by host code.
 * @module
 */

import type {
  Activation,
  Completion,
  DeterministicSources,
  FailureJson,
  LogRecord,
  WorkflowRuntime,
  WorkflowsDescription,
  WorkflowTypes,
} from "./protocol.ts";
import { DeterminismViolationError } from "./determinism_violation_error.ts";
import { installDeterministicGlobals } from "./globals.ts";
import { harden, hardenShared } from "./harden.ts";
import { installAsyncContext } from "./workflow/internal/async_context.ts";
import { createScopeSlot, type ScopeSlot } from "./workflow/internal/context.ts";

/**
 * The shared runtime script's namespace: evaluated once per context, frozen by `install`, and
 * used by every run (the `sandglass/workflow` imports of user code resolve to `workflow`).
 */
export interface SharedRuntime {
  createRuntime(
    workflowModule: Record<string, unknown>,
    env: {
      log?: (record: LogRecord) => void;
      scopeSlot?: ScopeSlot;
      interceptorModules?: readonly Record<string, unknown>[];
    },
  ): WorkflowRuntime;
  /** Clears the runtime's current run and scope (optional for test runtimes without ambient state). */
  exitRun?: () => void;
  /** The workflow types of a module's exports; throws if two exports define the same type. */
  describeWorkflows?: (workflowModule: Record<string, unknown>) => WorkflowTypes;
  workflow: Record<string, unknown>;
}

/** What the bundle's factory returns: fresh instances of the user's modules for one run. */
export interface WorkflowBundleExports {
  workflows: Record<string, unknown>;
  /** The workflow interceptor modules, in the worker's order (absent in bundles without any). */
  interceptors?: Record<string, unknown>[];
}

/** The prelude's entry points, called by the host with strings only. */
export interface PreludeEntry {
  install(
    runtime: SharedRuntime,
    factory: (shared: SharedRuntime) => WorkflowBundleExports,
    hostLog: (recordJson: string) => void,
  ): void;
  activate(activationJson: string): string;
  next(): string;
  dispose(runId: string): void;
  runCount(): number;
  /** Loads the user's modules once, outside any run; returns a `WorkflowsDescription` JSON. */
  describe(): string;
}

let active: DeterministicSources | undefined;
const activeSources = (): DeterministicSources => {
  if (active === undefined) {
    throw new DeterminismViolationError(
      "Workflow time, randomness, timers and logging are only available while a workflow activation runs",
    );
  }
  return active;
};

installDeterministicGlobals(globalThis, activeSources);
// Carries the current cancellation scope across awaits; must run before the intrinsics are frozen.
// The slot stays in this closure and is handed to each run's runtime: no global or intrinsic
// property leads to it, and it is cleared at the start and end of every activation.
const scopeSlot = createScopeSlot();
installAsyncContext(scopeSlot);
harden(globalThis);

const runs = new Map<string, WorkflowRuntime>();
let shared: SharedRuntime | undefined;
let factory: ((shared: SharedRuntime) => WorkflowBundleExports) | undefined;
let hostLog: ((recordJson: string) => void) | undefined;
let current: { runtime: WorkflowRuntime; runId: string } | undefined;

function failureOf(error: unknown, prefix: string): FailureJson {
  const err = error instanceof Error ? error : undefined;
  const message = err !== undefined ? err.message : String(error);
  return {
    message: `${prefix}${message}`,
    source: "TypeScriptSDK",
    stackTrace: err?.stack ?? "",
    applicationFailureInfo: { type: err?.name ?? "Error", nonRetryable: false },
  };
}

function failed(runId: string, error: unknown, prefix: string): string {
  const completion: Completion = { runId, commands: [], failure: failureOf(error, prefix) };
  return JSON.stringify(completion);
}

/** A 32-bit PRNG (mulberry32) for code that runs while the workflow module loads. */
function loadTimeRandom(seedText: string): () => number {
  let seed = 0x9e3779b9;
  for (let i = 0; i < seedText.length; i++) seed = Math.imul(seed ^ seedText.charCodeAt(i), 0x85ebca6b);
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), seed | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The sources used while a run's modules are evaluated, before its runtime exists. */
function loadTimeSources(activation: Activation): DeterministicSources {
  const start = activation.jobs.find((job) => job.kind === "startWorkflow");
  const random = loadTimeRandom(`${activation.runId}:${start?.randomnessSeed ?? ""}`);
  return {
    now: () => activation.timestamp,
    random,
    setTimeout: () => {
      throw new DeterminismViolationError(
        "setTimeout cannot be called while the workflow module loads: start timers inside the workflow function",
      );
    },
    clearTimeout: () => {},
    log: (level, message, attrs) => {
      if (activation.isReplaying || hostLog === undefined) return;
      const record: LogRecord = {
        level,
        message,
        attrs: { ...attrs, runId: activation.runId },
        timestamp: activation.timestamp,
      };
      hostLog(JSON.stringify(record));
    },
  };
}

/** Clears everything that names the current run: the sources, the runtime's run and the scope. */
function exitAll(): void {
  current = undefined;
  active = undefined;
  shared?.exitRun?.();
  scopeSlot.set(undefined);
}

function createRun(activation: Activation): WorkflowRuntime {
  if (factory === undefined || shared === undefined) {
    throw new Error("The sandbox prelude has no workflow bundle installed");
  }
  active = loadTimeSources(activation);
  const log = hostLog;
  const exports = factory(shared);
  const interceptorModules = exports.interceptors ?? [];
  const env = log === undefined
    ? { scopeSlot, interceptorModules }
    : { scopeSlot, interceptorModules, log: (record: LogRecord) => log(JSON.stringify(record)) };
  return shared.createRuntime(exports.workflows, env);
}

function activate(activationJson: string): string {
  const activation = JSON.parse(activationJson) as Activation;
  const runId = activation.runId;
  exitAll();
  if (activation.jobs.some((job) => job.kind === "removeFromCache")) {
    dispose(runId);
    return JSON.stringify({ runId, commands: [] } satisfies Completion);
  }
  let runtime = runs.get(runId);
  if (runtime === undefined) {
    if (!activation.jobs.some((job) => job.kind === "startWorkflow")) {
      return failed(
        runId,
        new Error(
          `Run '${runId}' is not in the sandbox cache; evict it and replay its history from the start`,
        ),
        "",
      );
    }
    try {
      runtime = createRun(activation);
    } catch (error) {
      exitAll();
      return failed(runId, error, "Failed to load the workflow module: ");
    }
    runs.set(runId, runtime);
  }
  current = { runtime, runId };
  active = runtime.deterministic;
  runtime.activate(activation);
  return "";
}

function next(): string {
  const run = current;
  if (run === undefined) throw new Error("next() called without an activation in progress");
  active = run.runtime.deterministic;
  if (run.runtime.settle()) return "";
  const completion = run.runtime.conclude();
  exitAll();
  return JSON.stringify(completion);
}

function dispose(runId: string): void {
  const runtime = runs.get(runId);
  if (runtime === undefined) return;
  runs.delete(runId);
  if (current?.runId === runId) current = undefined;
  active = runtime.deterministic;
  try {
    runtime.dispose();
  } finally {
    exitAll();
  }
}

/** Fixed sources for loading the modules outside a run: time 0, a fixed seed, no logs, no timers. */
const DESCRIBE_ACTIVATION: Activation = {
  runId: "sandglass-describe",
  timestamp: 0,
  isReplaying: true,
  historyLength: 0,
  jobs: [],
};

function describe(): string {
  if (factory === undefined || shared === undefined) {
    throw new Error("The sandbox prelude has no workflow bundle installed");
  }
  const describeWorkflows = shared.describeWorkflows;
  if (describeWorkflows === undefined) {
    throw new Error(
      "The bundle's runtime module has no describeWorkflows: it cannot list the workflow types",
    );
  }
  const problem = (stage: "load" | "register", error: unknown): WorkflowsDescription => ({
    ok: false,
    stage,
    message: error instanceof Error ? error.message : String(error),
    stack: error instanceof Error ? (error.stack ?? "") : "",
  });
  exitAll();
  active = loadTimeSources(DESCRIBE_ACTIVATION);
  let description: WorkflowsDescription;
  try {
    let exports: WorkflowBundleExports | undefined;
    try {
      exports = factory(shared);
    } catch (error) {
      description = problem("load", error);
    }
    if (exports !== undefined) {
      try {
        description = { ok: true, ...describeWorkflows(exports.workflows) };
      } catch (error) {
        description = problem("register", error);
      }
    }
  } finally {
    exitAll();
  }
  return JSON.stringify(description!);
}

const entry: PreludeEntry = {
  install(runtime, bundleFactory, log) {
    if (factory !== undefined) throw new Error("The sandbox prelude already has a workflow bundle");
    // Shared by every run: frozen, so no run can change what another run's code calls.
    hardenShared(runtime);
    shared = runtime;
    factory = bundleFactory;
    hostLog = log;
  },
  activate,
  next,
  dispose,
  runCount: () => runs.size,
  describe,
};

export default Object.freeze(entry);
