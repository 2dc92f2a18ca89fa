/**
 * Resource limits of the workflow sandbox and the faults raised when workflow code breaks them.
 * @module
 */

/** Limits applied to workflow code in the sandbox. */
export interface SandboxLimits {
  /**
   * Longest time one activation may run before the workflow task fails with "blocked".
   * Default: 2000 ms.
   */
  activationTimeoutMs: number;
  /**
   * Most bytes one isolate's WebAssembly memory may grow to (shared by all the runs it holds;
   * QuickJS cannot account memory per run). An activation whose allocations hit it fails its
   * task; the isolate then keeps serving its other runs but takes no new ones. Default: 512 MiB.
   */
  memoryLimitBytes: number;
  /** Interpreter stack limit in bytes (deep recursion fails before the host stack does). Default: 256 KiB. */
  maxStackSizeBytes: number;
  /** Most runs one isolate (one WebAssembly instance) holds before another is created. Default: 2000. */
  maxRunsPerIsolate: number;
}

/** The default {@linkcode SandboxLimits}. */
export const DEFAULT_LIMITS: Readonly<SandboxLimits> = Object.freeze({
  activationTimeoutMs: 2000,
  memoryLimitBytes: 512 * 1024 * 1024,
  maxStackSizeBytes: 256 * 1024,
  maxRunsPerIsolate: 2000,
});

/** Why an activation could not complete normally. */
export const FaultKind = {
  /** Workflow code ran past the activation deadline (infinite loop, busy wait). */
  Blocked: "blocked",
  /** The heap limit was reached. */
  Memory: "memory",
  /** Workflow or runtime code threw where the runtime should have caught it. */
  Crashed: "crashed",
  /** The isolate itself is broken (WebAssembly trap, host stack overflow); all its runs are lost. */
  Poisoned: "poisoned",
} as const;
/** Why an activation could not complete normally. */
export type FaultKind = (typeof FaultKind)[keyof typeof FaultKind];

/** An activation failed in a way the workflow runtime could not report itself. */
export class SandboxFault extends Error {
  override readonly name = "SandboxFault";
  /** What went wrong. */
  readonly kind: FaultKind;
  /** Stack trace of the workflow code, mapped to source files, if known. */
  readonly workflowStack: string;
  /**
   * @param kind What went wrong.
   * @param message Sentence-case description naming the problem and what to do.
   * @param workflowStack Stack trace of the workflow code, if known.
   */
  constructor(kind: FaultKind, message: string, workflowStack = "", options?: ErrorOptions) {
    super(message, options);
    this.kind = kind;
    this.workflowStack = workflowStack;
  }
}
