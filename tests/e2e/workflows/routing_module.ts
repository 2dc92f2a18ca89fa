/**
 * A workflow interceptors module that changes the commands a workflow issues: it routes the
 * `greet` activity to `greetV2`. Histories recorded with it replay only with it.
 */
import type { WorkflowInterceptors } from "../../../sandbox/workflow/mod.ts";

export function interceptors(): WorkflowInterceptors {
  return {
    outbound: [{
      scheduleActivity: (input, next) =>
        next(input.activityType === "greet" ? { ...input, activityType: "greetV2" } : input),
    }],
  };
}
