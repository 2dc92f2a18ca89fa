/**
 * Errors specific to workflow code: determinism violations, continue-as-new, and the
 * `isCancellation` test.
 *
 * @module
 */

import { defineBrand, hasBrand } from "../../common/brand.ts";
import { ActivityFailure, CancelledFailure, ChildWorkflowFailure } from "../../common/failures.ts";
import { DeterminismViolationError } from "../determinism_violation_error.ts";
import type { ContinueAsNewCommand } from "../protocol.ts";

export { DeterminismViolationError };

/**
 * The SDK found the run in a state it cannot handle (for example an activation that resolves an
 * activity the workflow never scheduled). Fails the workflow task.
 *
 * @example
 * ```ts
 * throw new IllegalStateError("No pending timer with seq 3");
 * ```
 */
export class IllegalStateError extends Error {
  constructor(message: string) {
    super(message);
  }

  /** True for any value carrying this class's brand, from any copy of this module. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, value);
  }
}
defineBrand(IllegalStateError, "IllegalStateError");

/**
 * Thrown by {@linkcode continueAsNew}: ends the run and starts a new one. Do not catch it (or
 * rethrow it if you do).
 *
 * @example
 * ```ts
 * try { await work(); } catch (err) { if (err instanceof ContinueAsNew) throw err; }
 * ```
 */
export class ContinueAsNew extends Error {
  /** The command the runtime sends. */
  readonly command: ContinueAsNewCommand;

  constructor(command: ContinueAsNewCommand) {
    super("Workflow continued as new");
    this.command = command;
  }

  /** True for any value carrying this class's brand, from any copy of this module. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, value);
  }
}
defineBrand(ContinueAsNew, "ContinueAsNew");

/**
 * True if the error means "cancelled": a `CancelledFailure`, or an activity or child workflow
 * failure caused by one. Use it to tell a cancellation from a real failure.
 *
 * @example
 * ```ts
 * try {
 *   await sleep("1 day");
 * } catch (err) {
 *   if (isCancellation(err)) await cleanup();
 *   throw err;
 * }
 * ```
 */
export function isCancellation(error: unknown): boolean {
  if (error instanceof CancelledFailure) return true;
  if (error instanceof ActivityFailure || error instanceof ChildWorkflowFailure) {
    return error.cause instanceof CancelledFailure;
  }
  return false;
}

/** Errors that fail the workflow task rather than the workflow. */
export function isWorkflowTaskError(error: unknown): boolean {
  return error instanceof DeterminismViolationError || error instanceof IllegalStateError;
}
