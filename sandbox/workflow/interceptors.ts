/**
 * Workflow interceptors: code that runs inside the sandbox around a workflow's inbound calls (the
 * workflow function, signals, queries, update validators and handlers) and its outbound calls
 * (activities, local activities, child workflows, continue-as-new, signalling and cancelling other
 * workflows). They are registered by module path on the worker (and on the Replayer)
 * (`interceptors: { workflowModules: ["./my_interceptors.ts"] }`): the bundler adds each module to
 * the workflow bundle, and for every run the runtime calls the module's exported `interceptors()`
 * factory. Typical use: carry a header set by a client interceptor on to activities and children.
 *
 * Interceptors run in the deterministic sandbox and follow the workflow rules. They must call
 * `next` synchronously (before their first `await`) for outbound calls, so commands keep their
 * order; they may change the input and wrap or replace the result. `handleQuery` and
 * `validateUpdate` are synchronous and read-only, like the handlers they wrap: they must not
 * schedule anything.
 *
 * @example Copy the start headers onto every activity and child workflow
 * ```ts
 * // my_interceptors.ts, listed in the worker's interceptors.workflowModules
 * import type { WorkflowInterceptors, WorkflowHeaders } from "sandglass/workflow";
 *
 * export function interceptors(): WorkflowInterceptors {
 *   let headers: WorkflowHeaders = {};
 *   return {
 *     inbound: [{ execute(input, next) { headers = input.headers; return next(input); } }],
 *     outbound: [{
 *       scheduleActivity: (input, next) => next({ ...input, headers: { ...headers, ...input.headers } }),
 *       startChildWorkflow: (input, next) => next({ ...input, headers: { ...headers, ...input.headers } }),
 *     }],
 *   };
 * }
 * ```
 *
 * @module
 */

import type { PayloadJson } from "../protocol.ts";
import type { ChildWorkflowHandle } from "./child_workflows.ts";
import { fromPayloadJson, toPayloadJson } from "./internal/converter.ts";
import type {
  ActivityOptions,
  ChildWorkflowOptions,
  ContinueAsNewOptions,
  LocalActivityOptions,
} from "./types.ts";

/**
 * Headers as workflow code sees them: name to payload (proto3 JSON form: base64 `data` and
 * `metadata`). Build one with {@linkcode encodeHeader}, read one with {@linkcode decodeHeader}.
 */
export type WorkflowHeaders = Record<string, PayloadJson>;

/** Input of the workflow function (`execute`). */
export interface WorkflowExecuteInput {
  /** The decoded arguments of the workflow. */
  readonly args: readonly unknown[];
  /** The headers the workflow was started with (set by client interceptors or a parent's). */
  readonly headers: Readonly<WorkflowHeaders>;
}

/** Input of a signal handler call (`handleSignal`). */
export interface WorkflowSignalInput {
  readonly signalName: string;
  readonly args: readonly unknown[];
  readonly headers: Readonly<WorkflowHeaders>;
}

/** Input of a query handler call (`handleQuery`). */
export interface WorkflowQueryInput {
  readonly queryName: string;
  readonly args: readonly unknown[];
  /** The query's headers (set by client interceptors). */
  readonly headers: Readonly<WorkflowHeaders>;
}

/** Input of an update's validator (`validateUpdate`) and handler (`handleUpdate`). */
export interface WorkflowUpdateInput {
  /** The update id (chosen by the caller). */
  readonly updateId: string;
  readonly updateName: string;
  readonly args: readonly unknown[];
  /** The update's headers (set by client interceptors). */
  readonly headers: Readonly<WorkflowHeaders>;
}

/** Wraps the calls into a workflow. Earlier interceptors wrap later ones. */
export interface WorkflowInboundInterceptor {
  /** Wraps the workflow function (or the `@workflow.run` method); resolves with its result. */
  execute?(
    input: WorkflowExecuteInput,
    next: (input: WorkflowExecuteInput) => Promise<unknown>,
  ): Promise<unknown>;
  /** Wraps a signal handler call. */
  handleSignal?(
    input: WorkflowSignalInput,
    next: (input: WorkflowSignalInput) => Promise<void>,
  ): Promise<void>;
  /**
   * Wraps a query handler call; synchronous and read-only (it returns the answer, and must not
   * schedule anything). Not called for the SDK's own `__temporal_workflow_metadata` query.
   */
  handleQuery?(input: WorkflowQueryInput, next: (input: WorkflowQueryInput) => unknown): unknown;
  /**
   * Wraps an update's validation, run when the update arrives (never on replay): throwing rejects
   * the update. Synchronous and read-only, like validators. Called even if the update has no
   * validator (`next` then accepts).
   */
  validateUpdate?(input: WorkflowUpdateInput, next: (input: WorkflowUpdateInput) => void): void;
  /** Wraps an accepted update's handler; resolves with the update's result. */
  handleUpdate?(
    input: WorkflowUpdateInput,
    next: (input: WorkflowUpdateInput) => Promise<unknown>,
  ): Promise<unknown>;
}

