/**
 * What the client reports about a workflow execution: `describe()` and `listWorkflows()` entries,
 * and `countWorkflows()` results.
 *
 * @module
 */

import type { Payload } from "../common/failure_proto.ts";
import type { DataConverter } from "../common/data_converter.ts";
import type { UserMetadata } from "../gen/temporal/api/sdk/v1/user_metadata_pb.ts";
import type { WorkflowExecutionInfo } from "../gen/temporal/api/workflow/v1/message_pb.ts";
import type { DescribeWorkflowExecutionResponse } from "../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import { type ProtoTimestamp, timestampToDate } from "../common/timestamp.ts";
import { decodeFirst, decodeMap } from "./_data.ts";
import { decodeSearchAttributes, type TypedSearchAttributes } from "./search_attributes.ts";

/** The status of a workflow execution (`temporal.api.enums.v1.WorkflowExecutionStatus`). */
export const WorkflowExecutionStatus = {
  UNSPECIFIED: "UNSPECIFIED",
  RUNNING: "RUNNING",
  COMPLETED: "COMPLETED",
  FAILED: "FAILED",
  CANCELED: "CANCELED",
  TERMINATED: "TERMINATED",
  CONTINUED_AS_NEW: "CONTINUED_AS_NEW",
  TIMED_OUT: "TIMED_OUT",
  PAUSED: "PAUSED",
} as const;
/** The status of a workflow execution. */
export type WorkflowExecutionStatus = (typeof WorkflowExecutionStatus)[keyof typeof WorkflowExecutionStatus];

const STATUS_BY_NUMBER: readonly WorkflowExecutionStatus[] = Object.values(WorkflowExecutionStatus);

/** The name of a status number from the wire. */
export function workflowExecutionStatusName(value: number): WorkflowExecutionStatus {
  return STATUS_BY_NUMBER[value] ?? "UNSPECIFIED";
}

/**
 * A workflow execution as `listWorkflows()` and `describe()` report it. Memo and summaries go
 * through the payload codecs, so they are read with async methods.
 *
 * @example
 * ```ts
 * for await (const wf of client.listWorkflows("WorkflowType = 'order'")) {
 *   console.log(wf.workflowId, wf.status, await wf.memo());
 * }
 * ```
 */
export interface WorkflowExecutionDescription {
  readonly workflowId: string;
  readonly runId: string;
  readonly workflowType: string;
  readonly taskQueue: string;
  readonly status: WorkflowExecutionStatus;
  readonly startTime: Date | undefined;
  /** When the first workflow task was due (start time plus any start delay or cron backoff). */
  readonly executionTime: Date | undefined;
  readonly closeTime: Date | undefined;
  readonly historyLength: number;
  readonly historySizeBytes: number;
  /** The parent's workflow id and run id, for a child workflow. */
  readonly parent: { workflowId: string; runId: string } | undefined;
  /** The run id of the first run of the chain (continue-as-new, retries, cron). */
  readonly firstRunId: string | undefined;
  readonly searchAttributes: TypedSearchAttributes;
  /** Decodes the memo. */
  memo(): Promise<Record<string, unknown>>;
  /** Decodes the static summary (only `describe()` reports it). */
  staticSummary(): Promise<string | undefined>;
  /** Decodes the static details (only `describe()` reports it). */
  staticDetails(): Promise<string | undefined>;
  /** The raw `WorkflowExecutionInfo` message. */
  readonly raw: WorkflowExecutionInfo;
  /** The raw `DescribeWorkflowExecutionResponse`, for `describe()` only. */
  readonly rawDescription: DescribeWorkflowExecutionResponse | undefined;
}

/** The result of `countWorkflows()`. */
export interface WorkflowExecutionCount {
  /** Executions matching the query. */
  readonly count: number;
  /** With a `GROUP BY` query: one entry per group, its values and its count. */
  readonly groups: { readonly groupValues: unknown[]; readonly count: number }[];
}

function date(value: ProtoTimestamp | undefined): Date | undefined {
  return value === undefined ? undefined : timestampToDate(value);
}

function decodeText(dc: DataConverter, payload: Payload | undefined): Promise<string | undefined> {
  return payload === undefined
    ? Promise.resolve(undefined)
    : decodeFirst(dc, [payload]) as Promise<string | undefined>;
}

/** Builds a description from the wire info (and, for `describe()`, the whole response). */
export function toWorkflowExecutionDescription(
  dc: DataConverter,
  info: WorkflowExecutionInfo,
  response?: DescribeWorkflowExecutionResponse,
): WorkflowExecutionDescription {
  const metadata: UserMetadata | undefined = response?.executionConfig?.userMetadata;
  return {
    workflowId: info.execution?.workflowId ?? "",
    runId: info.execution?.runId ?? "",
    workflowType: info.type?.name ?? "",
    taskQueue: info.taskQueue,
    status: workflowExecutionStatusName(info.status),
    startTime: date(info.startTime),
    executionTime: date(info.executionTime),
    closeTime: date(info.closeTime),
    historyLength: Number(info.historyLength),
    historySizeBytes: Number(info.historySizeBytes),
    parent: info.parentExecution === undefined
      ? undefined
      : { workflowId: info.parentExecution.workflowId, runId: info.parentExecution.runId },
    firstRunId: info.firstRunId === "" ? undefined : info.firstRunId,
    searchAttributes: decodeSearchAttributes(info.searchAttributes?.indexedFields),
    memo: () => decodeMap(dc, info.memo?.fields),
    staticSummary: () => decodeText(dc, metadata?.summary),
    staticDetails: () => decodeText(dc, metadata?.details),
    raw: info,
    rawDescription: response,
  };
}
