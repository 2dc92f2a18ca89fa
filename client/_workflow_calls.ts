/**
 * Internal: the implementations of the interceptable workflow calls, each one or a few RPCs.
 *
 * @module
 */

import type { Outcome } from "../gen/temporal/api/update/v1/message_pb.ts";
import { rpcRuntime } from "./_rpc_runtime_loader.ts";
import { decodeFirst, encodeValues, failureToError } from "./_data.ts";
import { callOptions, type ClientContext } from "./_context.ts";
import { buildStartRequest } from "./_start_request.ts";
import {
  mapQueryError,
  mapStartError,
  mapUpdateError,
  mapWorkflowError,
  queryRejectedError,
  updateFailedError,
} from "./_errors.ts";
import type {
  CancelWorkflowInput,
  CountWorkflowsInput,
  DescribeWorkflowInput,
  FetchWorkflowHistoryEventsInput,
  FetchWorkflowHistoryEventsOutput,
  ListWorkflowsInput,
  ListWorkflowsOutput,
  PollWorkflowUpdateInput,
  QueryWorkflowInput,
  SignalWithStartInput,
  SignalWorkflowInput,
  StartWorkflowInput,
  StartWorkflowOutput,
  StartWorkflowUpdateInput,
  StartWorkflowUpdateOutput,
  TerminateWorkflowInput,
  WorkflowUpdateOutcome,
} from "./interceptors.ts";
import { queryRejectConditionToProto } from "./query_reject_condition.ts";
import { updateStageToProto } from "./update_stage.ts";
import {
  toWorkflowExecutionDescription,
  type WorkflowExecutionCount,
  type WorkflowExecutionDescription,
  workflowExecutionStatusName,
} from "./workflow_execution.ts";
import type { EagerStartDispatcher } from "./eager_start.ts";

const STAGE_COMPLETED = 3;

/** StartWorkflowExecution; hands an eager workflow task to the dispatcher when one comes back. */
export async function startWorkflow(
  ctx: ClientContext,
  input: StartWorkflowInput,
  eager: EagerStartDispatcher,
): Promise<StartWorkflowOutput> {
  const { create, StartWorkflowExecutionRequestSchema } = rpcRuntime();
  const request = create(StartWorkflowExecutionRequestSchema, await buildStartRequest(ctx, input));
  const release = input.options.requestEagerStart ? eager.reserve(input.options.taskQueue) : undefined;
  request.requestEagerExecution = release !== undefined;
  try {
    const response = await ctx.workflowService.startWorkflowExecution(request, callOptions(input.options));
    if (release !== undefined) release(response.eagerWorkflowTask);
    return { runId: response.runId, started: response.started };
  } catch (err) {
    release?.(undefined);
    throw mapStartError(err, input.options.id, input.workflowType);
  }
}

/** SignalWithStartWorkflowExecution. */
export async function signalWithStart(
  ctx: ClientContext,
  input: SignalWithStartInput,
): Promise<StartWorkflowOutput> {
  const start = await buildStartRequest(ctx, input);
  try {
    const response = await ctx.workflowService.signalWithStartWorkflowExecution(
      {
        ...start,
        signalName: input.signalName,
        signalInput: { payloads: await encodeValues(ctx.dataConverter, input.signalArgs) },
      } as never,
      callOptions(input.options),
    );
    return { runId: response.runId, started: response.started };
  } catch (err) {
    throw mapStartError(err, input.options.id, input.workflowType);
  }
}

/** SignalWorkflowExecution. */
export async function signalWorkflow(ctx: ClientContext, input: SignalWorkflowInput): Promise<void> {
  try {
    await ctx.workflowService.signalWorkflowExecution({
      namespace: ctx.namespace,
      workflowExecution: { workflowId: input.workflowId, runId: input.runId ?? "" },
      signalName: input.signalName,
      input: { payloads: await encodeValues(ctx.dataConverter, input.args) },
      identity: ctx.identity,
      requestId: crypto.randomUUID(),
      header: { fields: { ...input.headers } },
    }, callOptions(input));
  } catch (err) {
    throw mapWorkflowError(err, input.workflowId, input.runId);
  }
}

