/**
 * The error thrown inside the workflow sandbox when workflow code reaches for a source of
 * nondeterminism or for dynamic code loading (`eval`, `Function`, a string timer). Its message
 * names what was used and the deterministic alternative.
 *
 * Recognised by a brand rather than by prototype, so `instanceof` holds for copies of the class
 * bundled more than once and for errors rebuilt from data.
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

const BRAND = Symbol.for("sandglass.DeterminismViolationError");

/** Workflow code used something that would make replay nondeterministic. */
export class DeterminismViolationError extends Error {
  /** Always `"DeterminismViolationError"`. */
  override readonly name = "DeterminismViolationError";

  /** @param message What was used and what to use instead. */
  constructor(message: string) {
    super(message);
    Object.defineProperty(this, BRAND, { value: true });
  }

  /** True for any object carrying the brand, whichever copy of the class made it. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}
