/**
 * The workflow sandbox host: runs workflow activations in QuickJS isolates (one WebAssembly
 * instance each) behind a data-only boundary — `activate(activation) -> completion`, `evict`,
 * `dispose`. Enforces the activation deadline and heap limit, turns faults into failed
 * completions for the run concerned, and replaces a poisoned isolate, reporting the runs it lost
 * so the worker can replay them.
 * @module
 */

import type { QuickJSWASMModule } from "quickjs-emscripten";
import type { Activation, Completion, FailureJson, LogRecord, WorkflowsDescription } from "./protocol.ts";
import { BUNDLE_LINE_OFFSET, type WorkflowBundle } from "./bundler.ts";
import { type Deadline, type DriverInfo, limitMemoryGrowth } from "./context_driver.ts";
import { DEFAULT_LIMITS, FaultKind, SandboxFault, type SandboxLimits } from "./limits.ts";
import { newQuickJSInstance } from "./quickjs_module.ts";
import { SourceMapper } from "./source_map.ts";
import type { IsolationStrategy, RunStrategy } from "./strategy.ts";
import { createContextStrategy } from "./strategy_context.ts";
import { createSharedStrategy } from "./strategy_shared.ts";

/** Options of {@linkcode createWorkflowHost}. */
export interface WorkflowHostOptions {
  /** The bundle from `bundleWorkflows`. */
  bundle: WorkflowBundle;
  /** How runs map onto QuickJS contexts. Default: `"shared"` (S2). */
  strategy?: IsolationStrategy;
  /** Resource limits; see {@linkcode SandboxLimits} for the defaults. */
  limits?: Partial<SandboxLimits>;
  /** Receives workflow log records (nothing is sent while replaying). Default: dropped. */
  log?: (record: LogRecord) => void;
  /**
   * Called when an isolate is discarded because it was poisoned; `runIds` lost their state and
   * must be evicted and replayed from the start of their history.
   */
  onPoisoned?: (event: PoisonedEvent) => void;
}

/** An isolate was discarded; its runs must be rebuilt by replay. */
export interface PoisonedEvent {
  readonly runIds: readonly string[];
  readonly reason: string;
}

/** Counters of a host. */
export interface WorkflowHostStats {
  readonly isolates: number;
  readonly runs: number;
  readonly poisonedIsolates: number;
}

interface Isolate {
  readonly module: QuickJSWASMModule;
  readonly strategy: RunStrategy;
  readonly deadline: Deadline;
  /** Set after the heap limit was hit: takes no new runs and is released once empty. */
  retiring: boolean;
}

/** Runs workflow activations in sandboxed QuickJS isolates. */
export class WorkflowHost {
  readonly #options: WorkflowHostOptions;
  readonly #limits: SandboxLimits;
  readonly #info: DriverInfo;
  readonly #isolates: Isolate[] = [];
  readonly #runIsolate = new Map<string, Isolate>();
  #creating: Promise<Isolate> | undefined;
  #poisoned = 0;
  #disposed = false;

