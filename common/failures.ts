/**
 * The failures a workflow, an activity or a client sees: Temporal's error model as JS errors.
 *
 * Each class carries a brand, `Symbol.for("sandglass.<Name>")`, on its prototype, and its
 * `Symbol.hasInstance` accepts any object with the brand, so `instanceof` works between two copies
 * of this module (two bundles, a workflow bundle and the host). Failures cross the sandbox boundary
 * as {@linkcode Failure} data and are rebuilt as these classes by the failure converter.
 *
 * Pure code: runs on the host and inside the workflow sandbox.
 *
 * @module
 */

import { defineBrand, hasBrand } from "./brand.ts";
import type { Duration } from "./duration.ts";
import type { Failure } from "./failure_proto.ts";

/** Why an activity or child workflow stopped retrying (`temporal.api.enums.v1.RetryState`). */
export const RetryState = {
  UNSPECIFIED: "UNSPECIFIED",
  IN_PROGRESS: "IN_PROGRESS",
  NON_RETRYABLE_FAILURE: "NON_RETRYABLE_FAILURE",
  TIMEOUT: "TIMEOUT",
  MAXIMUM_ATTEMPTS_REACHED: "MAXIMUM_ATTEMPTS_REACHED",
  RETRY_POLICY_NOT_SET: "RETRY_POLICY_NOT_SET",
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
  CANCEL_REQUESTED: "CANCEL_REQUESTED",
} as const;
/** Why an activity or child workflow stopped retrying. */
export type RetryState = (typeof RetryState)[keyof typeof RetryState];

/** Which timeout fired (`temporal.api.enums.v1.TimeoutType`). */
export const TimeoutType = {
  UNSPECIFIED: "UNSPECIFIED",
  START_TO_CLOSE: "START_TO_CLOSE",
  SCHEDULE_TO_START: "SCHEDULE_TO_START",
  SCHEDULE_TO_CLOSE: "SCHEDULE_TO_CLOSE",
  HEARTBEAT: "HEARTBEAT",
} as const;
/** Which timeout fired. */
export type TimeoutType = (typeof TimeoutType)[keyof typeof TimeoutType];

/**
 * How an application failure is categorised (`temporal.api.enums.v1.ApplicationErrorCategory`):
 * `BENIGN` failures are expected and are logged and reported in metrics less loudly.
 */
export const ApplicationFailureCategory = {
  BENIGN: "BENIGN",
} as const;
/** How an application failure is categorised. */
export type ApplicationFailureCategory =
  (typeof ApplicationFailureCategory)[keyof typeof ApplicationFailureCategory];

/** A workflow execution: its id and, when known, its run id. */
export interface WorkflowExecution {
  workflowId: string;
  runId?: string;
}

/**
 * The base of all Temporal failures. `instanceof TemporalFailure` is true for every failure class
 * here, from any copy of this module.
 *
 * @example
 * ```ts
 * try {
 *   await handle.result();
 * } catch (err) {
 *   if (err instanceof TemporalFailure) console.log(err.message, err.cause);
 * }
 * ```
 */
export class TemporalFailure extends Error {
  /** The failure that caused this one, if any. */
  declare cause: Error | undefined;
  /** The `Failure` data this error was decoded from, if it came over the wire. */
  declare failure: Failure | undefined;

  constructor(message?: string, cause?: Error) {
    super(message ?? "");
    // Not enumerable, like a native error's `cause`, so logs and deep comparisons stay readable.
    Object.defineProperty(this, "cause", { value: cause, writable: true, configurable: true });
    Object.defineProperty(this, "failure", { value: undefined, writable: true, configurable: true });
  }

  /** True for any value carrying this class's brand (from any copy), or created by a subclass. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, value);
  }
}
defineBrand(TemporalFailure, "TemporalFailure");

/** Options of {@linkcode ApplicationFailure.create}; every field is optional. */
export interface ApplicationFailureOptions {
  /** The message. Default: `""`. */
  message?: string;
  /** A type name callers and retry policies match on (`nonRetryableErrorTypes`). Default: none. */
  type?: string;
  /** True to stop retries whatever the retry policy says. Default: `false`. */
  nonRetryable?: boolean;
  /** Values converted with the payload converter and sent with the failure. Default: `[]`. */
  details?: unknown[];
  /** Overrides the delay before the next retry of an activity. Default: the retry policy's. */
  nextRetryDelay?: Duration;
  /** The failure's category. Default: none. */
  category?: ApplicationFailureCategory;
  /** The cause. Default: none. */
  cause?: Error;
}

/**
 * A failure raised by application code: the one to throw from workflows and activities. Any other
 * error thrown there is converted to an `ApplicationFailure` whose `type` is the error's name.
 *
 * @example
 * ```ts
 * throw ApplicationFailure.create({
 *   message: "Card declined",
 *   type: "CardDeclined",
 *   nonRetryable: true,
 *   details: [{ last4: "4242" }],
 * });
 * ```
 */
export class ApplicationFailure extends TemporalFailure {
  /** The type name, e.g. `"CardDeclined"`, or `undefined`. */
  readonly type: string | undefined;
  /** Whether retries stop whatever the retry policy says. */
  readonly nonRetryable: boolean;
  /** Values sent with the failure. */
  readonly details: readonly unknown[];
  /** The delay before the next retry of an activity, if overridden. */
  readonly nextRetryDelay: Duration | undefined;
  /** The category, if any. */
  readonly category: ApplicationFailureCategory | undefined;

