/**
 * The workflow types of a workflows module: exported functions (by export name) and exported
 * classes decorated with `@workflow.defn` (by their defined name), plus at most one dynamic class.
 * Two exports that define the same workflow type are an error naming both.
 *
 * @module
 */

import type { WorkflowTypes } from "../../protocol.ts";
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

const RENAME =
  "give one of them another name (@workflow.defn({ name: '...' }) on a class, another export name for a function)";

function isClass(value: unknown): boolean {
  return typeof value === "function" && /^class[\s{]/.test(Function.prototype.toString.call(value));
}

/**
 * Builds the registry of a workflows module's exports.
 *
 * @throws {TypeError} If two exports define the same workflow type, or two dynamic workflows.
 */
export function buildRegistry(workflowModule: Record<string, unknown>): WorkflowRegistry {
  const types = new Map<string, WorkflowEntry>();
  /** Per type name (`type:<name>`, or `dynamic`): the export that defined it, and its value. */
  const owners = new Map<string, { exportName: string; value: unknown }>();
  let dynamic: WorkflowEntry | undefined;
  const claim = (key: string, exportName: string, value: unknown, what: string, fix: string): boolean => {
    const owner = owners.get(key);
    if (owner === undefined) {
      owners.set(key, { exportName, value });
      return true;
    }
    // The same class or function exported under two names is one workflow, not two.
    if (owner.value === value) return false;
    throw new TypeError(
      `${what} is defined twice, by the exports '${owner.exportName}' and '${exportName}': ${fix}`,
    );
  };
  for (const [exportName, value] of Object.entries(workflowModule)) {
    if (typeof value !== "function") continue;
    const meta = classWorkflowMeta(value);
    if (meta !== undefined) {
      const entry: WorkflowEntry = { kind: "class", name: meta.name, cls: value as never, meta };
      if (meta.dynamic) {
        if (
          claim("dynamic", exportName, value, "The dynamic workflow", "export one dynamic workflow class")
        ) {
          dynamic = entry;
        }
      } else if (
        claim(
          `type:${meta.name}`,
          exportName,
          value,
          `Workflow type '${meta.name}'`,
          RENAME,
        )
      ) {
        types.set(meta.name as string, entry);
      }
    } else if (!isClass(value)) {
      if (
        claim(
          `type:${exportName}`,
          exportName,
          value,
          `Workflow type '${exportName}'`,
          RENAME,
        )
      ) {
        types.set(exportName, { kind: "function", name: exportName, fn: value as never });
      }
    }
  }
  return { types, dynamic };
}

/** The type names of a registry. */
export function describeRegistry(registry: WorkflowRegistry): WorkflowTypes {
  return { types: [...registry.types.keys()].sort(), dynamic: registry.dynamic !== undefined };
}
