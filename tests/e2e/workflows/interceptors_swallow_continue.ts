/** A workflow interceptors module whose continueAsNew swallows the error `next` throws (refused). */
import type { WorkflowInterceptors } from "../../../sandbox/workflow/mod.ts";

export function interceptors(): WorkflowInterceptors {
  return {
    outbound: [{
      continueAsNew(input, next) {
        try {
          return next(input);
        } catch {
          return undefined as never;
        }
      },
    }],
  };
}
