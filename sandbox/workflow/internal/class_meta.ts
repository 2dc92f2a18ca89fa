/**
 * What the `workflow.*` decorators record about a workflow class, and where: on the class under
 * `Symbol.for("sandglass.workflowDefinition")` once `@workflow.defn` ran.
 *
 * @module
 */

import type { HandlerUnfinishedPolicy } from "../types.ts";

/** The key of a class's workflow definition. */
export const WORKFLOW_DEFINITION: unique symbol = Symbol.for("sandglass.workflowDefinition") as never;

/** The key, in decorator metadata, of the definition being built. */
export const PENDING_DEFINITION: unique symbol = Symbol.for("sandglass.pendingWorkflowDefinition") as never;

/** One decorated handler method. */
export interface HandlerMeta {
  method: string | symbol;
  /** The handler's name; undefined for a dynamic handler. */
  name: string | undefined;
  dynamic: boolean;
  description: string | undefined;
  unfinishedPolicy: HandlerUnfinishedPolicy;
  /** Updates only: the method that validates the arguments. */
  validator?: string | symbol;
}

/** A workflow class's definition. */
export interface ClassWorkflowMeta {
  /** Workflow type name; undefined until `@workflow.defn` ran (then the class name by default). */
  name: string | undefined;
  dynamic: boolean;
  run: string | symbol | undefined;
  init: string | symbol | undefined;
  signals: HandlerMeta[];
  queries: HandlerMeta[];
  updates: HandlerMeta[];
  /** Update method name to validator method name. */
  validators: Array<{ update: string | symbol; method: string | symbol }>;
}

/** Reads the definition of a workflow class, or undefined. */
export function classWorkflowMeta(value: unknown): ClassWorkflowMeta | undefined {
  if (typeof value !== "function") return undefined;
  return Object.hasOwn(value, WORKFLOW_DEFINITION)
    ? (value as unknown as Record<symbol, ClassWorkflowMeta>)[WORKFLOW_DEFINITION]
    : undefined;
}
