/**
 * A workflow interceptors module for the interception points beyond activities and children:
 * queries, update validation and handling, continue-as-new, signals to other workflows and
 * children, and cancellation requests. It records what it saw (module state is per run) and changes
 * inputs and results, so the tests can tell it ran.
 */
import { decodeHeader, encodeHeader, type WorkflowInterceptors } from "../../../sandbox/workflow/mod.ts";

const seen: string[] = [];

/** What this run's interceptors saw, in order. */
export function callsSeen(): string[] {
  return [...seen];
}

export function interceptors(): WorkflowInterceptors {
  return {
    inbound: [{
      handleQuery(input, next) {
        // Queries are read-only: nothing is recorded, the answer is wrapped.
        return { answer: next(input), tenant: decodeHeader(input.headers["tenant"]) ?? null };
      },
      validateUpdate(input, next) {
        if (typeof input.args[0] === "number" && input.args[0] < 0) {
          throw new Error(`Interceptor refused update '${input.updateName}' with ${input.args[0]}`);
        }
        next(input);
      },
      handleUpdate(input, next) {
        seen.push(`update:${input.updateName}:${String(decodeHeader(input.headers["tenant"]))}`);
        // Doubles the update's argument.
        return next({ ...input, args: [(input.args[0] as number) * 2] });
      },
      handleSignal(input, next) {
        const hop = decodeHeader(input.headers["hop"]);
        if (hop !== undefined) seen.push(`signal:${input.signalName}:${String(hop)}`);
        return next(input);
      },
    }],
    outbound: [{
      signalWorkflow(input, next) {
        seen.push(`send:${input.signalName}:${input.target.kind}`);
        return next({
          ...input,
          headers: { ...input.headers, hop: encodeHeader(`via-${input.target.kind}`) },
        });
      },
      cancelWorkflow(input, next) {
        seen.push(`cancel:${input.workflowId}`);
        return next(input);
      },
      continueAsNew(input, next) {
        seen.push(`continue:${input.options.workflowType}`);
        return next({ ...input, headers: { ...input.headers, tenant: encodeHeader("continued") } });
      },
    }],
  };
}
