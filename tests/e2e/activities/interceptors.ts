/** Activities and the activity interceptor of the interceptor tests (run on the host). */
import { defaultPayloadConverter } from "../../../common/default_payload_converter.ts";
import type { ActivityInboundInterceptor } from "../../../worker/activity/interceptors.ts";
import { info } from "../../../worker/activity/context_functions.ts";

/** Echoes the label with what the interceptor read from the headers (appended as arguments). */
export function echoTenant(label: string, tenant?: unknown, hop?: unknown): string {
  return `${label}:${String(tenant ?? "none")}:${String(hop ?? "-")}`;
}

/** What the activity interceptor saw, by activity type and label. */
export interface SeenHeaders {
  activityType: string;
  isLocal: boolean;
  headerNames: string[];
}

/** An activity interceptor that decodes the `tenant` and `hop` headers and passes them as extra arguments. */
export function headerReader(seen: SeenHeaders[]): ActivityInboundInterceptor {
  return {
    execute(input, next) {
      const decode = (name: string) => {
        const payload = input.headers[name];
        return payload === undefined ? undefined : defaultPayloadConverter.fromPayload(payload);
      };
      seen.push({
        activityType: info().activityType,
        isLocal: info().isLocal,
        headerNames: Object.keys(input.headers).sort(),
      });
      return next({ ...input, args: [...input.args, decode("tenant"), decode("hop")] });
    },
  };
}
