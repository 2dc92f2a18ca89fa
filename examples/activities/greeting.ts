/**
 * The activity of the GreetingWorkflow example.
 *
 * @module
 */

/** What a greeting is made of. */
export interface GreetingInfo {
  salutation: string;
  name: string;
}

/**
 * Builds `<salutation>, <name>!`.
 *
 * @example
 * ```ts
 * create_greeting_activity({ salutation: "Aloha", name: "my name" }); // "Aloha, my name!"
 * ```
 */
export function create_greeting_activity(info: GreetingInfo): string {
  return `${info.salutation}, ${info.name}!`;
}
