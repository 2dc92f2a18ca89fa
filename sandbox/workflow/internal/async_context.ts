/**
 * Carries the current cancellation scope across `await`: `Promise.prototype.then` is wrapped so a
 * callback runs with the scope that was current when it was registered. Native `await` does not
 * call `then`, so the workflow bundle lowers async functions to generator helpers that do (see
 * `BUNDLE_SUPPORTED` in `sandbox/protocol.ts`).
 *
 * The wrapper owns the scope slot and publishes its accessors on itself (under
 * `Symbol.for("sandglass.asyncContextSlot")`), so a copy of this module in the sandbox prelude
 * can install it before the intrinsics are frozen and the runtime's copy in the bundle uses the
 * same slot.
 *
 * @module
 */

import { createScopeSlot, SCOPE_SLOT_KEY, type ScopeSlot } from "./context.ts";

type Callback = ((value: unknown) => unknown) | null | undefined;

/**
 * Wraps `Promise.prototype.then` once per realm (idempotent). The sandbox host must call it
 * before it freezes the intrinsics; `createRuntime` calls it too (a no-op if already done).
 *
 * @returns true if the wrapper is installed, false if `Promise.prototype` was frozen without it.
 *
 * @example
 * ```ts
 * installAsyncContext(); // in the isolate's prelude, before hardening
 * ```
 */
export function installAsyncContext(): boolean {
  const current = Promise.prototype.then as unknown as Record<symbol, ScopeSlot | undefined>;
  if (current[SCOPE_SLOT_KEY] !== undefined) return true;
  if (Object.isFrozen(Promise.prototype)) return false;
  const slot = createScopeSlot();
  const originalThen = Promise.prototype.then;
  const bind = (callback: Callback, scope: unknown): Callback => {
    if (typeof callback !== "function") return callback;
    return (value: unknown) => {
      const previous = slot.set(scope);
      try {
        return callback(value);
      } finally {
        slot.set(previous);
      }
    };
  };
  const then = function (this: Promise<unknown>, onFulfilled?: Callback, onRejected?: Callback) {
    const scope = slot.get();
    if (scope === undefined) return originalThen.call(this, onFulfilled, onRejected);
    return originalThen.call(this, bind(onFulfilled, scope), bind(onRejected, scope));
  };
  Object.defineProperty(then, SCOPE_SLOT_KEY, { value: slot });
  Object.defineProperty(then, "name", { value: "then" });
  Object.defineProperty(Promise.prototype, "then", { value: then, writable: true, configurable: true });
  return true;
}
