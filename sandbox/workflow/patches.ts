/**
 * Versioning of workflow code with patches: `patched` and `deprecatePatch`.
 *
 * @module
 */

import { IllegalStateError } from "./errors.ts";
import { activator } from "./internal/context.ts";

function patch(patchId: string, deprecated: boolean): boolean {
  const run = activator();
  if (!run.started && run.info === undefined) {
    throw new IllegalStateError("Patches can only be used once the workflow started");
  }
  const decided = run.patchDecisions.get(patchId);
  if (decided !== undefined) return decided;
  const known = run.knownPatches.has(patchId);
  // In replay, a missing marker means the old code ran; the decision stays open in case the run
  // reaches live execution later in this same cached run.
  if (run.isReplaying && !known) return false;
  run.patchDecisions.set(patchId, true);
  if (!run.sentPatches.has(patchId)) {
    run.sentPatches.add(patchId);
    run.pushCommand({ kind: "setPatchMarker", patchId, deprecated });
  }
  return true;
}

/**
 * True if the new code path of patch `patchId` should run: always for new executions (a marker
 * is recorded), and on replay only if the history has the marker.
 *
 * @example
 * ```ts
 * if (patched("use-v2-pricing")) await v2(); else await v1();
 * ```
 */
export function patched(patchId: string): boolean {
  return patch(patchId, false);
}

/**
 * Marks patch `patchId` as deprecated once no running execution lacks it: the old code path has
 * been removed, histories with or without the marker replay.
 *
 * @example
 * ```ts
 * deprecatePatch("use-v2-pricing");
 * await v2();
 * ```
 */
export function deprecatePatch(patchId: string): void {
  patch(patchId, true);
}
