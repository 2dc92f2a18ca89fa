/**
 * Carries the current cancellation scope across `await`: `Promise.prototype.then` is wrapped so a
 * callback runs with the scope that was current when it was registered. Native `await` does not
 * call `then`, so the workflow bundle lowers async functions to generator helpers that do (see
 * `BUNDLE_SUPPORTED` in `sandbox/protocol.ts`).
 *
 * The slot is private to whoever installs the wrapper: in the isolate the prelude creates it,
 * installs the wrapper before the intrinsics are frozen and hands the slot to the runtime through
 * `RuntimeEnv.scopeSlot`. Nothing is published on the wrapper or any other reachable object, so
 * workflow code can neither read another run's scope nor plant one for it.
 *
 * @module
 */

import type { ScopeSlot } from "./context.ts";

type Callback = ((value: unknown) => unknown) | null | undefined;

/**
 * Wraps `Promise.prototype.then` so callbacks run with the scope held in `slot` when they were
 * registered. Call it once per realm, before the intrinsics are frozen.
 *
 * @param slot The slot the runtime reads the current scope from (see `createScopeSlot`).
 * @returns true if the wrapper is installed, false if `Promise.prototype` is already frozen.
 *
 * @example
 * ```ts
 * const scopeSlot = createScopeSlot();
 * installAsyncContext(scopeSlot); // in the isolate's prelude, before hardening
 * createRuntime(workflows, { scopeSlot });
 * ```
 */
export function installAsyncContext(slot: ScopeSlot): boolean {
  if (Object.isFrozen(Promise.prototype)) return false;
  // Captured once: later changes to `slot` (were it reachable) cannot redirect the wrapper.
  const get = slot.get;
  const set = slot.set;
  const originalThen = Promise.prototype.then;
  const bind = (callback: Callback, scope: unknown): Callback => {
    if (typeof callback !== "function") return callback;
    return (value: unknown) => {
      const previous = set(scope);
      try {
        return callback(value);
      } finally {
        set(previous);
      }
    };
  };
  // A method, like the native `then`: named "then", no `prototype`, not a constructor.
  const then = {
    then(this: Promise<unknown>, onFulfilled?: Callback, onRejected?: Callback) {
      const scope = get();
      if (scope === undefined) return originalThen.call(this, onFulfilled, onRejected);
      return originalThen.call(this, bind(onFulfilled, scope), bind(onRejected, scope));
    },
  }.then;
  Object.defineProperty(Promise.prototype, "then", { value: then, writable: true, configurable: true });
  return true;
}
