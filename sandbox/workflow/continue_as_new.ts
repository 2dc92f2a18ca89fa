/**
 * Continue-as-new: end this run and start a fresh one (same workflow id, new history).
 *
 * @module
 */

import { optionalDurationToMs } from "../../common/duration.ts";
import type { ContinueAsNewCommand } from "../protocol.ts";
import { ContinueAsNew } from "./errors.ts";
import { activator } from "./internal/context.ts";
import { toPayloadsJson } from "./internal/converter.ts";
import { runOutboundThrowing } from "./internal/interceptor_chain.ts";
import type { ContinueAsNewInput, WorkflowHeaders } from "./interceptors.ts";
import { encodeMemo, encodeSearchAttributes, retryPolicyToJson } from "./internal/values.ts";
import type { ContinueAsNewOptions, Workflow, WorkflowArgs, WorkflowClass } from "./types.ts";

/**
 * A function that continues as new with `options` and the arguments it is given.
 *
 * @example
 * ```ts
 * const next = makeContinueAsNewFunc<typeof counter>({ taskQueue: "other" });
 * next(total);
 * ```
 */
export function makeContinueAsNewFunc<W extends Workflow | WorkflowClass = Workflow>(
  options: ContinueAsNewOptions = {},
): (...args: WorkflowArgs<W>) => never {
  return (...args) => {
    const run = activator();
    run.assertWritable("continueAsNew");
    const resolved = {
      ...options,
      workflowType: options.workflowType ?? run.info.workflowType,
      taskQueue: options.taskQueue ?? run.info.taskQueue,
    };
    return runOutboundThrowing(
      run,
      "continueAsNew",
      { args: args as unknown[], options: resolved, headers: {} },
      (input) => {
        throw new ContinueAsNew(continueAsNewCommand(input.options, input.args, input.headers));
      },
    );
  };
}

function continueAsNewCommand(
  options: ContinueAsNewInput["options"],
  args: readonly unknown[],
  headers: Readonly<WorkflowHeaders>,
): ContinueAsNewCommand {
  const command: ContinueAsNewCommand = {
    kind: "continueAsNew",
    workflowType: options.workflowType,
    taskQueue: options.taskQueue,
    args: toPayloadsJson(args),
  };
  const runTimeout = optionalDurationToMs(options.workflowRunTimeout);
  if (runTimeout !== undefined) command.workflowRunTimeoutMs = runTimeout;
  const taskTimeout = optionalDurationToMs(options.workflowTaskTimeout);
  if (taskTimeout !== undefined) command.workflowTaskTimeoutMs = taskTimeout;
  if (options.memo !== undefined) command.memo = encodeMemo(options.memo).fields;
  if (options.searchAttributes !== undefined) {
    command.searchAttributes = encodeSearchAttributes(options.searchAttributes);
  }
  if (options.retry !== undefined) command.retryPolicy = retryPolicyToJson(options.retry);
  const backoff = optionalDurationToMs(options.backoffStartInterval);
  if (backoff !== undefined) command.backoffStartIntervalMs = backoff;
  if (options.versioningIntent !== undefined) command.versioningIntent = options.versioningIntent;
  if (Object.keys(headers).length > 0) command.headers = { ...headers };
  return command;
}

/**
 * Ends this run and continues as a new run of the same workflow with `args`. Throws a
 * {@linkcode ContinueAsNew} error: let it propagate out of the workflow function.
 *
 * @example
 * ```ts
 * if (workflowInfo().continueAsNewSuggested) continueAsNew<typeof counter>(total);
 * ```
 */
export function continueAsNew<W extends Workflow | WorkflowClass = Workflow>(
  ...args: WorkflowArgs<W>
): never {
  return makeContinueAsNewFunc<W>()(...args);
}
