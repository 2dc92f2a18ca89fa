/**
 * Internal: the entry of a worker thread started by `runInThread`: imports the module, calls the
 * export with the arguments, and posts back the result or the error.
 *
 * @module
 */

import { parentPort, workerData } from "node:worker_threads";

interface Job {
  module: string;
  exportName: string;
  args: unknown[];
}

const job = workerData as Job;
try {
  const mod = (await import(job.module)) as Record<string, unknown>;
  const fn = mod[job.exportName];
  if (typeof fn !== "function") {
    throw new TypeError(`Module '${job.module}' has no function export '${job.exportName}'`);
  }
  const result = await (fn as (...args: unknown[]) => unknown)(...job.args);
  parentPort?.postMessage({ ok: true, result });
} catch (thrown) {
  const error = thrown as {
    name?: unknown;
    message?: unknown;
    stack?: unknown;
    type?: unknown;
    nonRetryable?: unknown;
    details?: unknown;
  };
  parentPort?.postMessage({
    ok: false,
    error: {
      name: typeof error?.name === "string" ? error.name : "Error",
      message: typeof error?.message === "string" ? error.message : String(thrown),
      stack: typeof error?.stack === "string" ? error.stack : "",
      type: typeof error?.type === "string" ? error.type : undefined,
      nonRetryable: error?.nonRetryable === true,
      details: Array.isArray(error?.details) ? error.details : [],
    },
  });
}
