/**
 * Other workflows: signal or cancel them with `getExternalWorkflowHandle`.
 *
 * @module
 */

import { CancelledFailure } from "../../common/failures.ts";
import type { SignalExternalCommand } from "../protocol.ts";
import { CancellationScope } from "./cancellation_scope.ts";
import { activator } from "./internal/context.ts";
import { toPayloadsJson } from "./internal/converter.ts";
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

/** Internal: sends a signal to a child or an external workflow. */
export function signalExternal(
  target: SignalExternalCommand["target"],
  signal: SignalDefinition<unknown[]> | string,
  args: unknown[],
): Promise<void> {
  const run = activator();
  run.assertWritable("signalExternal");
  const scope = CancellationScope.current();
  const seq = run.nextSeq("signalExternal");
  const signalName = typeof signal === "string" ? signal : signal.name;
  return new Promise<void>((resolve, reject) => {
    if (scope.consideredCancelled) {
      reject(scope.cancellationReason ?? new CancelledFailure("Signal cancelled before it was sent"));
      return;
    }
    run.pushCommand({ kind: "signalExternal", seq, target, signalName, args: toPayloadsJson(args) });
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
      const seq = current.nextSeq("cancelExternal");
      return new Promise<void>((resolve, reject) => {
        current.pushCommand({
          kind: "requestCancelExternal",
          seq,
          namespace,
          workflowId,
          ...(runId === undefined ? {} : { runId }),
        });
        current.pending.cancelExternal.set(seq, { resolve: () => resolve(), reject });
      });
    },
  };
}
