/**
 * Child workflows: `startChild` (a handle once the child started) and `executeChild`.
 *
 * @module
 */

import { optionalDurationToMs } from "../../common/duration.ts";
import { CancelledFailure } from "../../common/failures.ts";
import type { PayloadJson, StartChildWorkflowCommand } from "../protocol.ts";
import { CancellationScope } from "./cancellation_scope.ts";
import type { Activator } from "./internal/activator.ts";
import { activator } from "./internal/context.ts";
import { runOutbound } from "./internal/interceptor_chain.ts";
import { toPayloadJson, toPayloadsJson } from "./internal/converter.ts";
import { uuid4From } from "./internal/prng.ts";
import { encodeMemo, encodeSearchAttributes, retryPolicyToJson } from "./internal/values.ts";
import { signalExternal } from "./external_workflows.ts";
import type {
  ChildWorkflowOptions,
  SignalDefinition,
  Workflow,
  WorkflowArgs,
  WorkflowClass,
  WorkflowResult,
} from "./types.ts";
import { workflowTypeName } from "./workflow_type.ts";

/** A started child workflow. */
export interface ChildWorkflowHandle<W = Workflow> {
  /** The child's workflow id. */
  readonly workflowId: string;
  /** The run id of the child's first run. */
  readonly firstExecutionRunId: string;
  /** Resolves with the child's result, or rejects with a `ChildWorkflowFailure`. */
  result(): Promise<WorkflowResult<W>>;
  /**
   * Signals the child.
   *
   * @example
   * ```ts
   * await child.signal(approve, "ok");
   * ```
   */
  signal<Args extends unknown[]>(signal: SignalDefinition<Args> | string, ...args: Args): Promise<void>;
}

/** Options of {@linkcode startChild} and {@linkcode executeChild}: child options plus `args`. */
export type ChildOptionsWithArgs<W> = ChildWorkflowOptions & { args?: WorkflowArgs<W> };

function prune<T extends object>(value: T): T {
  for (const key of Object.keys(value) as (keyof T)[]) if (value[key] === undefined) delete value[key];
  return value;
}

/**
 * Starts a child workflow; resolves once the server started it. Cancelling the current scope
 * cancels the child as its `cancellationType` says.
 *
 * @example
 * ```ts
 * const child = await startChild(processOrder, { args: [order], workflowId: `order-${order.id}` });
 * const result = await child.result();
 * ```
 */
export function startChild<W extends Workflow | WorkflowClass>(
  workflow: string | W,
  options: ChildOptionsWithArgs<W> = {},
): Promise<ChildWorkflowHandle<W>> {
  const run = activator();
  run.assertWritable("startChildWorkflow");
  let type: string;
  try {
    type = workflowTypeName(workflow as string | Workflow);
  } catch (error) {
    return Promise.reject(error);
  }
  return runOutbound(
    run,
    "startChildWorkflow",
    { workflowType: type, args: (options.args ?? []) as unknown[], options, headers: {} },
    (input) => ({
      promise: startChildNow(run, input.workflowType, input.options, input.args, input.headers),
      extra: undefined,
    }),
    false,
  ).promise as Promise<ChildWorkflowHandle<W>>;
}

function startChildNow<W extends Workflow | WorkflowClass>(
  run: Activator,
  type: string,
  options: ChildWorkflowOptions,
  args: readonly unknown[],
  headers: Readonly<Record<string, PayloadJson>>,
): Promise<ChildWorkflowHandle<W>> {
  run.assertWritable("startChildWorkflow");
  const scope = CancellationScope.current();
  const seq = run.nextSeq("child");
  const workflowId = options.workflowId ?? uuid4From(run.random);
  const command: StartChildWorkflowCommand = prune({
    kind: "startChildWorkflow",
    seq,
    namespace: options.namespace ?? run.info.namespace,
    workflowId,
    workflowType: type,
    taskQueue: options.taskQueue ?? run.info.taskQueue,
    args: toPayloadsJson(args),
    headers: Object.keys(headers).length === 0 ? undefined : { ...headers },
    workflowExecutionTimeoutMs: optionalDurationToMs(options.workflowExecutionTimeout),
    workflowRunTimeoutMs: optionalDurationToMs(options.workflowRunTimeout),
    workflowTaskTimeoutMs: optionalDurationToMs(options.workflowTaskTimeout),
    parentClosePolicy: options.parentClosePolicy,
    workflowIdReusePolicy: options.workflowIdReusePolicy,
    retryPolicy: options.retry === undefined ? undefined : retryPolicyToJson(options.retry),
    cronSchedule: options.cronSchedule,
    memo: options.memo === undefined ? undefined : encodeMemo(options.memo).fields,
    searchAttributes: options.searchAttributes === undefined
      ? undefined
      : encodeSearchAttributes(options.searchAttributes),
    cancellationType: options.cancellationType ?? "WAIT_CANCELLATION_COMPLETED",
    versioningIntent: options.versioningIntent,
    priority: options.priority,
    ...(options.summary === undefined ? {} : { summary: toPayloadJson(options.summary) }),
  });
  return new Promise<ChildWorkflowHandle<W>>((resolveStart, rejectStart) => {
    if (scope.consideredCancelled) {
      rejectStart(
        scope.cancellationReason ?? new CancelledFailure("Child workflow cancelled before it started"),
      );
      return;
    }
    run.pushCommand(command);
    let cancelSent = false;
    let finished = false;
    const unsubscribe = scope.onCancel(() => {
      if (cancelSent || finished) return;
      cancelSent = true;
      run.pushCommand({ kind: "cancelChildWorkflow", seq, reason: "Parent scope cancelled" });
    });
    const result = new Promise<unknown>((resolve, reject) => {
      run.pending.childResult.set(seq, {
        resolve: (value) => {
          finished = true;
          unsubscribe();
          resolve(value);
        },
        reject: (error) => {
          finished = true;
          unsubscribe();
          reject(error);
        },
      });
    });
    result.catch(() => undefined);
    run.pending.childStart.set(seq, {
      resolve: (runId) =>
        resolveStart({
          workflowId,
          firstExecutionRunId: runId as string,
          result: () => result as Promise<WorkflowResult<W>>,
          signal: (signal, ...args) => signalExternal({ kind: "child", workflowId }, signal, args),
        }),
      reject: (error) => {
        finished = true;
        unsubscribe();
        rejectStart(error);
      },
    });
  });
}

/**
 * Starts a child workflow and waits for its result.
 *
 * @example
 * ```ts
 * const total = await executeChild(sumWorkflow, { args: [[1, 2, 3]] });
 * ```
 */
export async function executeChild<W extends Workflow | WorkflowClass>(
  workflow: string | W,
  options: ChildOptionsWithArgs<W> = {},
): Promise<WorkflowResult<W>> {
  const handle = await startChild(workflow, options);
  return await handle.result();
}
