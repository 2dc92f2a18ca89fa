/**
 * The activity of the YourWorkflow example: one parameters object, so fields can be added later
 * without changing the signature.
 *
 * @module
 */

/** The parameters of {@linkcode your_activity}. */
export interface YourParams {
  greeting: string;
  name: string;
}

/**
 * Builds `<greeting>, <name>!`.
 *
 * @example
 * ```ts
 * your_activity({ greeting: "Hello", name: "your name" }); // "Hello, your name!"
 * ```
 */
export function your_activity(input: YourParams): string {
  return `${input.greeting}, ${input.name}!`;
}