  /**
   * Prefer {@linkcode ApplicationFailure.create}, {@linkcode ApplicationFailure.retryable} or
   * {@linkcode ApplicationFailure.nonRetryable}.
   */
  constructor(message?: string, options: Omit<ApplicationFailureOptions, "message"> = {}) {
    super(message, options.cause);
    this.type = options.type;
    this.nonRetryable = options.nonRetryable ?? false;
    this.details = options.details ?? [];
    this.nextRetryDelay = options.nextRetryDelay;
    this.category = options.category;
  }

  /**
   * Creates an application failure from options.
   *
   * @example
   * ```ts
   * const failure = ApplicationFailure.create({ message: "Out of stock", type: "OutOfStock" });
   * ```
   */
  static create(options: ApplicationFailureOptions = {}): ApplicationFailure {
    return new ApplicationFailure(options.message, options);
  }

  /**
   * Creates a failure that is retried as the retry policy says.
   *
   * @example
   * ```ts
   * throw ApplicationFailure.retryable("Service busy", "Busy", { retryAfter: 5 });
   * ```
   */
  static retryable(message?: string, type?: string, ...details: unknown[]): ApplicationFailure {
    return new ApplicationFailure(message, { type, details, nonRetryable: false });
  }

  /**
   * Creates a failure that is never retried.
   *
   * @example
   * ```ts
   * throw ApplicationFailure.nonRetryable("Invalid card number", "InvalidCard");
   * ```
   */
  static nonRetryable(message?: string, type?: string, ...details: unknown[]): ApplicationFailure {
    return new ApplicationFailure(message, { type, details, nonRetryable: true });
  }
}
defineBrand(ApplicationFailure, "ApplicationFailure");

/** Options of {@linkcode CancelledFailure}. */
export interface CancelledFailureOptions {
  /** Values sent with the cancellation. Default: `[]`. */
  details?: unknown[];
  /** The identity of the worker or client that asked for the cancellation. Default: none. */
  identity?: string;
  /** The cause. Default: none. */
  cause?: Error;
}

/**
 * The workflow, activity, timer or child workflow was cancelled. Throw it (or let it propagate) to
 * report a cancellation as such rather than as a failure.
 *
 * @example
 * ```ts
 * if (err instanceof CancelledFailure) return "cancelled";
 * ```
 */
export class CancelledFailure extends TemporalFailure {
  /** Values sent with the cancellation. */
  readonly details: readonly unknown[];
  /** Who asked for the cancellation, if known. */
  readonly identity: string | undefined;

  constructor(message?: string, options: CancelledFailureOptions = {}) {
    super(message, options.cause);
    this.details = options.details ?? [];
    this.identity = options.identity;
  }
}
defineBrand(CancelledFailure, "CancelledFailure");

/** Options of {@linkcode TerminatedFailure}. */
export interface TerminatedFailureOptions {
  /** The identity of the worker or client that terminated the workflow. Default: none. */
  identity?: string;
  /** The cause. Default: none. */
  cause?: Error;
}

/**
 * The workflow was terminated (by a client, the CLI or the server).
 *
 * @example
 * ```ts
 * if (err instanceof WorkflowFailedError && err.cause instanceof TerminatedFailure) { ... }
 * ```
 */
export class TerminatedFailure extends TemporalFailure {
  /** Who terminated the workflow, if known. */
  readonly identity: string | undefined;

