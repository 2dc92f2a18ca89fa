/**
 * `runInThread`: runs CPU-heavy activity work in a worker thread (`node:worker_threads`, which
 * Deno, Bun and Node support), so the worker's event loop — its pollers, heartbeats and other
 * activities — keeps running while the work computes.
 *
 * @module
 */

import { Worker as ThreadWorker } from "node:worker_threads";
import { ApplicationFailure, CancelledFailure } from "../../common/failures.ts";
import { activityContext, inActivity } from "./activity_context.ts";

/** Options of {@linkcode runInThread}. */
export interface RunInThreadOptions {
  /**
   * Terminates the thread when aborted; the promise rejects with the signal's reason. Default:
   * the current activity's cancellation signal (none outside an activity).
   */
  signal?: AbortSignal;
}

/** The thread entry beside this file (`.ts` from source, `.js` in the built npm package). */
const ENTRY = new URL(
  import.meta.url.endsWith(".ts") ? "./thread_entry.ts" : "./thread_entry.js",
  import.meta.url,
);

/**
 * Calls the function exported as `exportName` by `module` (a `file:` URL or absolute path) in a
 * new worker thread with `args` (structured-cloned), and resolves with its result. An error it
 * throws rejects the promise as an `ApplicationFailure` with the error's type (or name), message,
 * `nonRetryable` and `details`.
 *
 * @throws {CancelledFailure} (rejects) If the signal aborts; the thread is terminated.
 *
 * @example
 * ```ts
 * // activities.ts
 * export async function resize(image: Uint8Array): Promise<Uint8Array> {
 *   return await runInThread(new URL("./resize_cpu.ts", import.meta.url), "resize", [image]);
 * }
 * ```
 */
export function runInThread<R = unknown>(
  module: string | URL,
  exportName: string,
  args: readonly unknown[] = [],
  options: RunInThreadOptions = {},
): Promise<R> {
  const signal = options.signal ?? (inActivity() ? activityContext().cancellationSignal : undefined);
  if (signal?.aborted) return Promise.reject(reasonOf(signal));
  const moduleUrl = module instanceof URL ? module.href : new URL(module, "file://").href;
  return new Promise<R>((resolve, reject) => {
    const thread = new ThreadWorker(ENTRY, {
      workerData: { module: moduleUrl, exportName, args: [...args] },
    });
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      signal?.removeEventListener("abort", onAbort);
      fn();
    };
    const onAbort = () => {
      finish(() => reject(reasonOf(signal!)));
      void thread.terminate();
    };
    signal?.addEventListener("abort", onAbort, { once: true });
    thread.once("message", (message: { ok: true; result: R } | { ok: false; error: ThreadError }) => {
      finish(() => (message.ok ? resolve(message.result) : reject(toFailure(message.error))));
      void thread.terminate();
    });
    thread.once("error", (error) => finish(() => reject(error)));
    thread.once("exit", (code) => {
      finish(() =>
        reject(
          new Error(`The worker thread running '${exportName}' exited with code ${code} before answering`),
        )
      );
    });
  });
}

interface ThreadError {
  name: string;
  message: string;
  stack: string;
  type: string | undefined;
  nonRetryable: boolean;
  details: unknown[];
}

function toFailure(error: ThreadError): ApplicationFailure {
  const failure = new ApplicationFailure(error.message, {
    type: error.type ?? error.name,
    nonRetryable: error.nonRetryable,
    details: error.details,
  });
  if (error.stack !== "") failure.stack = error.stack;
  return failure;
}

function reasonOf(signal: AbortSignal): unknown {
  return signal.reason instanceof Error ? signal.reason : new CancelledFailure("Cancelled");
}
