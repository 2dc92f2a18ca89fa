/**
 * Strategy S2: one QuickJS runtime and context per isolate, shared by all its runs. The bundle is
 * compiled once and the SDK runtime instantiated once (frozen); each run gets fresh instances of
 * the user's modules from the bundle's factory and its own deterministic sources; the intrinsics
 * are frozen so runs cannot affect each other.
 * @module
 */

import type { QuickJSRuntime } from "quickjs-emscripten";
import { ContextDriver, type Deadline, prepareRuntime } from "./context_driver.ts";
import { heapBytes } from "./heap_bytes.ts";
import type { WorkflowsDescription } from "./protocol.ts";
import type { RunStrategy, StrategyInit } from "./strategy.ts";

/** Creates the shared-context strategy (S2). */
export function createSharedStrategy(init: StrategyInit): RunStrategy {
  const runtime: QuickJSRuntime = init.module.newRuntime();
  try {
    prepareRuntime(runtime, init.deadline, init.limits.maxStackSizeBytes);
    const driver = new ContextDriver(runtime, init.info);
    return new SharedStrategy(runtime, driver);
  } catch (error) {
    runtime.dispose();
    throw error;
  }
}

class SharedStrategy implements RunStrategy {
  readonly #runtime: QuickJSRuntime;
  readonly #driver: ContextDriver;
  readonly #runs = new Set<string>();

  constructor(runtime: QuickJSRuntime, driver: ContextDriver) {
    this.#runtime = runtime;
    this.#driver = driver;
  }

  get runCount(): number {
    return this.#runs.size;
  }

  has(runId: string): boolean {
    return this.#runs.has(runId);
  }

  activate(runId: string, activationJson: string, deadline: Deadline): string {
    this.#runs.add(runId);
    return this.#driver.drive(activationJson, deadline);
  }

  evict(runId: string): void {
    if (!this.#runs.delete(runId)) return;
    this.#driver.disposeRun(runId);
  }

  describe(deadline: Deadline): WorkflowsDescription {
    return this.#driver.describe(deadline);
  }

  heapBytes(): number {
    return heapBytes(this.#runtime);
  }

  dispose(): void {
    this.#runs.clear();
    this.#driver.dispose();
    this.#runtime.dispose();
  }
}
