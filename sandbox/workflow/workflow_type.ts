/**
 * The workflow type name of a workflow function, workflow class or name; usable by clients.
 *
 * @module
 */

import { classWorkflowMeta } from "./internal/class_meta.ts";
import type { Workflow, WorkflowClass } from "./types.ts";

/**
 * The type name the server knows a workflow by: the string itself, a function's name, or a
 * `@workflow.defn` class's defined name.
 *
 * @example
 * ```ts
 * workflowTypeName(GreetingWorkflow); // "Greeting" if defined with @workflow.defn({ name: "Greeting" })
 * ```
 */
export function workflowTypeName(workflow: string | Workflow | WorkflowClass): string {
  if (typeof workflow === "string") return workflow;
  const meta = classWorkflowMeta(workflow);
  if (meta !== undefined) {
    if (meta.name === undefined) {
      throw new TypeError("A dynamic workflow class has no type name: pass the name as a string");
    }
    return meta.name;
  }
  if (typeof workflow === "function" && workflow.name) return workflow.name;
  throw new TypeError(
    `Invalid workflow '${String(workflow)}': pass a type name, a workflow function or a @workflow.defn class`,
  );
}
