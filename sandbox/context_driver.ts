/**
 * Drives one QuickJS context that has evaluated a bundle's prelude and factory: sends an
 * activation as a JSON string, drains microtasks, loops on `next()` until the runtime concludes,
 * and classifies whatever escapes into a {@linkcode SandboxFault}.
 * @module
 */

import type { QuickJSContext, QuickJSHandle, QuickJSRuntime } from "quickjs-emscripten";
import type { WorkflowBundle } from "./bundler.ts";
import type { Completion, FailureJson, WorkflowsDescription } from "./protocol.ts";
import { FaultKind, SandboxFault } from "./limits.ts";
import type { SourceMapper } from "./source_map.ts";

/** The activation deadline shared with the runtime's interrupt handler (ms, `performance.now()` clock). */
export interface Deadline {
  at: number;
  /** Set by the interrupt handler when it stopped workflow code during this activation. */
  fired: boolean;
  /** Set when the isolate's WebAssembly memory was refused growth past `memoryLimit`. */
  overMemory: boolean;
  /** The isolate's WebAssembly memory. */
  readonly memory: WebAssembly.Memory;
  /** Most bytes the isolate's WebAssembly memory may grow to. */
  readonly memoryLimit: number;
}

/** After an interrupt, the runtime gets this long to record the failure before it is stopped again. */
const GRACE_MS = 50;

/** What the driver needs to know about the code it runs. */
export interface DriverInfo {
  readonly bundle: WorkflowBundle;
  readonly mapper: SourceMapper;
  /** Maps positions in the shared runtime script (SDK frames). */
  readonly runtimeMapper: SourceMapper;
  readonly timeoutMs: number;
  readonly onLog: (recordJson: string) => void;
}

interface ErrorShape {
  name?: string;
  message?: string;
  stack?: string;
}

/**
 * Refuses growth of an isolate's WebAssembly memory past `deadline.memoryLimit`: the allocator
 * then returns NULL and QuickJS throws "out of memory" in the code that allocated.
 */
export function limitMemoryGrowth(deadline: Deadline): void {
  const memory = deadline.memory;
  const grow = memory.grow.bind(memory);
  Object.defineProperty(memory, "grow", {
    value: (pages: number): number => {
      if (memory.buffer.byteLength + pages * 65_536 > deadline.memoryLimit) {
        deadline.overMemory = true;
        throw new RangeError("The workflow sandbox memory limit was reached");
      }
      return grow(pages);
    },
  });
}

/** Installs a runtime's interrupt handler, module loader and limits for workflow code. */
export function prepareRuntime(runtime: QuickJSRuntime, deadline: Deadline, stackLimit: number): void {
  // QuickJS's own limit catches single oversized allocations; many small ones are bounded by
  // `limitMemoryGrowth` (this build's accounting of them is incomplete: no malloc_usable_size).
  runtime.setMemoryLimit(deadline.memoryLimit);
  runtime.setMaxStackSize(stackLimit);
  runtime.setInterruptHandler(() => {
    if (performance.now() <= deadline.at) return false;
    if (!deadline.fired) {
      // An interrupt inside an async function becomes a rejection: let the runtime record it
      // (with the stack of the blocked code) before stopping it again.
      deadline.fired = true;
      deadline.at = performance.now() + GRACE_MS;
      return true;
    }
    return true;
  });
  runtime.setModuleLoader((name) => ({
    error: new Error(
      `Dynamic import('${name}') is not available in workflow code: loading code at run time would make replay nondeterministic. Import the module statically at the top of the workflow file`,
    ),
  }));
}

