/**
 * The two ambient slots of the in-isolate runtime: the run whose code is executing (set by the
 * runtime on every entry from the host; the host drives one run at a time) and the cancellation
 * scope of the code that is executing (carried across `await` by `async_context.ts`).
 *
 * @module
 */

import type { Activator } from "./activator.ts";

let currentActivator: Activator | undefined;

/** Accessors of the scope slot; shared through `Promise.prototype.then` (see async_context.ts). */
export interface ScopeSlot {
  get(): unknown;
  set(value: unknown): unknown;
}

/** Where the `then` wrapper publishes its slot, so every copy of this module uses the same one. */
export const SCOPE_SLOT_KEY: unique symbol = Symbol.for("sandglass.asyncContextSlot") as never;

/** Creates a slot (held in a closure, so freezing the accessor object does not freeze the slot). */
export function createScopeSlot(): ScopeSlot {
  let value: unknown;
  return {
    get: () => value,
    set: (next) => {
      const previous = value;
      value = next;
      return previous;
    },
  };
}

const localSlot = createScopeSlot();
let sharedSlot: ScopeSlot | undefined;

function slot(): ScopeSlot {
  if (sharedSlot !== undefined) return sharedSlot;
  const published =
    (Promise.prototype.then as unknown as Record<symbol, ScopeSlot | undefined>)[SCOPE_SLOT_KEY];
  if (published === undefined) return localSlot;
  sharedSlot = published;
  return published;
}

/** Makes `activator` the run whose code is executing. */
export function enterRun(activator: Activator | undefined): void {
  currentActivator = activator;
  slot().set(undefined);
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
  return slot().get();
}

/** Sets the raw scope slot; returns the previous value. */
export function setScopeSlot(scope: unknown): unknown {
  return slot().set(scope);
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