  /** Use {@linkcode createWorkflowHost}. */
  constructor(options: WorkflowHostOptions) {
    this.#options = options;
    this.#limits = { ...DEFAULT_LIMITS, ...options.limits };
    const log = options.log;
    this.#info = {
      bundle: options.bundle,
      mapper: new SourceMapper(options.bundle.sourceMap, BUNDLE_LINE_OFFSET),
      runtimeMapper: new SourceMapper(options.bundle.runtimeSourceMap, BUNDLE_LINE_OFFSET),
      timeoutMs: this.#limits.activationTimeoutMs,
      onLog: (json) => log?.(JSON.parse(json) as LogRecord),
    };
  }

  /** The strategy runs are isolated with. */
  get strategy(): IsolationStrategy {
    return this.#options.strategy ?? "shared";
  }

  /** True if the run's state is held (its next activation continues it). */
  has(runId: string): boolean {
    return this.#runIsolate.has(runId);
  }

  /** Counters for monitoring. */
  stats(): WorkflowHostStats {
    return { isolates: this.#isolates.length, runs: this.#runIsolate.size, poisonedIsolates: this.#poisoned };
  }

  /** Bytes allocated by the interpreters of all isolates (walks the heaps; for diagnostics). */
  heapBytes(): number {
    return this.#isolates.reduce((sum, isolate) => sum + isolate.strategy.heapBytes(), 0);
  }

  /** Creates an isolate now (otherwise the first activation does). */
  async warmUp(): Promise<void> {
    if (this.#isolates.length === 0) await this.#isolateWithRoom();
  }

  async #createIsolate(): Promise<Isolate> {
    const module = await newQuickJSInstance();
    const deadline: Deadline = {
      at: Number.POSITIVE_INFINITY,
      fired: false,
      overMemory: false,
      memory: module.getWasmMemory(),
      memoryLimit: this.#limits.memoryLimitBytes,
    };
    limitMemoryGrowth(deadline);
    const init = { module, info: this.#info, limits: this.#limits, deadline };
    const strategy = this.strategy === "context" ? createContextStrategy(init) : createSharedStrategy(init);
    const isolate: Isolate = { module, strategy, deadline, retiring: false };
    this.#isolates.push(isolate);
    return isolate;
  }

  #roomIn(): Isolate | undefined {
    return this.#isolates.find((isolate) =>
      !isolate.retiring && isolate.strategy.runCount < this.#limits.maxRunsPerIsolate
    );
  }

  async #isolateWithRoom(): Promise<Isolate> {
    for (;;) {
      const room = this.#roomIn();
      if (room !== undefined) return room;
      if (this.#creating === undefined) {
        this.#creating = this.#createIsolate().finally(() => (this.#creating = undefined));
      }
      await this.#creating;
    }
  }

  /**
   * Runs one activation of a run and returns its completion. Faults of workflow code (blocking,
   * running out of memory, crashing) come back as a completion with `failure`; after any
   * completion with `failure` the run is no longer held and must be replayed from the start.
   *
   * @param activation The jobs for one run.
   * @returns The commands and query answers, or a task failure.
   * @example Start a workflow
   * ```ts
   * const completion = await host.activate({ runId, timestamp: Date.now(), isReplaying: false, historyLength: 3, jobs: [start] });
   * ```
   */
  async activate(activation: Activation): Promise<Completion> {
    if (this.#disposed) throw new Error("The workflow host is disposed; create a new one");
    const runId = activation.runId;
    const removal = activation.jobs.some((job) => job.kind === "removeFromCache");
    if (removal) {
      this.evict(runId);
      return { runId, commands: [] };
    }
    const isolate = this.#runIsolate.get(runId) ?? (await this.#isolateWithRoom());
    if (!this.#runIsolate.has(runId)) this.#runIsolate.set(runId, isolate);
    let json: string;
    try {
      json = isolate.strategy.activate(runId, JSON.stringify(activation), isolate.deadline);
    } catch (error) {
      return this.#faulted(isolate, runId, error);
    }
    const completion = this.#parse(json);
    if (completion.failure !== undefined) this.evict(runId);
    return completion;
  }

  /**
   * Loads the bundle's modules once, outside any run, and lists their workflow types: the check a
   * worker makes before it polls. A module that throws (or blocks) while loading comes back as a
   * `load` problem, two exports of one workflow type as a `register` problem.
   *
   * @example
   * ```ts
   * const description = await host.describeWorkflows();
   * if (description.ok) console.log(description.types);
   * ```
   */
  async describeWorkflows(): Promise<WorkflowsDescription> {
    if (this.#disposed) throw new Error("The workflow host is disposed; create a new one");
    const isolate = await this.#isolateWithRoom();
    const { mapper, runtimeMapper } = this.#info;
    const { filename, runtimeFilename } = this.#options.bundle;
    const map = (text: string) => runtimeMapper.rewrite(mapper.rewrite(text, filename), runtimeFilename);
    let description: WorkflowsDescription;
    try {
      description = isolate.strategy.describe(isolate.deadline);
    } catch (error) {
      const fault = error instanceof SandboxFault ? error : undefined;
      if (fault === undefined || fault.kind === FaultKind.Poisoned) {
        this.#discard(isolate, `Loading the workflow modules broke the isolate: ${String(error)}`);
      } else if (fault.kind === FaultKind.Memory) {
        isolate.retiring = true;
      }
      return {
        ok: false,
        stage: "load",
        message: fault?.message ?? String(error),
        stack: fault?.workflowStack ?? "",
      };
    }
    if (description.ok) return description;
    return { ...description, message: map(description.message), stack: map(description.stack) };
  }

  #parse(json: string): Completion {
    const completion = JSON.parse(json) as Completion;
    const { filename, runtimeFilename } = this.#options.bundle;
    if (!json.includes(filename) && !json.includes(runtimeFilename)) return completion;
    const { mapper, runtimeMapper } = this.#info;
    const map = (text: string): string =>
      runtimeMapper.rewrite(mapper.rewrite(text, filename), runtimeFilename);
    const rewrite = (failure: FailureJson | undefined): void => {
      for (let f = failure; f !== undefined; f = f.cause) {
        if (typeof f.stackTrace === "string") f.stackTrace = map(f.stackTrace);
        if (typeof f.message === "string") f.message = map(f.message);
      }
    };
    rewrite(completion.failure);
    for (const command of completion.commands) {
      if (command.kind === "failWorkflow") rewrite(command.failure);
      if (command.kind === "updateResponse" && "failure" in command.response) {
        rewrite(command.response.failure);
      }
    }
    for (const result of completion.queryResults ?? []) {
      if (result.status === "failed") rewrite(result.failure);
    }
    return completion;
  }

  #faulted(isolate: Isolate, runId: string, error: unknown): Completion {
    let fault: SandboxFault;
    if (error instanceof SandboxFault) fault = error;
    else {
      fault = new SandboxFault(
        FaultKind.Poisoned,
        `The workflow sandbox isolate failed (${
          error instanceof Error ? `${error.name}: ${error.message}` : String(error)
        }); it was discarded and its runs must be replayed`,
        "",
        { cause: error },
      );
    }
    if (fault.kind === FaultKind.Poisoned) {
      this.#evict(runId, true);
      this.#discard(isolate, fault.message);
    } else {
      // After running out of memory QuickJS may hold leaked objects: the isolate keeps serving
      // its runs but takes no new ones, and is released once empty.
      if (fault.kind === FaultKind.Memory) isolate.retiring = true;
      this.#evict(runId, fault.kind !== FaultKind.Crashed);
    }
    return {
      runId,
      commands: [],
      failure: {
        message: fault.message,
        source: "TypeScriptSDK",
        stackTrace: fault.workflowStack,
        applicationFailureInfo: {
          type: `Sandbox${fault.kind[0]!.toUpperCase()}${fault.kind.slice(1)}`,
          nonRetryable: false,
        },
      },
      failureCause: "WORKFLOW_TASK_FAILED_CAUSE_WORKFLOW_WORKER_UNHANDLED_FAILURE",
    };
  }

  #discard(isolate: Isolate, reason: string): void {
    const index = this.#isolates.indexOf(isolate);
    if (index >= 0) this.#isolates.splice(index, 1);
    const runIds: string[] = [];
    for (const [runId, owner] of this.#runIsolate) {
      if (owner === isolate) {
        runIds.push(runId);
        this.#runIsolate.delete(runId);
      }
    }
    this.#poisoned++;
    disposeQuietly(isolate);
    this.#options.onPoisoned?.({ runIds, reason });
  }

  /** Drops a run's state (e.g. on cache eviction). Unknown runs are ignored. */
  evict(runId: string): void {
    this.#evict(runId, false);
  }

  #evict(runId: string, broken: boolean): void {
    const isolate = this.#runIsolate.get(runId);
    if (isolate === undefined) return;
    this.#runIsolate.delete(runId);
    try {
      isolate.strategy.evict(runId, broken);
    } catch (error) {
      this.#discard(isolate, `Evicting run '${runId}' failed: ${String(error)}`);
      return;
    }
    if (isolate.retiring && isolate.strategy.runCount === 0) {
      const index = this.#isolates.indexOf(isolate);
      if (index >= 0) this.#isolates.splice(index, 1);
      disposeQuietly(isolate);
    }
  }

  /** Releases all isolates. */
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const isolate of this.#isolates.splice(0)) disposeQuietly(isolate);
    this.#runIsolate.clear();
  }

  /** Same as {@linkcode dispose}. */
  [Symbol.dispose](): void {
    this.dispose();
  }
}

/** Releases an isolate; a broken instance may fail (or abort) while freeing, and is dropped either way. */
function disposeQuietly(isolate: Isolate): void {
  // An isolate that ran out of memory may hold objects QuickJS leaked; freeing it would trip the
  // engine's leak assertion, so it is only dropped (the host's GC reclaims the instance).
  if (isolate.retiring) return;
  try {
    isolate.strategy.dispose();
  } catch {
    // The WebAssembly instance is unreachable after this and is reclaimed by the host's GC.
  }
}

/**
 * Creates a workflow host for a bundle and warms up its first isolate.
 *
 * @param options See {@linkcode WorkflowHostOptions}.
 * @example
 * ```ts
 * const bundle = await bundleWorkflows("./workflows.ts");
 * const host = await createWorkflowHost({ bundle });
 * const completion = await host.activate(activation);
 * host.dispose();
 * ```
 */
export async function createWorkflowHost(options: WorkflowHostOptions): Promise<WorkflowHost> {
  const host = new WorkflowHost(options);
  await host.warmUp();
  return host;
}
