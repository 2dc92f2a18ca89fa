/**
 * The in-isolate entry: `createRuntime(workflowModule, env)` makes one workflow run that the host
 * drives with activations (see `WorkflowRuntime` in `sandbox/protocol.ts` for the driving loop).
 *
 * @module
 */

import {
  type Activation,
  type Completion,
  type DeterministicSources,
  type LogLevel,
  PROTOCOL_VERSION,
  type RuntimeEnv,
  type WorkflowRuntime,
  type WorkflowTypes,
} from "../../protocol.ts";
import { Activator } from "./activator.ts";
import { installAsyncContext } from "./async_context.ts";
import { createScopeSlot, enterRun, type ScopeSlot, useScopeSlot } from "./context.ts";
import { errorToFailureJson } from "./converter.ts";
import { installInterceptors } from "./interceptor_chain.ts";
import { buildRegistry, describeRegistry, type WorkflowRegistry } from "./registry.ts";

export { createScopeSlot, installAsyncContext };

/** The slot of this copy's own `then` wrapper, when no host slot is given (runtime outside the isolate). */
let ownSlot: ScopeSlot | undefined;

function scopeSlotOf(env: RuntimeEnv): ScopeSlot {
  if (env.scopeSlot !== undefined) return env.scopeSlot;
  if (ownSlot === undefined) {
    const slot = createScopeSlot();
    if (!installAsyncContext(slot)) {
      throw new Error(
        "Promise.prototype is frozen and no scope slot was given: pass the slot whose then wrapper was installed before hardening as RuntimeEnv.scopeSlot",
      );
    }
    ownSlot = slot;
  }
  return ownSlot;
}

const registries = new WeakMap<object, WorkflowRegistry>();

function registryOf(workflowModule: Record<string, unknown>): WorkflowRegistry {
  let registry = registries.get(workflowModule);
  if (registry === undefined) {
    registry = buildRegistry(workflowModule);
    registries.set(workflowModule, registry);
  }
  return registry;
}

/**
 * The workflow types of a workflows module's exports (what runs of it can execute).
 *
 * @throws {TypeError} If two exports define the same workflow type (the message names both).
 * @example
 * ```ts
 * describeWorkflows(workflows); // { types: ["SayHello"], dynamic: false }
 * ```
 */
export function describeWorkflows(workflowModule: Record<string, unknown>): WorkflowTypes {
  return describeRegistry(registryOf(workflowModule));
}

/**
 * Clears the run whose code is executing and the current cancellation scope. The isolate's prelude
 * calls it at the start and end of every activation: the runtime is shared by all runs of a
 * context, so nothing of one run may stay current while another run's modules load.
 *
 * @example
 * ```ts
 * exitRun(); // before loading a new run's modules
 * ```
 */
export function exitRun(): void {
  enterRun(undefined);
}

/**
 * Creates one workflow run.
 *
 * @param workflowModule The exports of the user's workflows module.
 * @param env What the host provides (the log sink, the scope slot of its `then` wrapper).
 * @returns The run, driven by `activate` / `settle` / `conclude`.
 *
 * @example
 * ```ts
 * const run = createRuntime(workflows, { log: (record) => console.log(record.message) });
 * run.activate(activation);
 * do await drainMicrotasks(); while (run.settle());
 * const completion = run.conclude();
 * ```
 */
export function createRuntime(
  workflowModule: Record<string, unknown>,
  env: RuntimeEnv = {},
): WorkflowRuntime {
  useScopeSlot(scopeSlotOf(env));
  // The activator keeps only the log sink: the slot stays out of reach of code that finds the activator.
  const activator = new Activator(registryOf(workflowModule), env.log === undefined ? {} : { log: env.log });
  installInterceptors(activator, env.interceptorModules ?? []);
  let runId = "";

  const deterministic: DeterministicSources = {
    now: () => activator.now,
    random: () => activator.random(),
    setTimeout: (fn, ms, ...args) => {
      const timer = activator.startTimer(Number(ms ?? 0) || 0, undefined);
      timer.promise.then(() => fn(...args), () => undefined);
      return timer.seq;
    },
    clearTimeout: (id) => {
      if (typeof id !== "number") return;
      const pending = activator.pending.timer.get(id);
      if (pending === undefined) return;
      activator.pending.timer.delete(id);
      activator.pushCommand({ kind: "cancelTimer", seq: id });
    },
    log: (level: LogLevel, message: string, attrs?: Record<string, unknown>) =>
      activator.log(level, message, attrs),
  };

  return {
    protocolVersion: PROTOCOL_VERSION,
    deterministic,
    activate(activation: Activation): void {
      runId = activation.runId;
      try {
        activator.activate(activation);
      } catch (error) {
        activator.recordTaskError(error);
      }
    },
    settle(): boolean {
      enterRun(activator);
      try {
        return activator.unblockConditions() > 0;
      } catch (error) {
        activator.recordTaskError(error);
        return false;
      }
    },
    conclude(): Completion {
      enterRun(activator);
      try {
        if (activator.unblockConditions() > 0) {
          activator.recordTaskError(
            new Error(
              "The host concluded the activation before settling it: drain microtasks and call settle() until it returns false",
            ),
          );
        }
        return activator.conclude(runId);
      } catch (error) {
        return { runId, commands: [], failure: errorToFailureJson(error) };
      }
    },
    dispose(): void {
      activator.disposed = true;
      for (const map of Object.values(activator.pending)) map.clear();
      activator.conditions.clear();
      enterRun(undefined);
    },
  };
}
