/**
 * The `say_hello` activity of the SayHello example. Activities are plain functions that run on
 * the worker's host (Deno, Bun or Node), where I/O is allowed.
 *
 * @module
 */

/**
 * Greets `name`.
 *
 * @example
 * ```ts
 * say_hello("Temporal"); // "Hello, Temporal!"
 * ```
 */
export function say_hello(name: string): string {
  return `Hello, ${name}!`;
}
