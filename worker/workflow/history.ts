/**
 * History helpers: which events answer commands, reading the full history of a run page by page,
 * and the randomness seed derived from a run id.
 *
 * @module
 */

import type { DescMessage, MessageInitShape, MessageShape } from "@bufbuild/protobuf";
import type { HistoryEvent } from "../../gen/temporal/api/history/v1/message_pb.ts";
import type {
  GetWorkflowExecutionHistoryRequestSchema,
  GetWorkflowExecutionHistoryResponseSchema,
  RespondQueryTaskCompletedRequestSchema,
  RespondQueryTaskCompletedResponseSchema,
  RespondWorkflowTaskCompletedRequestSchema,
  RespondWorkflowTaskCompletedResponseSchema,
  RespondWorkflowTaskFailedRequestSchema,
  RespondWorkflowTaskFailedResponseSchema,
} from "../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import type { EventCase } from "./machines/machine.ts";

/** The history events that a workflow command produces (matched in order against the commands). */
export const COMMAND_EVENTS: ReadonlySet<EventCase> = new Set<EventCase>([
  "timerStartedEventAttributes",
  "timerCanceledEventAttributes",
  "activityTaskScheduledEventAttributes",
  "activityTaskCancelRequestedEventAttributes",
  "workflowExecutionCompletedEventAttributes",
  "workflowExecutionFailedEventAttributes",
  "workflowExecutionCanceledEventAttributes",
  "workflowExecutionContinuedAsNewEventAttributes",
  "markerRecordedEventAttributes",
  "startChildWorkflowExecutionInitiatedEventAttributes",
  "requestCancelExternalWorkflowExecutionInitiatedEventAttributes",
  "signalExternalWorkflowExecutionInitiatedEventAttributes",
  "upsertWorkflowSearchAttributesEventAttributes",
  "workflowPropertiesModifiedEventAttributes",
  "workflowExecutionUpdateAcceptedEventAttributes",
  "workflowExecutionUpdateCompletedEventAttributes",
  "workflowExecutionUpdateRejectedEventAttributes",
  "nexusOperationScheduledEventAttributes",
  "nexusOperationCancelRequestedEventAttributes",
]);

/** True if `event` is produced by a workflow command. */
export function isCommandEvent(event: HistoryEvent): boolean {
  const c = event.attributes.case;
  return c !== undefined && COMMAND_EVENTS.has(c);
}

type Unary<I extends DescMessage, O extends DescMessage> = (
  request: MessageInitShape<I>,
) => Promise<MessageShape<O>>;

/**
 * The part of the workflow service the engine calls; a Connect client of `WorkflowService` or the
 * connection's `workflowService` satisfies it.
 */
export interface WorkflowServiceClient {
  getWorkflowExecutionHistory: Unary<
    typeof GetWorkflowExecutionHistoryRequestSchema,
    typeof GetWorkflowExecutionHistoryResponseSchema
  >;
  respondWorkflowTaskCompleted: Unary<
    typeof RespondWorkflowTaskCompletedRequestSchema,
    typeof RespondWorkflowTaskCompletedResponseSchema
  >;
  respondWorkflowTaskFailed: Unary<
    typeof RespondWorkflowTaskFailedRequestSchema,
    typeof RespondWorkflowTaskFailedResponseSchema
  >;
  respondQueryTaskCompleted: Unary<
    typeof RespondQueryTaskCompletedRequestSchema,
    typeof RespondQueryTaskCompletedResponseSchema
  >;
}

/**
 * Reads the rest of a history page by page, starting from `nextPageToken` (an empty token reads
 * from the first event).
 */
export async function fetchHistoryPages(
  service: WorkflowServiceClient,
  request: { namespace: string; workflowId: string; runId: string; nextPageToken: Uint8Array },
): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let token = request.nextPageToken;
  let first = true;
  while (first || token.length > 0) {
    first = false;
    const response = await service.getWorkflowExecutionHistory({
      namespace: request.namespace,
      execution: { workflowId: request.workflowId, runId: request.runId },
      nextPageToken: token,
    });
    events.push(...(response.history?.events ?? []));
    token = response.nextPageToken;
  }
  return events;
}

/** A 64-bit seed (decimal string) derived from a run id with FNV-1a; stable across SDK runtimes. */
export function randomnessSeed(runId: string): string {
  let hash = 0xcbf29ce484222325n;
  for (const byte of new TextEncoder().encode(runId)) {
    hash ^= BigInt(byte);
    hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return hash.toString();
}
