/**
 * The error thrown inside the workflow sandbox when workflow code reaches for a source of
 * nondeterminism or for dynamic code loading (`eval`, `Function`, a string timer). Its message
 * names what was used and the deterministic alternative.
 *
 * There is one class: `sandglass/workflow` re-exports it. It is recognised by the brand
 * `Symbol.for("sandglass.DeterminismViolationError")` (`common/brand.ts`, like the other error
 * classes) rather than by prototype, so `instanceof` holds across the copies that are bundled into
 * the isolate's prelude (thrown by `eval`, `Function`, string timers) and into the workflow bundle.
 *
 * @example Catching a violation
 * ```ts
 * try {
 *   eval("1 + 1");
 * } catch (err) {
 *   if (err instanceof DeterminismViolationError) console.warn(err.message);
 * }
 * ```
 * @module
 */

import { defineBrand, hasBrand } from "../common/brand.ts";

/** Workflow code used something that would make replay nondeterministic. */
export class DeterminismViolationError extends Error {
  /** Always `"DeterminismViolationError"`. */
  override readonly name = "DeterminismViolationError";

  /** @param message What was used and what to use instead. */
  constructor(message: string) {
    super(message);
  }

  /** True for any object carrying the brand, whichever copy of the class made it. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, value);
  }
}
defineBrand(DeterminismViolationError, "DeterminismViolationError");