/** Input of `scheduleActivity`. */
export interface ScheduleActivityInput {
  readonly activityType: string;
  readonly args: readonly unknown[];
  readonly options: ActivityOptions;
  /** Headers sent with the activity task; activity interceptors on the worker read them. */
  readonly headers: Readonly<WorkflowHeaders>;
}

/** Input of `scheduleLocalActivity`. */
export interface ScheduleLocalActivityInput {
  readonly activityType: string;
  readonly args: readonly unknown[];
  readonly options: LocalActivityOptions;
  readonly headers: Readonly<WorkflowHeaders>;
}

/** Input of `startChildWorkflow`. */
export interface StartChildWorkflowInput {
  readonly workflowType: string;
  readonly args: readonly unknown[];
  readonly options: ChildWorkflowOptions;
  /** Headers the child is started with; its inbound interceptors see them. */
  readonly headers: Readonly<WorkflowHeaders>;
}

/** Input of `continueAsNew`. */
export interface ContinueAsNewInput {
  readonly args: readonly unknown[];
  /** The options, with `workflowType` and `taskQueue` filled in (default: this run's). */
  readonly options: ContinueAsNewOptions & { readonly workflowType: string; readonly taskQueue: string };
  /** Headers the new run is started with; its inbound interceptors see them. Default: none. */
  readonly headers: Readonly<WorkflowHeaders>;
}

/** Input of `signalWorkflow`: a signal to another workflow, or to a child of this one. */
export interface SignalWorkflowInput {
  readonly target:
    | {
      readonly kind: "external";
      readonly namespace: string;
      readonly workflowId: string;
      readonly runId?: string;
    }
    | { readonly kind: "child"; readonly workflowId: string };
  readonly signalName: string;
  readonly args: readonly unknown[];
  /** Headers sent with the signal; the receiver's `handleSignal` interceptors see them. */
  readonly headers: Readonly<WorkflowHeaders>;
}

/** Input of `cancelWorkflow`: a cancellation request to another workflow (the protocol carries no headers). */
export interface CancelWorkflowInput {
  readonly namespace: string;
  readonly workflowId: string;
  readonly runId?: string;
}

/** Wraps the calls a workflow makes. Earlier interceptors wrap later ones; call `next` synchronously. */
export interface WorkflowOutboundInterceptor {
  /** Wraps scheduling an activity; resolves with its result. */
  scheduleActivity?(
    input: ScheduleActivityInput,
    next: (input: ScheduleActivityInput) => Promise<unknown>,
  ): Promise<unknown>;
  /** Wraps scheduling a local activity; resolves with its result. */
  scheduleLocalActivity?(
    input: ScheduleLocalActivityInput,
    next: (input: ScheduleLocalActivityInput) => Promise<unknown>,
  ): Promise<unknown>;
  /** Wraps starting a child workflow; resolves with its handle once it started. */
  startChildWorkflow?(
    input: StartChildWorkflowInput,
    // deno-lint-ignore no-explicit-any
    next: (input: StartChildWorkflowInput) => Promise<ChildWorkflowHandle<any>>,
    // deno-lint-ignore no-explicit-any
  ): Promise<ChildWorkflowHandle<any>>;
  /**
   * Wraps continue-as-new. `next` throws the `ContinueAsNew` error that ends the run: let it
   * propagate (a `try`/`finally` may observe it).
   */
  continueAsNew?(input: ContinueAsNewInput, next: (input: ContinueAsNewInput) => never): never;
  /** Wraps signalling another workflow or a child (`ExternalWorkflowHandle.signal`, `ChildWorkflowHandle.signal`). */
  signalWorkflow?(
    input: SignalWorkflowInput,
    next: (input: SignalWorkflowInput) => Promise<void>,
  ): Promise<void>;
  /** Wraps requesting cancellation of another workflow (`ExternalWorkflowHandle.cancel`). */
  cancelWorkflow?(
    input: CancelWorkflowInput,
    next: (input: CancelWorkflowInput) => Promise<void>,
  ): Promise<void>;
}

/** What an interceptors module's `interceptors()` factory returns for one run. */
export interface WorkflowInterceptors {
  inbound?: WorkflowInboundInterceptor[];
  outbound?: WorkflowOutboundInterceptor[];
}

/**
 * The export an interceptors module must have: called once per workflow run, before the workflow
 * starts (so it must not call workflow APIs itself; its interceptors may).
 */
export type WorkflowInterceptorsFactory = () => WorkflowInterceptors;

/**
 * Encodes a value as a header payload (with the default payload converter).
 *
 * @example
 * ```ts
 * next({ ...input, headers: { ...input.headers, tenant: encodeHeader("acme") } });
 * ```
 */
export function encodeHeader(value: unknown): PayloadJson {
  return toPayloadJson(value);
}

/**
 * Decodes a header payload (with the default payload converter); `undefined` if absent.
 *
 * @example
 * ```ts
 * const tenant = decodeHeader(input.headers["tenant"]) as string | undefined;
 * ```
 */
export function decodeHeader(payload: PayloadJson | undefined): unknown {
  return fromPayloadJson(payload);
}
