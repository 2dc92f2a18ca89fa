/**
 * A workflow interceptors module (listed in the worker's `interceptors.workflowModules`): keeps
 * the run's start headers and copies the `tenant` header onto every activity, local activity and
 * child workflow; records the `tenant` header of each signal. Module state is per run (the
 * sandbox instantiates the bundle's modules afresh for each run).
 */
import {
  decodeHeader,
  type WorkflowHeaders,
  type WorkflowInterceptors,
} from "../../../sandbox/workflow/mod.ts";

let startHeaders: WorkflowHeaders = {};
const signalTenants: unknown[] = [];

/** The tenant this run was started with, as the inbound interceptor saw it. */
export function startTenant(): unknown {
  return decodeHeader(startHeaders["tenant"]);
}

/** The `tenant` header of each signal received so far. */
export function signalTenantsSeen(): unknown[] {
  return [...signalTenants];
}

function withTenant(headers: Readonly<WorkflowHeaders>): WorkflowHeaders {
  const tenant = startHeaders["tenant"];
  return tenant === undefined ? { ...headers } : { ...headers, tenant };
}

export function interceptors(): WorkflowInterceptors {
  return {
    inbound: [{
      execute(input, next) {
        startHeaders = { ...input.headers };
        return next(input);
      },
      handleSignal(input, next) {
        signalTenants.push(decodeHeader(input.headers["tenant"]));
        return next(input);
      },
    }],
    outbound: [{
      scheduleActivity: (input, next) => next({ ...input, headers: withTenant(input.headers) }),
      scheduleLocalActivity: (input, next) => next({ ...input, headers: withTenant(input.headers) }),
      startChildWorkflow: (input, next) => next({ ...input, headers: withTenant(input.headers) }),
    }],
  };
}