  constructor(message?: string, options: TerminatedFailureOptions = {}) {
    super(message, options.cause);
    this.identity = options.identity;
  }
}
defineBrand(TerminatedFailure, "TerminatedFailure");

/** Options of {@linkcode TimeoutFailure}. */
export interface TimeoutFailureOptions {
  /** Which timeout fired. Default: `"UNSPECIFIED"`. */
  timeoutType?: TimeoutType;
  /** The details of the activity's last heartbeat. Default: `[]`. */
  lastHeartbeatDetails?: unknown[];
  /** The cause. Default: none. */
  cause?: Error;
}

/**
 * A timeout fired: an activity's start-to-close, schedule-to-start, schedule-to-close or
 * heartbeat timeout, or a workflow's run or execution timeout.
 *
 * @example
 * ```ts
 * if (err.cause instanceof TimeoutFailure && err.cause.timeoutType === "HEARTBEAT") {
 *   resumeFrom(err.cause.lastHeartbeatDetails[0]);
 * }
 * ```
 */
export class TimeoutFailure extends TemporalFailure {
  /** Which timeout fired. */
  readonly timeoutType: TimeoutType;
  /** The details of the activity's last heartbeat, if any. */
  readonly lastHeartbeatDetails: readonly unknown[];

  constructor(message?: string, options: TimeoutFailureOptions = {}) {
    super(message, options.cause);
    this.timeoutType = options.timeoutType ?? TimeoutType.UNSPECIFIED;
    this.lastHeartbeatDetails = options.lastHeartbeatDetails ?? [];
  }
}
defineBrand(TimeoutFailure, "TimeoutFailure");

/** Options of {@linkcode ServerFailure}. */
export interface ServerFailureOptions {
  /** Whether retrying cannot help. Default: `false`. */
  nonRetryable?: boolean;
  /** The cause. Default: none. */
  cause?: Error;
}

/**
 * The Temporal Service failed the workflow or activity (for example, a payload too large).
 *
 * @example
 * ```ts
 * if (err instanceof ServerFailure && err.nonRetryable) throw err;
 * ```
 */
export class ServerFailure extends TemporalFailure {
  /** Whether retrying cannot help. */
  readonly nonRetryable: boolean;

  constructor(message?: string, options: ServerFailureOptions = {}) {
    super(message, options.cause);
    this.nonRetryable = options.nonRetryable ?? false;
  }
}
defineBrand(ServerFailure, "ServerFailure");

/** Options of {@linkcode ActivityFailure}. */
export interface ActivityFailureOptions {
  /** The activity's type name. */
  activityType: string;
  /** The activity's id. */
  activityId: string;
  /** Why retries stopped. Default: `"UNSPECIFIED"`. */
  retryState?: RetryState;
  /** The identity of the last worker that ran the activity. Default: none. */
  identity?: string;
  /** What went wrong in the activity (an `ApplicationFailure`, `TimeoutFailure`, ...). */
  cause?: Error;
}

/**
 * An activity failed; the workflow sees this, with the activity's own failure as `cause`.
 *
 * @example
 * ```ts
 * try {
 *   await chargeCard(order);
 * } catch (err) {
 *   if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure) {
 *     console.log(err.activityType, err.cause.type);
 *   }
 * }
 * ```
 */
export class ActivityFailure extends TemporalFailure {
  /** The activity's type name. */
  readonly activityType: string;
  /** The activity's id. */
  readonly activityId: string;
  /** Why retries stopped. */
  readonly retryState: RetryState;
  /** The identity of the last worker that ran the activity, if known. */
  readonly identity: string | undefined;

  constructor(message: string | undefined, options: ActivityFailureOptions) {
    super(message, options.cause);
    this.activityType = options.activityType;
    this.activityId = options.activityId;
    this.retryState = options.retryState ?? RetryState.UNSPECIFIED;
    this.identity = options.identity;
  }
}
defineBrand(ActivityFailure, "ActivityFailure");

/** Options of {@linkcode ChildWorkflowFailure}. */
export interface ChildWorkflowFailureOptions {
  /** The child's namespace. */
  namespace: string;
  /** The child's workflow id and run id. */
  execution: WorkflowExecution;
  /** The child's workflow type name. */
  workflowType: string;
  /** Why retries stopped. Default: `"UNSPECIFIED"`. */
  retryState?: RetryState;
  /** What went wrong in the child. */
  cause?: Error;
}

/**
 * A child workflow failed; the parent sees this, with the child's own failure as `cause`.
 *
 * @example
 * ```ts
 * if (err instanceof ChildWorkflowFailure) console.log(err.execution.workflowId, err.cause);
 * ```
 */
export class ChildWorkflowFailure extends TemporalFailure {
  /** The child's namespace. */
  readonly namespace: string;
  /** The child's workflow id and run id. */
  readonly execution: WorkflowExecution;
  /** The child's workflow type name. */
  readonly workflowType: string;
  /** Why retries stopped. */
  readonly retryState: RetryState;

  constructor(message: string | undefined, options: ChildWorkflowFailureOptions) {
    super(message, options.cause);
    this.namespace = options.namespace;
    this.execution = options.execution;
    this.workflowType = options.workflowType;
    this.retryState = options.retryState ?? RetryState.UNSPECIFIED;
  }
}
defineBrand(ChildWorkflowFailure, "ChildWorkflowFailure");
