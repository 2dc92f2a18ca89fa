/**
 * The workflow side of Sandglass's OpenTelemetry tracing, a workflow interceptors module (list it
 * in the worker's `interceptors.workflowModules`, e.g. as `TRACING_WORKFLOW_MODULE`). The sandbox
 * has no OpenTelemetry SDK and workflow code is replayed, so this module creates no spans: it
 * carries the `_tracer-data` header the run was started with onto every activity, local activity
 * and child workflow it schedules (unless the call already has one). The spans are made on the
 * host — by the client interceptor and the activity interceptor — once per real call, never on
 * replay.
 *
 * @module
 */

import type { WorkflowHeaders, WorkflowInterceptors } from "./interceptors.ts";

const TRACER_HEADER = "_tracer-data";

/**
 * The per-run interceptors (called by the runtime).
 *
 * @example
 * ```ts
 * new Worker(client, { taskQueue, workflowsPath, interceptors: { workflowModules: [TRACING_WORKFLOW_MODULE] } });
 * ```
 */
export function interceptors(): WorkflowInterceptors {
  let tracerData: WorkflowHeaders[string] | undefined;
  const carry = (headers: Readonly<WorkflowHeaders>): WorkflowHeaders =>
    tracerData === undefined || headers[TRACER_HEADER] !== undefined
      ? { ...headers }
      : { ...headers, [TRACER_HEADER]: tracerData };
  return {
    inbound: [{
      execute(input, next) {
        tracerData = input.headers[TRACER_HEADER];
        return next(input);
      },
    }],
    outbound: [{
      scheduleActivity: (input, next) => next({ ...input, headers: carry(input.headers) }),
      scheduleLocalActivity: (input, next) => next({ ...input, headers: carry(input.headers) }),
      startChildWorkflow: (input, next) => next({ ...input, headers: carry(input.headers) }),
    }],
  };
}
