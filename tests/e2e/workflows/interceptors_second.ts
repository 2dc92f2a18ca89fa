/**
 * A second workflow interceptors module: proves the order (the first module's interceptors wrap
 * this one's) and that an outbound interceptor can rewrite a call's arguments and result.
 */
import { encodeHeader, type WorkflowInterceptors } from "../../../sandbox/workflow/mod.ts";

export function interceptors(): WorkflowInterceptors {
  return {
    outbound: [{
      async scheduleActivity(input, next) {
        const promise = next({ ...input, headers: { ...input.headers, hop: encodeHeader("second") } });
        const result = await promise;
        return input.activityType === "echoTenant" ? `${String(result)}!` : result;
      },
    }],
  };
}
