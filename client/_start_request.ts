/**
 * Internal: the fields shared by `StartWorkflowExecutionRequest`,
 * `SignalWithStartWorkflowExecutionRequest` and the start operation of update-with-start.
 *
 * @module
 */

import type { MessageInitShape } from "@bufbuild/protobuf";
import { durationToProto } from "../common/duration.ts";
import type { Duration } from "../common/duration.ts";
import type {
  WorkflowIdConflictPolicy as ConflictProto,
  WorkflowIdReusePolicy as ReuseProto,
} from "../gen/temporal/api/enums/v1/workflow_pb.ts";
import type { StartWorkflowExecutionRequestSchema } from "../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import { encodeMap, encodeValue, encodeValues } from "./_data.ts";
import type { ClientContext } from "./_context.ts";
import type { StartWorkflowInput } from "./interceptors.ts";
import { retryPolicyToProto } from "./retry_policy.ts";
import { encodeSearchAttributes } from "./search_attributes.ts";

const REUSE: Readonly<Record<string, number>> = {
  ALLOW_DUPLICATE: 1,
  ALLOW_DUPLICATE_FAILED_ONLY: 2,
  REJECT_DUPLICATE: 3,
  TERMINATE_IF_RUNNING: 4,
};
const CONFLICT: Readonly<Record<string, number>> = { FAIL: 1, USE_EXISTING: 2, TERMINATE_EXISTING: 3 };

function duration(value: Duration | undefined) {
  return value === undefined ? undefined : durationToProto(value);
}

/** The start request (without eager execution), with payloads converted and encoded. */
export async function buildStartRequest(
  ctx: ClientContext,
  input: StartWorkflowInput,
): Promise<MessageInitShape<typeof StartWorkflowExecutionRequestSchema>> {
  const o = input.options;
  const dc = ctx.dataConverter;
  const memo = await encodeMap(dc, o.memo);
  const summary = o.staticSummary === undefined ? undefined : await encodeValue(dc, o.staticSummary);
  const details = o.staticDetails === undefined ? undefined : await encodeValue(dc, o.staticDetails);
  return {
    namespace: ctx.namespace,
    workflowId: o.id,
    workflowType: { name: input.workflowType },
    taskQueue: { name: o.taskQueue },
    input: { payloads: await encodeValues(dc, o.args ?? []) },
    workflowExecutionTimeout: duration(o.executionTimeout),
    workflowRunTimeout: duration(o.runTimeout),
    workflowTaskTimeout: duration(o.taskTimeout),
    identity: ctx.identity,
    requestId: crypto.randomUUID(),
    workflowIdReusePolicy: (o.idReusePolicy === undefined ? 0 : REUSE[o.idReusePolicy] ?? 0) as ReuseProto,
    workflowIdConflictPolicy:
      (o.idConflictPolicy === undefined ? 0 : CONFLICT[o.idConflictPolicy] ?? 0) as ConflictProto,
    retryPolicy: o.retryPolicy === undefined ? undefined : retryPolicyToProto(o.retryPolicy),
    cronSchedule: o.cronSchedule ?? "",
    memo: memo === undefined ? undefined : { fields: memo },
    searchAttributes: o.searchAttributes === undefined
      ? undefined
      : { indexedFields: encodeSearchAttributes(o.searchAttributes) },
    header: { fields: { ...input.headers } },
    workflowStartDelay: duration(o.startDelay),
    userMetadata: summary === undefined && details === undefined ? undefined : { summary, details },
    priority: o.priority === undefined ? undefined : {
      priorityKey: o.priority.priorityKey ?? 0,
      fairnessKey: o.priority.fairnessKey ?? "",
      fairnessWeight: o.priority.fairnessWeight ?? 0,
    },
  };
}
