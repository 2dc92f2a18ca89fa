/**
 * `CompleteAsyncError`: thrown by an activity that will be completed later, from elsewhere, with
 * the client's async activity handle.
 *
 * @module
 */

const BRAND = Symbol.for("sandglass.CompleteAsyncError");

/**
 * Throw this from an activity to leave it running after the function returns: the worker
 * reports nothing, and something else completes, fails or heartbeats the activity through
 * `client.getAsyncActivityHandle({ taskToken })` before its timeouts expire.
 *
 * @example
 * ```ts
 * import { CompleteAsyncError, info } from "sandglass/activity";
 *
 * export async function approve(request: string): Promise<boolean> {
 *   await queue.send({ request, taskToken: info().taskToken });
 *   throw new CompleteAsyncError();
 * }
 * ```
 */
export class CompleteAsyncError extends Error {
  override readonly name: string = "CompleteAsyncError";

  constructor(message = "The activity will be completed asynchronously") {
    super(message);
  }

  /** True for instances from any copy of this module. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
  }
}
Object.defineProperty(CompleteAsyncError.prototype, BRAND, { value: true });
