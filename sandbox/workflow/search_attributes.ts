/**
 * Changing the workflow's search attributes and memo while it runs.
 *
 * @module
 */

import { activator } from "./internal/context.ts";
import { encodeMemo, encodeSearchAttributes } from "./internal/values.ts";

/**
 * Adds, replaces or (with `null` or `[]`) removes search attributes of this workflow.
 *
 * @example
 * ```ts
 * upsertSearchAttributes({ CustomerId: "c-42", Tags: ["vip"], Obsolete: null });
 * ```
 */
export function upsertSearchAttributes(attributes: Record<string, unknown>): void {
  const run = activator();
  if (Object.keys(attributes).length === 0) return;
  run.pushCommand({ kind: "upsertSearchAttributes", searchAttributes: encodeSearchAttributes(attributes) });
  const next = { ...run.info.searchAttributes };
  for (const [name, value] of Object.entries(attributes)) {
    if (value === null || value === undefined || (Array.isArray(value) && value.length === 0)) {
      delete next[name];
    } else next[name] = value;
  }
  run.info.searchAttributes = next;
}

/**
 * Adds, replaces or (with `null`) removes memo fields of this workflow.
 *
 * @example
 * ```ts
 * upsertMemo({ note: "waiting for approval", draft: null });
 * ```
 */
export function upsertMemo(memo: Record<string, unknown>): void {
  const run = activator();
  if (Object.keys(memo).length === 0) return;
  run.pushCommand({ kind: "modifyWorkflowProperties", upsertedMemo: encodeMemo(memo) });
  const next = { ...run.info.memo };
  for (const [name, value] of Object.entries(memo)) {
    if (value === null || value === undefined) delete next[name];
    else next[name] = value;
  }
  run.info.memo = next;
}
