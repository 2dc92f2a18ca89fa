/**
 * The isolation strategies: how runs map onto QuickJS contexts inside one isolate (one
 * WebAssembly instance). See `docs/sandbox.md` for the measurements behind the default.
 * @module
 */

import type { QuickJSWASMModule } from "quickjs-emscripten";
import type { Deadline, DriverInfo } from "./context_driver.ts";
import type { SandboxLimits } from "./limits.ts";
import type { WorkflowsDescription } from "./protocol.ts";

/**
 * - `"shared"` (S2): one context holds the compiled bundle; each run gets fresh module instances
 *   and reads the injected globals of the active run; intrinsics are frozen. Fast and small.
 * - `"context"` (S1): one QuickJS runtime and context per run, the bundle evaluated in each.
 *   Structural isolation and a per-run heap limit, at a higher cost per run.
 */
export type IsolationStrategy = "shared" | "context";

/** One strategy's state inside one isolate. */
export interface RunStrategy {
  /** Runs currently held. */
  readonly runCount: number;
  /** True if the run is held. */
  has(runId: string): boolean;
  /** Runs one activation; returns the completion JSON. Throws SandboxFault. */
  activate(runId: string, activationJson: string, deadline: Deadline): string;
  /** Drops a run; `broken` runs (interrupted, out of memory) are dropped without running their code. */
  evict(runId: string, broken?: boolean): void;
  /** Loads the user's modules once, outside any run, and lists their workflow types. Throws SandboxFault. */
  describe(deadline: Deadline): WorkflowsDescription;
  /** Bytes allocated by the interpreter (walks the heap: for diagnostics, not hot paths). */
  heapBytes(): number;
  /** Releases everything. */
  dispose(): void;
}

/** What a strategy factory receives. */
export interface StrategyInit {
  readonly module: QuickJSWASMModule;
  readonly info: DriverInfo;
  readonly limits: SandboxLimits;
  readonly deadline: Deadline;
}
