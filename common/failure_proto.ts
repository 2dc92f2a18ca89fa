/**
 * Data shapes of the Temporal `Payload` and `Failure` messages, written structurally so that code
 * inside the workflow sandbox needs neither gen/ nor @bufbuild/protobuf. They mirror protobuf-es's
 * field shapes: a generated `temporal.api.common.v1.Payload` or `temporal.api.failure.v1.Failure`
 * message can be passed where these are expected, and a value of these types can be given to
 * `create(PayloadSchema, value)` / `create(FailureSchema, value)` on the host.
 *
 * @module
 */

// Type-only imports: erased at run time, so nothing of gen/ or @bufbuild/protobuf is loaded.
import type { ApplicationErrorCategory as ApplicationErrorCategoryEnum } from "../gen/temporal/api/enums/v1/common_pb.ts";
import type { NexusHandlerErrorRetryBehavior as NexusHandlerErrorRetryBehaviorEnum } from "../gen/temporal/api/enums/v1/nexus_pb.ts";
import type {
  RetryState as RetryStateEnum,
  TimeoutType as TimeoutTypeEnum,
} from "../gen/temporal/api/enums/v1/workflow_pb.ts";
import type { ProtoDuration } from "./duration.ts";

/**
 * `temporal.api.enums.v1.RetryState` as protobuf-es declares it (a type-only import: nothing of
 * gen/ is loaded at run time, so this file stays usable inside the sandbox).
 */
export type RetryStateNumber = RetryStateEnum;
/** `temporal.api.enums.v1.TimeoutType` as protobuf-es declares it. */
export type TimeoutTypeNumber = TimeoutTypeEnum;
/** `temporal.api.enums.v1.ApplicationErrorCategory` as protobuf-es declares it. */
export type ApplicationErrorCategoryNumber = ApplicationErrorCategoryEnum;

/**
 * The shape of `temporal.api.common.v1.Payload`: bytes plus metadata that says how to read them
 * (the `encoding` key, e.g. `json/plain`).
 *
 * @example
 * ```ts
 * const payload: Payload = {
 *   metadata: { encoding: utf8Encode("json/plain") },
 *   data: utf8Encode('{"a":1}'),
 * };
 * ```
 */
export interface Payload {
  metadata: Record<string, Uint8Array>;
  data: Uint8Array;
}

/** The shape of `temporal.api.common.v1.Payloads`. */
export interface Payloads {
  payloads: Payload[];
}

/** The shape of `temporal.api.failure.v1.ApplicationFailureInfo`. */
export interface ApplicationFailureInfo {
  type?: string;
  nonRetryable?: boolean;
  details?: Payloads;
  nextRetryDelay?: ProtoDuration;
  /** `temporal.api.enums.v1.ApplicationErrorCategory`: 0 unspecified, 1 benign. */
  category?: ApplicationErrorCategoryNumber;
}

/** The shape of `temporal.api.failure.v1.TimeoutFailureInfo`. */
export interface TimeoutFailureInfo {
  /** `temporal.api.enums.v1.TimeoutType` as its number. */
  timeoutType?: TimeoutTypeNumber;
  lastHeartbeatDetails?: Payloads;
}

/** The shape of `temporal.api.failure.v1.CanceledFailureInfo`. */
export interface CanceledFailureInfo {
  details?: Payloads;
  identity?: string;
}

/** The shape of `temporal.api.failure.v1.TerminatedFailureInfo`. */
export interface TerminatedFailureInfo {
  identity?: string;
}

/** The shape of `temporal.api.failure.v1.ServerFailureInfo`. */
export interface ServerFailureInfo {
  nonRetryable?: boolean;
}

/** The shape of `temporal.api.failure.v1.ResetWorkflowFailureInfo`. */
export interface ResetWorkflowFailureInfo {
  lastHeartbeatDetails?: Payloads;
}

/** The shape of `temporal.api.failure.v1.ActivityFailureInfo`. */
export interface ActivityFailureInfo {
  scheduledEventId?: bigint;
  startedEventId?: bigint;
  identity?: string;
  activityType?: { name: string };
  activityId?: string;
  /** `temporal.api.enums.v1.RetryState` as its number. */
  retryState?: RetryStateNumber;
}

/** The shape of `temporal.api.failure.v1.ChildWorkflowExecutionFailureInfo`. */
export interface ChildWorkflowExecutionFailureInfo {
  namespace?: string;
  workflowExecution?: { workflowId: string; runId: string };
  workflowType?: { name: string };
  initiatedEventId?: bigint;
  startedEventId?: bigint;
  /** `temporal.api.enums.v1.RetryState` as its number. */
  retryState?: RetryStateNumber;
}

/** The shape of `temporal.api.failure.v1.NexusOperationFailureInfo`. */
export interface NexusOperationFailureInfo {
  scheduledEventId?: bigint;
  endpoint?: string;
  service?: string;
  operation?: string;
  operationId?: string;
  operationToken?: string;
}

/** The shape of `temporal.api.failure.v1.NexusHandlerFailureInfo`. */
export interface NexusHandlerFailureInfo {
  type?: string;
  /** `temporal.api.enums.v1.NexusHandlerErrorRetryBehavior`: 0 unspecified, 1 retryable, 2 not. */
  retryBehavior?: NexusHandlerErrorRetryBehaviorEnum;
}

/** The `failure_info` oneof of `temporal.api.failure.v1.Failure`, as protobuf-es shapes oneofs. */
export type FailureInfo =
  | { case: "applicationFailureInfo"; value: ApplicationFailureInfo }
  | { case: "timeoutFailureInfo"; value: TimeoutFailureInfo }
  | { case: "canceledFailureInfo"; value: CanceledFailureInfo }
  | { case: "terminatedFailureInfo"; value: TerminatedFailureInfo }
  | { case: "serverFailureInfo"; value: ServerFailureInfo }
  | { case: "resetWorkflowFailureInfo"; value: ResetWorkflowFailureInfo }
  | { case: "activityFailureInfo"; value: ActivityFailureInfo }
  | { case: "childWorkflowExecutionFailureInfo"; value: ChildWorkflowExecutionFailureInfo }
  | { case: "nexusOperationExecutionFailureInfo"; value: NexusOperationFailureInfo }
  | { case: "nexusHandlerFailureInfo"; value: NexusHandlerFailureInfo }
  | { case: undefined; value?: undefined };

/**
 * The shape of `temporal.api.failure.v1.Failure`: a message, where it came from, a stack trace,
 * optionally encoded attributes (message and stack trace as a payload), a cause, and one kind.
 *
 * @example
 * ```ts
 * const failure: Failure = {
 *   message: "Card declined",
 *   source: "Sandglass",
 *   stackTrace: "",
 *   failureInfo: { case: "applicationFailureInfo", value: { type: "CardError", nonRetryable: true } },
 * };
 * ```
 */
export interface Failure {
  message: string;
  source?: string;
  stackTrace?: string;
  encodedAttributes?: Payload;
  cause?: Failure;
  failureInfo?: FailureInfo;
}
