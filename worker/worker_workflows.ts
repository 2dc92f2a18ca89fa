/**
 * Internal: a worker's workflows, prepared at construction. The module is bundled synchronously
 * (so a bad import is a constructor error) and its exports are loaded once to find two exports of
 * one workflow type; `run()` reuses the bundle and repeats the check in the sandbox before polling.
 *
 * @module
 */

import {
  bundleWorkflowsSync,
  describeWorkflowsInVm,
  type WorkflowBundle,
  type WorkflowsDescription,
} from "../sandbox/mod.ts";

/** What `describeWorkflowsInVm` said of each bundle. */
const described = new WeakMap<WorkflowBundle, WorkflowsDescription | undefined>();

/**
 * Bundles the worker's workflows and checks their registrations.
 *
 * @throws {WorkflowBundleError} If the module (or an interceptor module) cannot be bundled.
 * @throws {TypeError} If two exports define the same workflow type.
 */
export function prepareWorkflows(
  workflowsPath: string | URL,
  interceptorModules: readonly (string | URL)[],
): WorkflowBundle {
  const bundle = bundleWorkflowsSync(workflowsPath, { interceptorModules });
  // A cached bundle is the same object: its modules are loaded once per process, not per worker.
  if (!described.has(bundle)) described.set(bundle, describeWorkflowsInVm(bundle));
  const description = described.get(bundle);
  // Only a registration problem is final here; whether the modules load is for the sandbox to say.
  if (description?.ok === false && description.stage === "register") {
    throw workflowsError(workflowsPath, description);
  }
  return bundle;
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