/** QueryWorkflow. */
export async function queryWorkflow(ctx: ClientContext, input: QueryWorkflowInput): Promise<unknown> {
  let response;
  try {
    response = await ctx.workflowService.queryWorkflow({
      namespace: ctx.namespace,
      execution: { workflowId: input.workflowId, runId: input.runId ?? "" },
      query: {
        queryType: input.queryType,
        queryArgs: { payloads: await encodeValues(ctx.dataConverter, input.args) },
        header: { fields: { ...input.headers } },
      },
      queryRejectCondition: queryRejectConditionToProto(
        input.rejectCondition ?? ctx.defaultQueryRejectCondition,
      ),
    }, callOptions(input));
  } catch (err) {
    throw mapQueryError(err, input.workflowId, input.runId);
  }
  if (response.queryRejected !== undefined) {
    throw queryRejectedError(workflowExecutionStatusName(response.queryRejected.status));
  }
  return await decodeFirst(ctx.dataConverter, response.queryResult?.payloads);
}

/** Converts an update outcome from the wire. */
export async function updateOutcome(
  ctx: ClientContext,
  outcome: Outcome,
  workflowId: string,
  runId: string,
  updateId: string,
  updateName: string | undefined,
): Promise<WorkflowUpdateOutcome> {
  if (outcome.value.case === "failure") {
    const cause = await failureToError(ctx.dataConverter, outcome.value.value);
    return { error: updateFailedError(cause, { workflowId, runId, updateId, updateName }) };
  }
  return { result: await decodeFirst(ctx.dataConverter, outcome.value.value?.payloads) };
}

/** UpdateWorkflowExecution, repeated until the update reaches the stage waited for. */
export async function startWorkflowUpdate(
  ctx: ClientContext,
  input: StartWorkflowUpdateInput,
): Promise<StartWorkflowUpdateOutput> {
  const stage = updateStageToProto(input.waitForStage);
  const request = {
    namespace: ctx.namespace,
    workflowExecution: { workflowId: input.workflowId, runId: input.runId ?? "" },
    firstExecutionRunId: input.firstExecutionRunId ?? "",
    waitPolicy: { lifecycleStage: stage },
    request: {
      meta: { updateId: input.updateId, identity: ctx.identity },
      input: {
        header: { fields: { ...input.headers } },
        name: input.updateName,
        args: { payloads: await encodeValues(ctx.dataConverter, input.args) },
      },
    },
  };
  try {
    for (;;) {
      const response = await ctx.workflowService.updateWorkflowExecution(request, callOptions(input));
      if (response.stage < stage && response.outcome === undefined) continue;
      const runId = response.updateRef?.workflowExecution?.runId ?? input.runId ?? "";
      return {
        workflowId: input.workflowId,
        runId,
        updateId: response.updateRef?.updateId ?? input.updateId,
        outcome: response.outcome === undefined ? undefined : await updateOutcome(
          ctx,
          response.outcome,
          input.workflowId,
          runId,
          input.updateId,
          input.updateName,
        ),
      };
    }
  } catch (err) {
    throw mapUpdateError(err, input.workflowId, input.runId, input.updateId);
  }
}

/** PollWorkflowExecutionUpdate, repeated until the update has an outcome. */
export async function pollWorkflowUpdate(
  ctx: ClientContext,
  input: PollWorkflowUpdateInput,
): Promise<WorkflowUpdateOutcome> {
  try {
    for (;;) {
      const response = await ctx.workflowService.pollWorkflowExecutionUpdate({
        namespace: ctx.namespace,
        updateRef: {
          workflowExecution: { workflowId: input.workflowId, runId: input.runId ?? "" },
          updateId: input.updateId,
        },
        identity: ctx.identity,
        waitPolicy: { lifecycleStage: STAGE_COMPLETED },
      }, callOptions(input));
      if (response.outcome === undefined) continue;
      return await updateOutcome(
        ctx,
        response.outcome,
        input.workflowId,
        input.runId ?? "",
        input.updateId,
        undefined,
      );
    }
  } catch (err) {
    throw mapUpdateError(err, input.workflowId, input.runId, input.updateId);
  }
}

