/**
 * Options of `new Worker(client, options)`: what the worker runs, how much at once, and how it
 * shuts down. Validated at construction, so a typo or a bad value fails before any polling.
 *
 * @module
 */

import type { DataConverter } from "../common/data_converter.ts";
import { type Duration, durationToMs } from "../common/duration.ts";
import type { WorkflowSpan } from "../sandbox/protocol.ts";
import type { ActivityInboundInterceptor } from "./activity/interceptors.ts";
import type { WorkflowSpanSource } from "./workflow/engine.ts";

export type { WorkflowSpan, WorkflowSpanSource };

/**
 * Receives the spans workflow interceptors finished (with `exportSpan` of `sandglass/workflow`) in
 * one workflow task, after the server accepted the task, or in a query handler, after the answer
 * was sent; never spans of replayed work, so each span arrives once. `createTracingWorkflowSpanExporter` of `sandglass/otel` is one.
 *
 * @example
 * ```ts
 * const exporter: WorkflowSpanExporter = (spans, run) => console.log(run.workflowId, spans.map((s) => s.name));
 * ```
 */
export type WorkflowSpanExporter = (spans: readonly WorkflowSpan[], run: WorkflowSpanSource) => void;

/**
 * Where the worker writes what it has to say. `attributes` carry ids and the error, if any.
 *
 * @example
 * ```ts
 * const logger: Logger = { debug() {}, info: console.info, warn: console.warn, error: console.error };
 * ```
 */
export interface Logger {
  debug(message: string, attributes?: Record<string, unknown>): void;
  info(message: string, attributes?: Record<string, unknown>): void;
  warn(message: string, attributes?: Record<string, unknown>): void;
  error(message: string, attributes?: Record<string, unknown>): void;
}

/** The default logger: warnings and errors to the console, the rest dropped. */
export const defaultLogger: Logger = Object.freeze({
  debug() {},
  info() {},
  warn(message: string, attributes?: Record<string, unknown>) {
    console.warn(`[sandglass worker] ${message}`, ...(attributes === undefined ? [] : [attributes]));
  },
  error(message: string, attributes?: Record<string, unknown>) {
    console.error(`[sandglass worker] ${message}`, ...(attributes === undefined ? [] : [attributes]));
  },
});

/** Interceptors of a worker. */
export interface WorkerInterceptors {
  /** Wrap every activity execution; earlier ones wrap later ones. Default: none. */
  activity?: readonly ActivityInboundInterceptor[];
  /**
   * Workflow interceptor modules (paths or `file:` URLs), bundled into the sandbox with the
   * workflows; each exports an `interceptors()` factory called per run (see `sandglass/workflow`'s
   * `WorkflowInterceptors`). Earlier modules' interceptors wrap later ones. Default: none.
   */
  workflowModules?: readonly (string | URL)[];
  /**
   * Exports the spans the workflow modules finish (see {@linkcode WorkflowSpanExporter}). Default:
   * none (spans are dropped).
   */
  workflowSpanExporter?: WorkflowSpanExporter;
}

