/**
 * The two ambient slots of the in-isolate runtime: the run whose code is executing (set by the
 * runtime on every entry from the host; the host drives one run at a time) and the cancellation
 * scope of the code that is executing (carried across `await` by the `then` wrapper of
 * `async_context.ts`, through a slot the host hands over in `RuntimeEnv.scopeSlot`).
 *
 * @module
 */

import type { Activator } from "./activator.ts";

let currentActivator: Activator | undefined;

/**
 * Accessors of the scope slot. In the isolate the prelude creates the slot privately, wraps
 * `Promise.prototype.then` with it and hands it to `createRuntime` through `RuntimeEnv`; it is
 * never published on a global or intrinsic, so workflow code cannot reach another run's scope.
 */
export interface ScopeSlot {
  get(): unknown;
  set(value: unknown): unknown;
}

/** Creates a frozen slot (the value lives in a closure, so freezing does not freeze the slot). */
export function createScopeSlot(): ScopeSlot {
  let value: unknown;
  return Object.freeze({
    get: () => value,
    set: (next: unknown) => {
      const previous = value;
      value = next;
      return previous;
    },
  });
}

let slot: ScopeSlot = createScopeSlot();

/** Makes the runtime read and write the current scope through `scopeSlot` (the one `then` carries). */
export function useScopeSlot(scopeSlot: ScopeSlot): void {
  slot = scopeSlot;
}

/** Makes `activator` the run whose code is executing. */
export function enterRun(activator: Activator | undefined): void {
  currentActivator = activator;
  slot.set(undefined);
}

/** The run whose code is executing; throws if workflow APIs are used outside a workflow. */
export function activator(): Activator {
  const current = currentActivator;
  if (current === undefined || current.disposed) {
    throw new ReferenceError(
      "Workflow APIs can only be used inside a running workflow: call them from a workflow function, " +
        "handler or class, not at module top level",
    );
  }
  return current;
}

/** The run whose code is executing, or undefined. */
export function maybeActivator(): Activator | undefined {
  return currentActivator;
}

/** The raw scope slot (a `CancellationScope` or undefined). */
export function getScopeSlot(): unknown {
  return slot.get();
}

/** Sets the raw scope slot; returns the previous value. */
export function setScopeSlot(scope: unknown): unknown {
  return slot.set(scope);
}

const owners = new WeakMap<object, Activator | undefined>();

/** Records which run a cancellation scope belongs to. */
export function setScopeOwner(scope: object, owner: Activator | undefined): void {
  owners.set(scope, owner);
}

/** The run a cancellation scope belongs to. */
export function scopeOwner(scope: object): Activator | undefined {
  return owners.get(scope);
}
