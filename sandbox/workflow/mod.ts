/**
 * `sandglass/workflow`: the API of workflow code. Workflows run inside a deterministic QuickJS
 * sandbox; everything here is deterministic and replay-safe.
 *
 * @example
 * ```ts
 * import { defineSignal, proxyActivities, setHandler, condition } from "sandglass/workflow";
 * import type * as activities from "./activities.ts";
 *
 * const { greet } = proxyActivities<typeof activities>({ startToCloseTimeout: "1 minute" });
 * export const finish = defineSignal("finish");
 *
 * export async function greeting(name: string): Promise<string> {
 *   let done = false;
 *   setHandler(finish, () => { done = true; });
 *   await condition(() => done);
 *   return await greet(name);
 * }
 * ```
 *
 * @module
 */

export type { ActivityFunction, ActivityHandle, ActivityInterfaceFor } from "./activities.ts";
export {
  executeActivity,
  executeLocalActivity,
  proxyActivities,
  proxyLocalActivities,
  startActivity,
  startLocalActivity,
} from "./activities.ts";
export type { CancellationScopeOptions } from "./cancellation_scope.ts";
export { CancellationScope } from "./cancellation_scope.ts";
export type { ChildOptionsWithArgs, ChildWorkflowHandle } from "./child_workflows.ts";
export { executeChild, startChild } from "./child_workflows.ts";
export { continueAsNew, makeContinueAsNewFunc } from "./continue_as_new.ts";
export type { HandlerOptions, WorkflowDefnOptions } from "./decorators.ts";
export { workflow } from "./decorators.ts";
export { ContinueAsNew, DeterminismViolationError, IllegalStateError, isCancellation } from "./errors.ts";
export type { ExternalWorkflowHandle } from "./external_workflows.ts";
export { getExternalWorkflowHandle } from "./external_workflows.ts";
export type { SetHandlerOptions, UpdateHandlerOptions } from "./handlers.ts";
export {
  allHandlersFinished,
  defineQuery,
  defineSignal,
  defineUpdate,
  setDefaultQueryHandler,
  setDefaultSignalHandler,
  setDefaultUpdateHandler,
  setHandler,
} from "./handlers.ts";
export { log, now, random, uuid4, workflowInfo } from "./info.ts";
export type {
  CancelWorkflowInput,
  ContinueAsNewInput,
  ScheduleActivityInput,
  ScheduleLocalActivityInput,
  SignalWorkflowInput,
  StartChildWorkflowInput,
  WorkflowExecuteInput,
  WorkflowHeaders,
  WorkflowInboundInterceptor,
  WorkflowInterceptors,
  WorkflowInterceptorsFactory,
  WorkflowOutboundInterceptor,
  WorkflowQueryInput,
  WorkflowSignalInput,
  WorkflowUpdateInput,
} from "./interceptors.ts";
export { decodeHeader, encodeHeader } from "./interceptors.ts";
export { deprecatePatch, patched } from "./patches.ts";
export { upsertMemo, upsertSearchAttributes } from "./search_attributes.ts";
export type { SleepOptions } from "./timers.ts";
export type { SpanAttributeValue, WorkflowSpan } from "./tracing.ts";
export { exportSpan, newSpanId, newTraceId, spanTime } from "./tracing.ts";
export { condition, sleep } from "./timers.ts";
export type {
  ActivityCancellationType,
  ActivityOptions,
  ChildWorkflowCancellationType,
  ChildWorkflowOptions,
  ContinueAsNewOptions,
  HandlerUnfinishedPolicy,
  LocalActivityOptions,
  ParentClosePolicy,
  ParentWorkflowInfo,
  Priority,
  QueryDefinition,
  RetryPolicy,
  SignalDefinition,
  UpdateDefinition,
  Workflow,
  WorkflowArgs,
  WorkflowClass,
  WorkflowInfo,
  WorkflowResult,
} from "./types.ts";
export { workflowTypeName } from "./workflow_type.ts";
export type { Duration } from "../../common/duration.ts";
export {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  ChildWorkflowFailure,
  ServerFailure,
  TemporalFailure,
  TerminatedFailure,
  TimeoutFailure,
} from "../../common/failures.ts";
