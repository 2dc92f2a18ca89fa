/**
 * Other workflows: signal or cancel them with `getExternalWorkflowHandle`.
 *
 * @module
 */

import { CancelledFailure } from "../../common/failures.ts";
import type { SignalExternalCommand } from "../protocol.ts";
import { CancellationScope } from "./cancellation_scope.ts";
import type { Activator } from "./internal/activator.ts";
import { activator } from "./internal/context.ts";
import { toPayloadsJson } from "./internal/converter.ts";
import { runOutbound } from "./internal/interceptor_chain.ts";
import type { CancelWorkflowInput, SignalWorkflowInput } from "./interceptors.ts";
import type { SignalDefinition } from "./types.ts";

/** A handle to another workflow execution. */
export interface ExternalWorkflowHandle {
  readonly workflowId: string;
  readonly runId: string | undefined;
  /**
   * Signals the workflow; resolves once the signal was delivered.
   *
   * @example
   * ```ts
   * await getExternalWorkflowHandle("order-1").signal(approve, "ok");
   * ```
   */
  signal<Args extends unknown[]>(signal: SignalDefinition<Args> | string, ...args: Args): Promise<void>;
  /** Requests cancellation of the workflow; resolves once the request was delivered. */
  cancel(): Promise<void>;
}

/** Internal: sends a signal to a child or an external workflow, through the outbound interceptors. */
export function signalExternal(
  target: SignalExternalCommand["target"],
  signal: SignalDefinition<unknown[]> | string,
  args: unknown[],
): Promise<void> {
  const run = activator();
  run.assertWritable("signalExternal");
  const signalName = typeof signal === "string" ? signal : signal.name;
  const scope = CancellationScope.current();
  return runOutbound(
    run,
    "signalWorkflow",
    {
      target: target.kind === "child" ? { kind: "child", workflowId: target.workflowId } : {
        kind: "external",
        namespace: target.namespace,
        workflowId: target.workflowId,
        ...(target.runId === undefined ? {} : { runId: target.runId }),
      },
      signalName,
      args,
      headers: {},
    },
    (input) => ({ promise: sendSignal(run, scope, input), extra: undefined }),
    true,
  ).promise;
}

function sendSignal(run: Activator, scope: CancellationScope, input: SignalWorkflowInput): Promise<void> {
  run.assertWritable("signalExternal");
  const seq = run.nextSeq("signalExternal");
  const t = input.target;
  const target: SignalExternalCommand["target"] = t.kind === "child"
    ? { kind: "child", workflowId: t.workflowId }
    : {
      kind: "execution",
      namespace: t.namespace,
      workflowId: t.workflowId,
      ...(t.runId === undefined ? {} : { runId: t.runId }),
    };
  return new Promise<void>((resolve, reject) => {
    if (scope.consideredCancelled) {
      reject(scope.cancellationReason ?? new CancelledFailure("Signal cancelled before it was sent"));
      return;
    }
    run.pushCommand({
      kind: "signalExternal",
      seq,
      target,
      signalName: input.signalName,
      args: toPayloadsJson(input.args),
      ...(Object.keys(input.headers).length === 0 ? {} : { headers: { ...input.headers } }),
    });
    let sent = false;
    const unsubscribe = scope.onCancel(() => {
      if (sent || !run.pending.signalExternal.has(seq)) return;
      sent = true;
      run.pushCommand({ kind: "cancelSignalExternal", seq });
    });
    run.pending.signalExternal.set(seq, {
      resolve: () => {
        unsubscribe();
        resolve();
      },
      reject: (error) => {
        unsubscribe();
        reject(error);
      },
    });
  });
}

function requestCancel(run: Activator, input: CancelWorkflowInput): Promise<void> {
  run.assertWritable("requestCancelExternal");
  const seq = run.nextSeq("cancelExternal");
  return new Promise<void>((resolve, reject) => {
    run.pushCommand({
      kind: "requestCancelExternal",
      seq,
      namespace: input.namespace,
      workflowId: input.workflowId,
      ...(input.runId === undefined ? {} : { runId: input.runId }),
    });
    run.pending.cancelExternal.set(seq, { resolve: () => resolve(), reject });
  });
}

/**
 * A handle to signal or cancel another workflow (in this namespace).
 *
 * @param workflowId The workflow id.
 * @param runId A specific run; default: the latest run.
 *
 * @example
 * ```ts
 * const other = getExternalWorkflowHandle("order-1");
 * await other.signal("approve", "ok");
 * await other.cancel();
 * ```
 */
export function getExternalWorkflowHandle(workflowId: string, runId?: string): ExternalWorkflowHandle {
  const run = activator();
  const namespace = run.info.namespace;
  return {
    workflowId,
    runId,
    signal: (signal, ...args) =>
      signalExternal(
        { kind: "execution", namespace, workflowId, ...(runId === undefined ? {} : { runId }) },
        signal,
        args,
      ),
    cancel: () => {
      const current = activator();
      current.assertWritable("requestCancelExternal");
      return runOutbound(
        current,
        "cancelWorkflow",
        { namespace, workflowId, ...(runId === undefined ? {} : { runId }) },
        (input) => ({ promise: requestCancel(current, input), extra: undefined }),
        true,
      ).promise;
    },
  };
}
