/**
 * Strategy S1: one QuickJS runtime and context per run, the prelude and bundle evaluated in each.
 * Isolation is structural (nothing is shared but the WebAssembly instance) and the heap limit
 * applies to each run; creating a run costs a context and a compile of the bundle.
 * @module
 */

import type { QuickJSRuntime } from "quickjs-emscripten";
import { ContextDriver, type Deadline, prepareRuntime } from "./context_driver.ts";
import { heapBytes } from "./heap_bytes.ts";
import type { WorkflowsDescription } from "./protocol.ts";
import type { RunStrategy, StrategyInit } from "./strategy.ts";

interface Run {
  readonly runtime: QuickJSRuntime;
  readonly driver: ContextDriver;
}

/** Creates the context-per-run strategy (S1). */
export function createContextStrategy(init: StrategyInit): RunStrategy {
  return new ContextStrategy(init);
}

class ContextStrategy implements RunStrategy {
  readonly #init: StrategyInit;
  readonly #runs = new Map<string, Run>();

  constructor(init: StrategyInit) {
    this.#init = init;
  }

  get runCount(): number {
    return this.#runs.size;
  }

  has(runId: string): boolean {
    return this.#runs.has(runId);
  }

  #create(): Run {
    const { module, info, limits, deadline } = this.#init;
    const runtime = module.newRuntime();
    try {
      prepareRuntime(runtime, deadline, limits.maxStackSizeBytes);
      return { runtime, driver: new ContextDriver(runtime, info) };
    } catch (error) {
      runtime.dispose();
      throw error;
    }
  }

  activate(runId: string, activationJson: string, deadline: Deadline): string {
    let run = this.#runs.get(runId);
    if (run === undefined) {
      run = this.#create();
      this.#runs.set(runId, run);
    }
    return run.driver.drive(activationJson, deadline);
  }

  describe(deadline: Deadline): WorkflowsDescription {
    // A context of its own, released afterwards (unless the modules broke it: see `evict`).
    const run = this.#create();
    const description = run.driver.describe(deadline);
    run.driver.dispose();
    run.runtime.dispose();
    return description;
  }

  evict(runId: string, broken = false): void {
    const run = this.#runs.get(runId);
    if (run === undefined) return;
    this.#runs.delete(runId);
    // A broken run's heap may hold objects leaked by an interrupted or failed allocation; freeing
    // it would trip QuickJS's leak assertion and abort the instance, so it is left to the isolate.
    if (broken) return;
    run.driver.disposeRun(runId);
    run.driver.dispose();
    run.runtime.dispose();
  }

  heapBytes(): number {
    let total = 0;
    for (const run of this.#runs.values()) total += heapBytes(run.runtime);
    return total;
  }

  dispose(): void {
    for (const runId of [...this.#runs.keys()]) this.evict(runId);
  }
}