/** Options of `new Worker(client, options)`; only `taskQueue` and something to run are required. */
export interface WorkerOptions {
  /** The task queue to poll. */
  taskQueue: string;
  /**
   * The module (path or `file:` URL) exporting the workflows, bundled once at start into the
   * sandbox. Default: none (an activity-only worker).
   */
  workflowsPath?: string | URL;
  /**
   * The activities: an object whose keys are the activity type names and whose values are the
   * functions (or a class instance, whose methods are registered bound to it). Default: none.
   */
  activities?: object;
  /** Workflow runs kept in memory between tasks (sticky cache); `0` disables it. Default: 1000. */
  maxCachedWorkflows?: number;
  /** Workflow tasks processed at once. Default: 100. */
  maxConcurrentWorkflowTasks?: number;
  /** Activities run at once. Default: 100. */
  maxConcurrentActivities?: number;
  /** Local activities run at once. Default: 100. */
  maxConcurrentLocalActivities?: number;
  /**
   * Concurrent long polls for workflow tasks, normal and sticky queues together. While runs are
   * cached, a fifth of them (at least one) go to the normal queue, where new runs and runs evicted
   * from the cache arrive; while none is cached, all but one do.
   * Default: 10, as the official TypeScript SDK.
   */
  workflowPollers?: number;
  /** Concurrent long polls for activity tasks. Default: 10, as the official TypeScript SDK. */
  activityPollers?: number;
  /** How long a task waits on this worker's sticky queue before going to any worker. Default: 10 s. */
  stickyQueueScheduleToStartTimeout?: Duration;
  /**
   * On shutdown, how long running activities get (after their `workerShutdownSignal` fires)
   * before they are cancelled. Default: 0 (cancelled at once).
   */
  gracefulShutdownTimeout?: Duration;
  /** Identity reported to the server. Default: the client's identity. */
  identity?: string;
  /** Build id of this worker's code (worker versioning). Default: none. */
  buildId?: string;
  /** Poll only tasks of `buildId` (worker versioning). Default: false. */
  useVersioning?: boolean;
  /** Data converter; missing parts are taken from the client's. Default: the client's. */
  dataConverter?: Partial<DataConverter>;
  /** Interceptors. Default: none. */
  interceptors?: WorkerInterceptors;
  /** Where the worker logs. Default: warnings and errors to the console. */
  logger?: Logger;
}

/** Worker options with the defaults filled in and durations in milliseconds. */
export interface ResolvedWorkerOptions {
  readonly taskQueue: string;
  readonly workflowsPath: string | URL | undefined;
  readonly maxCachedWorkflows: number;
  readonly maxConcurrentWorkflowTasks: number;
  readonly maxConcurrentActivities: number;
  readonly maxConcurrentLocalActivities: number;
  readonly workflowPollers: number;
  readonly activityPollers: number;
  readonly stickyQueueScheduleToStartTimeoutMs: number;
  readonly gracefulShutdownTimeoutMs: number;
  readonly identity: string | undefined;
  readonly buildId: string | undefined;
  readonly useVersioning: boolean;
  readonly activityInterceptors: readonly ActivityInboundInterceptor[];
  readonly workflowInterceptorModules: readonly (string | URL)[];
  readonly workflowSpanExporter: WorkflowSpanExporter | undefined;
  readonly logger: Logger;
}

const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
  "taskQueue",
  "workflowsPath",
  "activities",
  "maxCachedWorkflows",
  "maxConcurrentWorkflowTasks",
  "maxConcurrentActivities",
  "maxConcurrentLocalActivities",
  "workflowPollers",
  "activityPollers",
  "stickyQueueScheduleToStartTimeout",
  "gracefulShutdownTimeout",
  "identity",
  "buildId",
  "useVersioning",
  "dataConverter",
  "interceptors",
  "logger",
]);

/**
 * Validates the options (without I/O) and fills in the defaults.
 *
 * @throws {TypeError} If an option is unknown or invalid; the message names it and quotes the value.
 */
