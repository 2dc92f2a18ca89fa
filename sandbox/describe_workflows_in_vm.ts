/**
 * A synchronous first look at a bundle's workflow types, for constructors that cannot wait for a
 * QuickJS isolate (creating one is asynchronous): the bundle's runtime and user modules are
 * evaluated once in a fresh `node:vm` context of the host engine (only the language's intrinsics,
 * no host APIs, time-limited), and the runtime lists the workflow types of the exports. The
 * sandbox stays the authority: `WorkflowHost.describeWorkflows` repeats the check where the code
 * really runs.
 * @module
 */

import vm from "node:vm";
import type { WorkflowBundle } from "./bundler.ts";
import type { WorkflowsDescription } from "./protocol.ts";
import type { SharedRuntime, WorkflowBundleExports } from "./prelude.ts";

/** Longest time the modules may take to load here before the check is left to the sandbox. */
const LOAD_TIMEOUT_MS = 2_000;

/**
 * Loads the bundle's modules once in a fresh `node:vm` context and lists their workflow types.
 *
 * @param bundle The bundle from `bundleWorkflows` or `bundleWorkflowsSync`.
 * @returns The description; `undefined` when this engine cannot tell (the runtime does not
 *   evaluate here, or loading took longer than 2 s), which leaves the verdict to the sandbox.
 * @example
 * ```ts
 * const description = describeWorkflowsInVm(bundle);
 * if (description?.ok === false && description.stage === "register") throw new TypeError(description.message);
 * ```
 */
export function describeWorkflowsInVm(bundle: WorkflowBundle): WorkflowsDescription | undefined {
  const context = vm.createContext({});
  const timeout = LOAD_TIMEOUT_MS;
  let shared: SharedRuntime;
  try {
    shared = vm.runInContext(bundle.runtime, context, { filename: bundle.runtimeFilename, timeout });
    context.factory = vm.runInContext(bundle.code, context, { filename: bundle.filename, timeout });
    context.shared = shared;
  } catch {
    return undefined;
  }
  if (typeof shared?.describeWorkflows !== "function") return undefined;
  let exports: WorkflowBundleExports;
  try {
    // User code runs here (the modules' top level), under the time limit.
    exports = vm.runInContext("factory(shared)", context, { timeout });
  } catch (error) {
    if (isTimeout(error)) return undefined;
    return problem("load", error);
  }
  try {
    const { types, dynamic } = shared.describeWorkflows(exports.workflows);
    // Copied into this realm's arrays (the context's have their own prototypes).
    return { ok: true, types: [...types], dynamic };
  } catch (error) {
    return problem("register", error);
  }
}

function isTimeout(error: unknown): boolean {
  const e = error as { code?: unknown; message?: unknown };
  return e?.code === "ERR_SCRIPT_EXECUTION_TIMEOUT" ||
    (typeof e?.message === "string" && /^Script execution timed out/.test(e.message));
}

/** Errors of the vm context are of its own realm: read them by shape. */
function problem(stage: "load" | "register", error: unknown): WorkflowsDescription {
  const e = error as { message?: unknown; stack?: unknown };
  return {
    ok: false,
    stage,
    message: typeof e?.message === "string" ? e.message : String(error),
    stack: typeof e?.stack === "string" ? e.stack : "",
  };
}
