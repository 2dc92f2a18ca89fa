/**
 * Client interceptors: an outbound chain around every call the client makes. An interceptor
 * implements the calls it cares about; each receives the call's input and `next`, and may change
 * the input (for example add `headers`, which travel in the request's `header` field to the
 * worker, or `rpcMetadata`), observe or replace the output, or throw.
 *
 * @module
 */

import type { Payload } from "../common/failure_proto.ts";
import type { HistoryEvent } from "../gen/temporal/api/history/v1/message_pb.ts";
import type { RpcOptions } from "./types.ts";
import type { WorkflowStartOptions } from "./workflow_options.ts";
import type { QueryRejectCondition } from "./query_reject_condition.ts";
import type { WorkflowExecutionCount, WorkflowExecutionDescription } from "./workflow_execution.ts";
import type { WorkflowUpdateStage } from "./update_stage.ts";
import type { ScheduleCalls } from "./schedule_interceptors.ts";
import type { AsyncActivityCalls } from "./async_completion.ts";
import type { BuildIdCalls } from "./build_id.ts";

/** Headers of a call: name to payload; they reach workflow and activity interceptors on the worker. */
export type PayloadHeaders = Record<string, Payload>;

/** Input of `startWorkflow` (also of `executeWorkflow`). */
export interface StartWorkflowInput {
  readonly workflowType: string;
  readonly options: WorkflowStartOptions;
  readonly headers: PayloadHeaders;
}

/** Output of `startWorkflow` and `signalWithStart`. */
export interface StartWorkflowOutput {
  readonly runId: string;
  /** The run id that started the chain, when the server reports it. */
  readonly firstExecutionRunId?: string;
  /** False if an existing run was used (conflict policy `USE_EXISTING`). */
  readonly started: boolean;
}

/** Input of `signalWithStart`: a start whose options carry `startSignal`. */
export interface SignalWithStartInput extends StartWorkflowInput {
  readonly signalName: string;
  readonly signalArgs: readonly unknown[];
}

/** Input of `signalWorkflow`. */
export interface SignalWorkflowInput extends RpcOptions {
  readonly workflowId: string;
  readonly runId?: string;
  readonly signalName: string;
  readonly args: readonly unknown[];
  readonly headers: PayloadHeaders;
}

/** Input of `queryWorkflow`; the output is the decoded answer. */
export interface QueryWorkflowInput extends RpcOptions {
  readonly workflowId: string;
  readonly runId?: string;
  readonly queryType: string;
  readonly args: readonly unknown[];
  readonly rejectCondition?: QueryRejectCondition;
  readonly headers: PayloadHeaders;
}

/** Input of `startWorkflowUpdate`. */
export interface StartWorkflowUpdateInput extends RpcOptions {
  readonly workflowId: string;
  readonly runId?: string;
  readonly firstExecutionRunId?: string;
  readonly updateId: string;
  readonly updateName: string;
  readonly args: readonly unknown[];
  readonly waitForStage: WorkflowUpdateStage;
  readonly headers: PayloadHeaders;
}

/** The outcome of an update: its decoded result, or the error it failed with. */
export type WorkflowUpdateOutcome = { readonly result: unknown } | { readonly error: Error };

/** Output of `startWorkflowUpdate`. */
export interface StartWorkflowUpdateOutput {
  readonly workflowId: string;
  readonly runId: string;
  readonly updateId: string;
  /** Present if the update had already completed when the call returned. */
  readonly outcome?: WorkflowUpdateOutcome;
}

/** Input of `pollWorkflowUpdate`; the output is the update's outcome. */
export interface PollWorkflowUpdateInput extends RpcOptions {
  readonly workflowId: string;
  readonly runId?: string;
  readonly updateId: string;
}

/** Input of `startUpdateWithStart`. */
export interface StartUpdateWithStartInput extends RpcOptions {
  readonly start: StartWorkflowInput;
  readonly update: Omit<StartWorkflowUpdateInput, "workflowId" | "runId" | "firstExecutionRunId">;
}

/** Output of `startUpdateWithStart`. */
export interface StartUpdateWithStartOutput {
  readonly start: StartWorkflowOutput;
  readonly update: StartWorkflowUpdateOutput;
}

/** Input of `describeWorkflow`. */
export interface DescribeWorkflowInput extends RpcOptions {
  readonly workflowId: string;
  readonly runId?: string;
}

/** Input of `cancelWorkflow`. */
export interface CancelWorkflowInput extends RpcOptions {
  readonly workflowId: string;
  readonly runId?: string;
  readonly firstExecutionRunId?: string;
  readonly reason?: string;
}

/** Input of `terminateWorkflow`. */
export interface TerminateWorkflowInput extends RpcOptions {
  readonly workflowId: string;
  readonly runId?: string;
  readonly firstExecutionRunId?: string;
  readonly reason?: string;
  readonly details: readonly unknown[];
}