export function resolveWorkerOptions(options: WorkerOptions): ResolvedWorkerOptions {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(
      `Invalid worker options '${String(options)}': expected an object with at least taskQueue`,
    );
  }
  for (const key of Object.keys(options)) {
    if (!KNOWN_OPTIONS.has(key)) {
      throw new TypeError(`Unknown worker option '${key}': expected one of ${[...KNOWN_OPTIONS].join(", ")}`);
    }
  }
  if (typeof options.taskQueue !== "string" || options.taskQueue.trim() === "") {
    throw new TypeError(`Invalid taskQueue '${String(options.taskQueue)}': expected a non-empty string`);
  }
  const path = options.workflowsPath;
  if (path !== undefined && !(path instanceof URL) && (typeof path !== "string" || path === "")) {
    throw new TypeError(`Invalid workflowsPath '${String(path)}': expected a file path or a file: URL`);
  }
  for (const key of ["identity", "buildId"] as const) {
    const value = options[key];
    if (value !== undefined && (typeof value !== "string" || value === "")) {
      throw new TypeError(`Invalid ${key} '${String(value)}': expected a non-empty string`);
    }
  }
  if (options.useVersioning === true && options.buildId === undefined) {
    throw new TypeError("Invalid useVersioning 'true': set buildId too, the build this worker polls for");
  }
  const interceptors = options.interceptors ?? {};
  const activityInterceptors = interceptors.activity ?? [];
  if (!Array.isArray(activityInterceptors)) {
    throw new TypeError("Invalid interceptors.activity: expected an array of activity interceptors");
  }
  const workflowInterceptorModules = resolveWorkflowModules(interceptors.workflowModules);
  const workflowSpanExporter = interceptors.workflowSpanExporter;
  if (workflowSpanExporter !== undefined && typeof workflowSpanExporter !== "function") {
    throw new TypeError(
      `Invalid interceptors.workflowSpanExporter '${
        String(workflowSpanExporter)
      }': expected a function (spans, run) => void`,
    );
  }
  return {
    taskQueue: options.taskQueue,
    workflowsPath: path,
    maxCachedWorkflows: count(options.maxCachedWorkflows, 1000, "maxCachedWorkflows", 0),
    maxConcurrentWorkflowTasks: count(
      options.maxConcurrentWorkflowTasks,
      100,
      "maxConcurrentWorkflowTasks",
      1,
    ),
    maxConcurrentActivities: count(options.maxConcurrentActivities, 100, "maxConcurrentActivities", 1),
    maxConcurrentLocalActivities: count(
      options.maxConcurrentLocalActivities,
      100,
      "maxConcurrentLocalActivities",
      1,
    ),
    workflowPollers: count(options.workflowPollers, 10, "workflowPollers", 1),
    activityPollers: count(options.activityPollers, 10, "activityPollers", 1),
    stickyQueueScheduleToStartTimeoutMs: duration(
      options.stickyQueueScheduleToStartTimeout,
      10_000,
      "stickyQueueScheduleToStartTimeout",
      1,
    ),
    gracefulShutdownTimeoutMs: duration(options.gracefulShutdownTimeout, 0, "gracefulShutdownTimeout", 0),
    identity: options.identity,
    buildId: options.buildId,
    useVersioning: options.useVersioning === true,
    activityInterceptors,
    workflowInterceptorModules,
    workflowSpanExporter,
    logger: options.logger ?? defaultLogger,
  };
}

/**
 * Validates `interceptors.workflowModules` (of a Worker or a Replayer).
 *
 * @throws {TypeError} If it is not an array of non-empty paths or `file:` URLs.
 */
export function resolveWorkflowModules(modules: unknown): readonly (string | URL)[] {
  if (modules === undefined) return [];
  if (
    !Array.isArray(modules) || modules.some((m) => !(m instanceof URL) && (typeof m !== "string" || m === ""))
  ) {
    throw new TypeError(
      `Invalid interceptors.workflowModules '${
        String(modules)
      }': expected an array of module paths or file: URLs`,
    );
  }
  return modules as readonly (string | URL)[];
}

function count(value: number | undefined, fallback: number, name: string, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min) {
    throw new TypeError(`Invalid ${name} '${String(value)}': expected an integer of at least ${min}`);
  }
  return value;
}

function duration(value: Duration | undefined, fallback: number, name: string, minMs: number): number {
  if (value === undefined) return fallback;
  let ms: number;
  try {
    ms = durationToMs(value);
  } catch (error) {
    throw new TypeError(`Invalid ${name} '${String(value)}': expected a duration such as 5000 or "5s"`, {
      cause: error,
    });
  }
  if (!(ms >= minMs)) {
    throw new TypeError(`Invalid ${name} '${String(value)}': expected a duration of at least ${minMs} ms`);
  }
  return ms;
}
