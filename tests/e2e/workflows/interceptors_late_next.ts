/** A workflow interceptors module whose activity interceptor awaits before calling next (refused). */
import type { WorkflowInterceptors } from "../../../sandbox/workflow/mod.ts";

export function interceptors(): WorkflowInterceptors {
  return {
    outbound: [{
      async scheduleActivity(input, next) {
        await Promise.resolve();
        return await next(input);
      },
    }],
  };
}