/** The first failure in a completion JSON whose message is exactly `message` (QuickJS's wording). */
function escapedError(completionJson: string, message: string): FailureJson | undefined {
  if (!completionJson.includes(`"${message}"`)) return undefined;
  const completion = JSON.parse(completionJson) as Completion;
  const failures: (FailureJson | undefined)[] = [completion.failure];
  for (const command of completion.commands) {
    if (command.kind === "failWorkflow") failures.push(command.failure);
    if (command.kind === "updateResponse" && "failure" in command.response) {
      failures.push(command.response.failure);
    }
  }
  for (const result of completion.queryResults ?? []) {
    if (result.status === "failed") failures.push(result.failure);
  }
  for (let f of failures) {
    for (; f !== undefined; f = f.cause) if (f.message === message) return f;
  }
  return undefined;
}

/** One context with the prelude and a bundle installed. */
export class ContextDriver {
  readonly #context: QuickJSContext;
  readonly #runtime: QuickJSRuntime;
  readonly #info: DriverInfo;
  readonly #entry: QuickJSHandle;
  readonly #activate: QuickJSHandle;
  readonly #next: QuickJSHandle;
  readonly #dispose: QuickJSHandle;

  /**
   * Evaluates the prelude, the shared runtime and the bundle's factory in a new context of `runtime`.
   * @throws {SandboxFault} If the bundle cannot be evaluated.
   */
  constructor(runtime: QuickJSRuntime, info: DriverInfo) {
    this.#runtime = runtime;
    this.#info = info;
    const context = runtime.newContext();
    this.#context = context;
    try {
      this.#entry = this.#eval(info.bundle.prelude, "sandglass-prelude.js");
      const shared = this.#eval(info.bundle.runtime, info.bundle.runtimeFilename);
      let factory: QuickJSHandle;
      try {
        factory = this.#eval(info.bundle.code, info.bundle.filename);
      } catch (error) {
        shared.dispose();
        throw error;
      }
      const log = context.newFunction("hostLog", (record) => {
        info.onLog(context.getString(record));
      });
      const install = context.getProp(this.#entry, "install");
      try {
        this.#unwrap(context.callFunction(install, context.undefined, shared, factory, log)).dispose();
      } finally {
        install.dispose();
        log.dispose();
        factory.dispose();
        shared.dispose();
      }
      this.#activate = context.getProp(this.#entry, "activate");
      this.#next = context.getProp(this.#entry, "next");
      this.#dispose = context.getProp(this.#entry, "dispose");
    } catch (error) {
      context.dispose();
      throw error;
    }
  }

  #eval(code: string, filename: string): QuickJSHandle {
    return this.#unwrap(this.#context.evalCode(code, filename, { type: "global", strict: true }));
  }