/** DescribeWorkflowExecution. */
export async function describeWorkflow(
  ctx: ClientContext,
  input: DescribeWorkflowInput,
): Promise<WorkflowExecutionDescription> {
  try {
    const response = await ctx.workflowService.describeWorkflowExecution({
      namespace: ctx.namespace,
      execution: { workflowId: input.workflowId, runId: input.runId ?? "" },
    }, callOptions(input));
    const { create, WorkflowExecutionInfoSchema } = rpcRuntime();
    return toWorkflowExecutionDescription(
      ctx.dataConverter,
      response.workflowExecutionInfo ?? create(WorkflowExecutionInfoSchema),
      response,
    );
  } catch (err) {
    throw mapWorkflowError(err, input.workflowId, input.runId);
  }
}

/** RequestCancelWorkflowExecution. */
export async function cancelWorkflow(ctx: ClientContext, input: CancelWorkflowInput): Promise<void> {
  try {
    await ctx.workflowService.requestCancelWorkflowExecution({
      namespace: ctx.namespace,
      workflowExecution: { workflowId: input.workflowId, runId: input.runId ?? "" },
      identity: ctx.identity,
      requestId: crypto.randomUUID(),
      firstExecutionRunId: input.firstExecutionRunId ?? "",
      reason: input.reason ?? "",
    }, callOptions(input));
  } catch (err) {
    throw mapWorkflowError(err, input.workflowId, input.runId);
  }
}

/** TerminateWorkflowExecution. */
export async function terminateWorkflow(ctx: ClientContext, input: TerminateWorkflowInput): Promise<void> {
  try {
    await ctx.workflowService.terminateWorkflowExecution({
      namespace: ctx.namespace,
      workflowExecution: { workflowId: input.workflowId, runId: input.runId ?? "" },
      reason: input.reason ?? "",
      details: input.details.length === 0
        ? undefined
        : { payloads: await encodeValues(ctx.dataConverter, input.details) },
      identity: ctx.identity,
      firstExecutionRunId: input.firstExecutionRunId ?? "",
    }, callOptions(input));
  } catch (err) {
    throw mapWorkflowError(err, input.workflowId, input.runId);
  }
}

/** GetWorkflowExecutionHistory: one page. */
export async function fetchWorkflowHistoryEvents(
  ctx: ClientContext,
  input: FetchWorkflowHistoryEventsInput,
): Promise<FetchWorkflowHistoryEventsOutput> {
  try {
    const response = await ctx.workflowService.getWorkflowExecutionHistory({
      namespace: ctx.namespace,
      execution: { workflowId: input.workflowId, runId: input.runId ?? "" },
      maximumPageSize: input.pageSize ?? 0,
      nextPageToken: input.nextPageToken ?? new Uint8Array(),
      waitNewEvent: input.waitNewEvent,
      historyEventFilterType: input.eventFilterType === "CLOSE_EVENT"
        ? rpcRuntime().HistoryEventFilterType.CLOSE_EVENT
        : rpcRuntime().HistoryEventFilterType.ALL_EVENT,
      skipArchival: input.skipArchival,
    }, callOptions(input));
    return { events: response.history?.events ?? [], nextPageToken: response.nextPageToken };
  } catch (err) {
    throw mapWorkflowError(err, input.workflowId, input.runId);
  }
}

/** ListWorkflowExecutions: one page. */
export async function listWorkflows(
  ctx: ClientContext,
  input: ListWorkflowsInput,
): Promise<ListWorkflowsOutput> {
  const response = await ctx.workflowService.listWorkflowExecutions({
    namespace: ctx.namespace,
    pageSize: input.pageSize,
    nextPageToken: input.nextPageToken ?? new Uint8Array(),
    query: input.query ?? "",
  }, callOptions(input));
  return {
    executions: response.executions.map((info) => toWorkflowExecutionDescription(ctx.dataConverter, info)),
    nextPageToken: response.nextPageToken,
  };
}

/** CountWorkflowExecutions. */
export async function countWorkflows(
  ctx: ClientContext,
  input: CountWorkflowsInput,
): Promise<WorkflowExecutionCount> {
  const response = await ctx.workflowService.countWorkflowExecutions({
    namespace: ctx.namespace,
    query: input.query ?? "",
  }, callOptions(input));
  const groups = [];
  for (const group of response.groups) {
    groups.push({
      // Group values are search attribute values, written by the server: no codec applies.
      groupValues: group.groupValues.map((payload) =>
        ctx.dataConverter.payloadConverter.fromPayload(payload)
      ),
      count: Number(group.count),
    });
  }
  return { count: Number(response.count), groups };
}