/** Input of `fetchWorkflowHistoryEvents`: one page of history. */
export interface FetchWorkflowHistoryEventsInput extends RpcOptions {
  readonly workflowId: string;
  readonly runId?: string;
  readonly pageSize?: number;
  readonly nextPageToken?: Uint8Array;
  /** Long-poll for new events instead of returning at once. */
  readonly waitNewEvent: boolean;
  /** Only the close event (`"CLOSE_EVENT"`) or every event (`"ALL_EVENT"`). */
  readonly eventFilterType: "ALL_EVENT" | "CLOSE_EVENT";
  readonly skipArchival: boolean;
}

/** Output of `fetchWorkflowHistoryEvents`. */
export interface FetchWorkflowHistoryEventsOutput {
  readonly events: HistoryEvent[];
  /** Empty when there are no more pages. */
  readonly nextPageToken: Uint8Array;
}

/** Input of `listWorkflows`: one page. */
export interface ListWorkflowsInput extends RpcOptions {
  readonly query?: string;
  readonly pageSize: number;
  readonly nextPageToken?: Uint8Array;
}

/** Output of `listWorkflows`. */
export interface ListWorkflowsOutput {
  readonly executions: WorkflowExecutionDescription[];
  readonly nextPageToken: Uint8Array;
}

/** Input of `countWorkflows`. */
export interface CountWorkflowsInput extends RpcOptions {
  readonly query?: string;
}

/** Every interceptable workflow call: its input and output. */
export interface WorkflowCalls {
  startWorkflow: [StartWorkflowInput, StartWorkflowOutput];
  signalWithStart: [SignalWithStartInput, StartWorkflowOutput];
  signalWorkflow: [SignalWorkflowInput, void];
  queryWorkflow: [QueryWorkflowInput, unknown];
  startWorkflowUpdate: [StartWorkflowUpdateInput, StartWorkflowUpdateOutput];
  pollWorkflowUpdate: [PollWorkflowUpdateInput, WorkflowUpdateOutcome];
  startUpdateWithStart: [StartUpdateWithStartInput, StartUpdateWithStartOutput];
  describeWorkflow: [DescribeWorkflowInput, WorkflowExecutionDescription];
  cancelWorkflow: [CancelWorkflowInput, void];
  terminateWorkflow: [TerminateWorkflowInput, void];
  fetchWorkflowHistoryEvents: [FetchWorkflowHistoryEventsInput, FetchWorkflowHistoryEventsOutput];
  listWorkflows: [ListWorkflowsInput, ListWorkflowsOutput];
  countWorkflows: [CountWorkflowsInput, WorkflowExecutionCount];
}

/** Every interceptable client call, by name: `[input, output]`. */
export interface ClientCalls extends WorkflowCalls, ScheduleCalls, AsyncActivityCalls, BuildIdCalls {}

/** The name of an interceptable client call. */
export type ClientCallName = keyof ClientCalls;

/** The continuation an interceptor calls to proceed with (a possibly changed) input. */
export type Next<K extends ClientCallName> = (input: ClientCalls[K][0]) => Promise<ClientCalls[K][1]>;

/**
 * A client interceptor: implement any of the calls. Interceptors given to the client earlier wrap
 * the later ones, so the first sees the call first and the result last.
 *
 * @example
 * ```ts
 * const tracing: ClientInterceptor = {
 *   startWorkflow(input, next) {
 *     const traceId = defaultPayloadConverter.toPayload(crypto.randomUUID());
 *     return next({ ...input, headers: { ...input.headers, "trace-id": traceId } });
 *   },
 * };
 * const client = await Client.connect("localhost:7233", { interceptors: [tracing] });
 * ```
 */
export type ClientInterceptor = {
  [K in ClientCallName]?: (input: ClientCalls[K][0], next: Next<K>) => Promise<ClientCalls[K][1]>;
};

/**
 * Runs a call through the interceptors (first outermost) and then `terminal`.
 *
 * @example
 * ```ts
 * await runIntercepted(interceptors, "countWorkflows", { query: "" }, (input) => doCount(input));
 * ```
 */
export function runIntercepted<K extends ClientCallName>(
  interceptors: readonly ClientInterceptor[],
  call: K,
  input: ClientCalls[K][0],
  terminal: Next<K>,
): Promise<ClientCalls[K][1]> {
  let next: Next<K> = terminal;
  for (let i = interceptors.length - 1; i >= 0; i--) {
    const method = interceptors[i]![call] as
      | ((input: ClientCalls[K][0], next: Next<K>) => Promise<ClientCalls[K][1]>)
      | undefined;
    if (method === undefined) continue;
    const inner = next;
    const interceptor = interceptors[i]!;
    next = (value) => method.call(interceptor, value, inner);
  }
  return next(input);
}