  #unwrap(result: { error?: QuickJSHandle; value?: QuickJSHandle }): QuickJSHandle {
    if (result.error !== undefined) {
      const shape = this.#errorShape(result.error);
      result.error.dispose();
      throw this.#fault(shape);
    }
    return result.value!;
  }

  #errorShape(handle: QuickJSHandle): ErrorShape {
    const dumped = this.#context.dump(handle) as unknown;
    if (typeof dumped === "object" && dumped !== null) return dumped as ErrorShape;
    return { message: String(dumped) };
  }

  #fault(shape: ErrorShape): SandboxFault {
    const { bundle, mapper, runtimeMapper, timeoutMs } = this.#info;
    const stack = runtimeMapper.rewrite(
      mapper.rewrite(shape.stack ?? "", bundle.filename),
      bundle.runtimeFilename,
    );
    const where = /([^\s()]+\.[A-Za-z]+:\d+)(?::\d+)?/.exec(
      stack.split("\n").find((line) => !line.includes("sandglass-prelude.js") && /:\d+/.test(line)) ?? "",
    )?.[1];
    const message = this.#deadline?.overMemory ? "out of memory" : (shape.message ?? "");
    if (shape.name === "InternalError" && message === "interrupted") {
      return new SandboxFault(
        FaultKind.Blocked,
        `Workflow code blocked for ${timeoutMs} ms${
          where === undefined ? "" : ` in ${where}`
        }: an activation must not loop or wait synchronously; use timers or conditions instead`,
        stack,
      );
    }
    if (/out of memory/i.test(message)) {
      return new SandboxFault(
        FaultKind.Memory,
        `Workflow code ran out of memory${
          where === undefined ? "" : ` in ${where}`
        }: the sandbox heap limit was reached; keep large data out of workflow state`,
        stack,
      );
    }
    return new SandboxFault(
      FaultKind.Crashed,
      `Workflow code threw outside the workflow runtime: ${shape.name ?? "Error"}: ${message}`,
      stack,
    );
  }

  #call(fn: QuickJSHandle, arg?: string): string {
    const context = this.#context;
    let result;
    if (arg === undefined) result = context.callFunction(fn, context.undefined);
    else {
      const argHandle = context.newString(arg);
      try {
        result = context.callFunction(fn, context.undefined, argHandle);
      } finally {
        argHandle.dispose();
      }
    }
    const value = this.#unwrap(result);
    try {
      return context.getString(value);
    } finally {
      value.dispose();
    }
  }

  #drain(): void {
    const result = this.#runtime.executePendingJobs(-1);
    if (result.error !== undefined) {
      const dumped = result.error.context.dump(result.error) as ErrorShape;
      result.error.dispose();
      throw this.#fault(typeof dumped === "object" && dumped !== null ? dumped : { message: String(dumped) });
    }
  }

  /**
   * Runs one activation to its completion JSON.
   * @throws {SandboxFault} When workflow code blocks, runs out of memory or throws past the runtime.
   */
  #deadline: Deadline | undefined;

  drive(activationJson: string, deadline: Deadline): string {
    this.#deadline = deadline;
    deadline.fired = false;
    deadline.overMemory = false;
    deadline.at = performance.now() + this.#info.timeoutMs;
    try {
      let out = this.#call(this.#activate, activationJson);
      while (out === "") {
        this.#drain();
        if (performance.now() > deadline.at) {
          throw this.#fault({ name: "InternalError", message: "interrupted" });
        }
        out = this.#call(this.#next);
      }
      // An interrupt or a failed allocation inside async code becomes an ordinary rejection that
      // the runtime may report as a workflow failure; it is a task failure instead (not replayable).
      const blocked = deadline.fired && !deadline.overMemory;
      const escaped = escapedError(out, blocked ? "interrupted" : "out of memory");
      if (blocked || deadline.overMemory || escaped !== undefined) {
        throw this.#fault({
          name: "InternalError",
          message: blocked ? "interrupted" : "out of memory",
          stack: escaped?.stackTrace ?? "",
        });
      }
      return out;
    } finally {
      deadline.at = Number.POSITIVE_INFINITY;
    }
  }

  /**
   * Loads the user's modules once, outside any run, under the activation deadline, and lists
   * their workflow types (see the prelude's `describe`).
   * @throws {SandboxFault} When the modules block, run out of memory or break the context.
   */
  describe(deadline: Deadline): WorkflowsDescription {
    this.#deadline = deadline;
    deadline.fired = false;
    deadline.overMemory = false;
    deadline.at = performance.now() + this.#info.timeoutMs;
    const describe = this.#context.getProp(this.#entry, "describe");
    try {
      const json = this.#call(describe);
      this.#drain();
      if (deadline.fired || deadline.overMemory) {
        throw this.#fault({
          name: "InternalError",
          message: deadline.overMemory ? "out of memory" : "interrupted",
        });
      }
      return JSON.parse(json) as WorkflowsDescription;
    } finally {
      describe.dispose();
      deadline.at = Number.POSITIVE_INFINITY;
    }
  }

  /** Drops a run from this context (errors while disposing are ignored: the run is gone either way). */
  disposeRun(runId: string): void {
    try {
      this.#call(this.#dispose, runId);
      this.#drain();
    } catch {
      // The run's state may be broken (it was interrupted); its objects are released with it.
    }
  }

  /** Releases the context. */
  dispose(): void {
    if (!this.#context.alive) return;
    for (const handle of [this.#activate, this.#next, this.#dispose, this.#entry]) {
      if (handle.alive) handle.dispose();
    }
    this.#context.dispose();
  }
}
