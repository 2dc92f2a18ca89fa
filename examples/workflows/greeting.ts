/**
 * The GreetingWorkflow example: a workflow class that keeps a greeting, rebuilds it (with an
 * activity) when the `update_salutation` signal changes the salutation, answers the
 * `current_greeting` query, and completes with the greeting on the `complete_with_greeting` signal.
 *
 * In your own project, import from `sandglass/workflow`.
 *
 * @module
 */

import { condition, log, proxyActivities, workflow } from "../../sandbox/workflow/mod.ts";
import type * as activities from "../activities/greeting.ts";
import type { GreetingInfo } from "../activities/greeting.ts";

const { create_greeting_activity } = proxyActivities<typeof activities>({ startToCloseTimeout: "5 seconds" });

/**
 * Greets a name; the salutation can be changed by signal until the workflow is told to complete.
 *
 * @example
 * ```ts
 * const handle = await client.startWorkflow("GreetingWorkflow", { args: ["my name"], id, taskQueue });
 * await handle.signal("update_salutation", "Aloha");
 * await handle.signal("complete_with_greeting");
 * await handle.result(); // "Aloha, my name!"
 * ```
 */
@workflow.defn
export class GreetingWorkflow {
  #currentGreeting = "<unset>";
  readonly #info: GreetingInfo = { salutation: "Hello", name: "<unknown>" };
  #infoUpdated = false;
  #complete = false;

  @workflow.run
  async run(name: string): Promise<string> {
    this.#info.name = name;
    for (;;) {
      this.#currentGreeting = await create_greeting_activity(this.#info);
      log.debug(`Greeting set to ${this.#currentGreeting}`);
      await condition(() => this.#infoUpdated || this.#complete);
      // A salutation that arrived with the completion is applied before completing.
      if (this.#infoUpdated) {
        this.#infoUpdated = false;
        continue;
      }
      return this.#currentGreeting;
    }
  }

  @workflow.signal({ name: "update_salutation" })
  updateSalutation(salutation: string): void {
    this.#info.salutation = salutation;
    this.#infoUpdated = true;
  }

  @workflow.signal({ name: "complete_with_greeting" })
  completeWithGreeting(): void {
    this.#complete = true;
  }

  @workflow.query({ name: "current_greeting" })
  currentGreeting(): string {
    return this.#currentGreeting;
  }
}
