export {
  applyEnvToProfile,
  type ClientConfig,
  type ClientConfigCodec,
  ClientConfigError,
  ClientConfigErrorCode,
  type ClientConfigErrorOptions,
  type ClientConfigProfile,
  type ClientConfigTLS,
  clientConfigToToml,
  type ClientConnectConfig,
  type ClientConnectTLSConfig,
  type ConfigSource,
  DEFAULT_PROFILE,
  defaultConfigFilePath,
  type DefaultConfigFilePathOptions,
  type EnvVars,
  loadClientConfig,
  type LoadClientConfigOptions,
  loadClientConfigProfile,
  type LoadClientConfigProfileOptions,
  loadClientConnectConfig,
  parseClientConfig,
  type ParseClientConfigOptions,
  readConfigSource,
  toClientConnectConfig,
} from "./envconfig/mod.ts";
export { DEFAULT_ADDRESS, DEFAULT_PORT, parseAddress, type ParsedAddress } from "./address.ts";
export type { CallOptions } from "./call_options.ts";
export { Connection, type ConnectionOptions, type KeepAliveOptions } from "./connection.ts";
export {
  DEFAULT_RETRY_OPTIONS,
  isRetryableCode,
  type ResolvedRetryOptions,
  RETRYABLE_CODES,
  type RetryOptions,
} from "./retry.ts";
export { RPCCode, type RPCCodeName, rpcCodeName } from "./rpc_code.ts";
export { RPCError, type RPCErrorOptions } from "./rpc_error.ts";
export type { ServiceClient, UnaryCall } from "./service_client.ts";
export type { PEM, TLSConfig } from "./tls_config.ts";
export type { HttpConnectProxyOptions } from "./http_connect_proxy.ts";
export { SDK_NAME, SDK_VERSION } from "./version.ts";
export {
  Client,
  type ClientConnectOptions,
  type ClientOptions,
  type GetWorkflowHandleOptions,
} from "./client.ts";
export {
  type CancelOptions,
  type FetchHistoryOptions,
  type GetUpdateHandleOptions,
  type QueryOptions,
  type SignalOptions,
  type StartUpdateOptions,
  type TerminateOptions,
  type UpdateOptions,
  WorkflowHandle,
  type WorkflowResultOptions,
} from "./workflow_handle.ts";
export { WorkflowUpdateHandle } from "./update_handle.ts";
export { WorkflowUpdateStage } from "./update_stage.ts";
export { QueryRejectCondition } from "./query_reject_condition.ts";
export {
  type Priority,
  validateWorkflowStartOptions,
  WorkflowIdConflictPolicy,
  WorkflowIdReusePolicy,
  type WorkflowStartOptions,
} from "./workflow_options.ts";
export type { RetryPolicy } from "./retry_policy.ts";
export {
  defineSearchAttributeKey,
  type SearchAttributeKey,
  type SearchAttributePair,
  type SearchAttributesInput,
  SearchAttributeType,
  type SearchAttributeValue,
  TypedSearchAttributes,
} from "./search_attributes.ts";
export {
  type HandlerArgs,
  type HandlerDefinition,
  type HandlerRef,
  type HandlerResult,
  type RpcOptions,
  WORKFLOW_NAME_SYMBOL,
  type WorkflowArgs,
  type WorkflowClass,
  type WorkflowFunction,
  type WorkflowRef,
  type WorkflowResult,
  workflowTypeName,
} from "./types.ts";
export {
  type WorkflowExecutionCount,
  type WorkflowExecutionDescription,
  WorkflowExecutionStatus,
} from "./workflow_execution.ts";
export { type ListWorkflowsOptions, WorkflowExecutionIterator } from "./list.ts";
export {
  type StartUpdateWithStartOptions,
  type UpdateWithStartOptions,
  WithStartWorkflowOperation,
  type WithStartWorkflowOptions,
} from "./with_start.ts";
export { EagerStartDispatcher, type EagerWorkflowTaskHandler } from "./eager_start.ts";
export type {
  CancelWorkflowInput,
  ClientCallName,
  ClientCalls,
  ClientInterceptor,
  CountWorkflowsInput,
  DescribeWorkflowInput,
  FetchWorkflowHistoryEventsInput,
  FetchWorkflowHistoryEventsOutput,
  ListWorkflowsInput,
  ListWorkflowsOutput,
  Next,
  PayloadHeaders,
  PollWorkflowUpdateInput,
  QueryWorkflowInput,
  SignalWithStartInput,
  SignalWorkflowInput,
  StartUpdateWithStartInput,
  StartUpdateWithStartOutput,
  StartWorkflowInput,
  StartWorkflowOutput,
  StartWorkflowUpdateInput,
  StartWorkflowUpdateOutput,
  TerminateWorkflowInput,
  WorkflowCalls,
  WorkflowUpdateOutcome,
} from "./interceptors.ts";
export type {
  CreateScheduleInput,
  ListSchedulesInput,
  ListSchedulesOutput,
  PatchScheduleInput,
  ScheduleCalls,
  ScheduleIdInput,
  SchedulePatch,
  UpdateScheduleInput,
} from "./schedule_interceptors.ts";
export { type CreateScheduleOptions, type ListSchedulesOptions } from "./schedule.ts";
export { ScheduleHandle } from "./schedule_handle.ts";
export {
  type Schedule,
  type ScheduleActionExecution,
  type ScheduleActionStartWorkflow,
  type ScheduleActionStartWorkflowDescription,
  type ScheduleBackfill,
  type ScheduleCalendarSpec,
  type ScheduleDescription,
  type ScheduleDescriptionSchedule,
  type ScheduleIntervalSpec,
  type ScheduleListEntry,
  ScheduleOverlapPolicy,
  type SchedulePolicy,
  type ScheduleRange,
  type ScheduleSpec,
  type ScheduleState,
  type ScheduleUpdate,
} from "./schedule_types.ts";
export {
  type AsyncActivityCalls,
  AsyncActivityHandle,
  type AsyncActivityHeartbeatResult,
  type AsyncActivityTarget,
  type CompleteAsyncActivityInput,
  type FailAsyncActivityInput,
  type HeartbeatAsyncActivityInput,
  type ReportCancellationAsyncActivityInput,
} from "./async_completion.ts";
export type {
  BuildIdCalls,
  BuildIdOperation,
  BuildIdReachabilityOptions,
  GetBuildIdCompatibilityInput,
  TaskReachability,
  UpdateBuildIdCompatibilityInput,
  WorkerBuildIdVersionSets,
  WorkerTaskReachability,
} from "./build_id.ts";
