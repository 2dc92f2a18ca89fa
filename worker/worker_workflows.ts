/**
 * Internal: a worker's workflows, prepared at construction. The module is bundled synchronously
 * (so a bad import is a constructor error) and loaded once in a QuickJS sandbox to find two
 * exports of one workflow type; `run()` reuses the bundle and repeats the check in its own sandbox
 * before polling. Both come from the disk cache when the workflow code did not change.
 *
 * @module
 */

import { bundleAndDescribeSync, type WorkflowBundle, type WorkflowsDescription } from "../sandbox/mod.ts";

/** A worker's workflows as prepared at construction. */
export interface PreparedWorkflows {
  readonly bundle: WorkflowBundle;
  /** The modules loaded in a sandbox and define each workflow type once. */
  readonly verified: boolean;
}

/**
 * Bundles the worker's workflows and checks their registrations.
 *
 * @throws {WorkflowBundleError} If the module (or an interceptor module) cannot be bundled.
 * @throws {TypeError} If two exports define the same workflow type.
 */
export function prepareWorkflows(
  workflowsPath: string | URL,
  interceptorModules: readonly (string | URL)[],
): PreparedWorkflows {
  const { bundle, description } = bundleAndDescribeSync(workflowsPath, { interceptorModules });
  // Only a registration problem is final here; whether the modules load is for the worker's sandbox to say.
  if (description?.ok === false && description.stage === "register") {
    throw workflowsError(workflowsPath, description);
  }
  return { bundle, verified: description?.ok === true };
}

/** The error of a failed description (see `WorkflowHost.describeWorkflows`). */
export function workflowsError(
  workflowsPath: string | URL,
  description: Extract<WorkflowsDescription, { ok: false }>,
): Error {
  const where = String(workflowsPath instanceof URL ? workflowsPath.href : workflowsPath);
  if (description.stage === "register") {
    return new TypeError(`Invalid workflowsPath '${where}': ${description.message}`);
  }
  const cause = new Error(description.message);
  if (description.stack !== "") cause.stack = description.stack;
  return new Error(
    `Cannot load the workflows module '${where}' in the sandbox: ${description.message}; every workflow task would fail, so the worker does not start`,
    { cause },
  );
}
