/**
 * The workflow types of a workflows module: exported functions (by export name) and exported
 * classes decorated with `@workflow.defn` (by their defined name), plus at most one dynamic class.
 *
 * @module
 */

import { type ClassWorkflowMeta, classWorkflowMeta } from "./class_meta.ts";

/** One registered workflow type. */
export type WorkflowEntry =
  | { kind: "function"; name: string; fn: (...args: unknown[]) => unknown }
  | {
    kind: "class";
    name: string | undefined;
    cls: new () => Record<string | symbol, unknown>;
    meta: ClassWorkflowMeta;
  };

/** The workflow types of a module. */
export interface WorkflowRegistry {
  types: Map<string, WorkflowEntry>;
  dynamic: WorkflowEntry | undefined;
}

function isClass(value: unknown): boolean {
  return typeof value === "function" && /^class[\s{]/.test(Function.prototype.toString.call(value));
}

/** Builds the registry of a workflows module's exports. */
export function buildRegistry(workflowModule: Record<string, unknown>): WorkflowRegistry {
  const types = new Map<string, WorkflowEntry>();
  let dynamic: WorkflowEntry | undefined;
  for (const [exportName, value] of Object.entries(workflowModule)) {
    if (typeof value !== "function") continue;
    const meta = classWorkflowMeta(value);
    if (meta !== undefined) {
      const entry: WorkflowEntry = { kind: "class", name: meta.name, cls: value as never, meta };
      if (meta.dynamic) {
        if (dynamic !== undefined) {
          throw new TypeError(`Two dynamic workflows are exported; keep one ('${exportName}')`);
        }
        dynamic = entry;
      } else {
        types.set(meta.name as string, entry);
      }
    } else if (!isClass(value)) {
      types.set(exportName, { kind: "function", name: exportName, fn: value as never });
    }
  }
  return { types, dynamic };
}
