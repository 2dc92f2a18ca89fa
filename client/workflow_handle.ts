/**
 * A handle to a workflow execution: wait for its result, describe, signal, query and update it,
 * cancel or terminate it, and read its history.
 *
 * @module
 */

import { CancelledFailure, TerminatedFailure, TimeoutFailure } from "../common/failures.ts";
import type { History, HistoryEvent } from "../gen/temporal/api/history/v1/message_pb.ts";
import { rpcRuntime } from "./_rpc_runtime_loader.ts";
import { decodeFirst, decodeValues, failureToError } from "./_data.ts";
import { type ClientContext, rpcOptionsOf } from "./_context.ts";
import { continuedAsNewError, workflowFailedError } from "./_errors.ts";
import type { QueryRejectCondition } from "./query_reject_condition.ts";
import type {
  HandlerArgs,
  HandlerRef,
  HandlerResult,
  RpcOptions,
  WorkflowRef,
  WorkflowResult,
} from "./types.ts";
import { handlerName } from "./types.ts";
import { WorkflowUpdateHandle } from "./update_handle.ts";
import type { WorkflowUpdateStage } from "./update_stage.ts";
import type { WorkflowExecutionDescription } from "./workflow_execution.ts";

// deno-lint-ignore no-explicit-any
type AnyHandler = HandlerRef<any[], any>;

/** Options of {@linkcode WorkflowHandle.result}. */
export interface WorkflowResultOptions extends RpcOptions {
  /**
   * Follow the chain of runs (continue-as-new, workflow retries, cron) to the last one.
   * Default: `true`.
   */
  followRuns?: boolean;
}

/** Options of {@linkcode WorkflowHandle.signalWithOptions}. */
export interface SignalOptions<Args extends unknown[] = unknown[]> extends RpcOptions {
  /** Arguments of the signal. Default: none. */
  args?: Args;
}

/** Options of {@linkcode WorkflowHandle.queryWithOptions}. */
export interface QueryOptions<Args extends unknown[] = unknown[]> extends RpcOptions {
  /** Arguments of the query. Default: none. */
  args?: Args;
  /** When to reject the query instead of answering. Default: the client's, else none. */
  rejectCondition?: QueryRejectCondition;
}

/** Options of {@linkcode WorkflowHandle.executeUpdate}. */
export interface UpdateOptions<Args extends unknown[] = unknown[]> extends RpcOptions {
  /** Arguments of the update. Default: none. */
  args?: Args;
  /** The update's id, unique per workflow; a repeated id returns the first update. Default: a UUID. */
  updateId?: string;
}

/** Options of {@linkcode WorkflowHandle.startUpdate}. */
export interface StartUpdateOptions<Args extends unknown[] = unknown[]> extends UpdateOptions<Args> {
  /** Return once the update is `ACCEPTED` or `COMPLETED`. Required. */
  waitForStage: WorkflowUpdateStage;
}

/** Options of {@linkcode WorkflowHandle.terminate}. */
export interface TerminateOptions extends RpcOptions {
  /** Values recorded with the termination. Default: none. */
  details?: unknown[];
}

/** Options of {@linkcode WorkflowHandle.cancel}. */
export interface CancelOptions extends RpcOptions {
  /** Why the workflow is cancelled, recorded in history. Default: none. */
  reason?: string;
}

/** Options of {@linkcode WorkflowHandle.fetchHistoryEvents}. */
export interface FetchHistoryOptions extends RpcOptions {
  /** Events per page. Default: the server's (1000). */
  pageSize?: number;
  /** Keep waiting for new events until the workflow closes. Default: `false`. */
  waitNewEvent?: boolean;
  /** `"ALL_EVENT"` or only the `"CLOSE_EVENT"`. Default: `"ALL_EVENT"`. */
  eventFilterType?: "ALL_EVENT" | "CLOSE_EVENT";
  /** Do not look in the archive. Default: `false`. */
  skipArchival?: boolean;
}

/** Options of {@linkcode WorkflowHandle.getUpdateHandle}. */
export interface GetUpdateHandleOptions {
  /** The run the update was sent to. Default: this handle's run id, else the latest run. */
  workflowRunId?: string;
}

function checkArgs(what: string, args: unknown): void {
  if (args !== undefined && !Array.isArray(args)) {
    throw new TypeError(`Invalid ${what} args '${String(args)}': expected an array`);
  }
}

/**
 * A handle to a workflow execution, typed by the workflow it was started or looked up with.
 * Calls other than `result()` target `runId` if set, else the latest run of the workflow id.
 *
 * @example
 * ```ts
 * const handle = await client.startWorkflow(greet, { args: ["Ada"], id: "greet-ada", taskQueue: "hello" });
 * await handle.signal("nudge");
 * console.log(await handle.result()); // typed as greet's result
 * ```
 */
export class WorkflowHandle<W extends WorkflowRef = string> {
  /** The workflow id. */
  readonly workflowId: string;
  /** The run this handle targets, or `undefined` for the latest run. */
  readonly runId: string | undefined;
  /** The run `result()` starts from (the run started, for a handle from `startWorkflow`). */
  readonly resultRunId: string | undefined;
  /** Run id of the first run of the chain: `cancel` and `terminate` only act within that chain. */
  readonly firstExecutionRunId: string | undefined;
  readonly #ctx: ClientContext;

  /** @internal Handles are made by `client.startWorkflow` and `client.getWorkflowHandle`. */
  constructor(
    ctx: ClientContext,
    workflowId: string,
    ids: {
      runId?: string | undefined;
      resultRunId?: string | undefined;
      firstExecutionRunId?: string | undefined;
    } = {},
  ) {
    this.#ctx = ctx;
    this.workflowId = workflowId;
    this.runId = ids.runId || undefined;
    this.resultRunId = ids.resultRunId || this.runId;
    this.firstExecutionRunId = ids.firstExecutionRunId || undefined;
  }

  #target(): { workflowId: string; runId?: string } {
    return this.runId === undefined
      ? { workflowId: this.workflowId }
      : { workflowId: this.workflowId, runId: this.runId };
  }

  /**
   * Waits for the workflow to close and returns its result, following continue-as-new, retries
   * and cron runs unless `followRuns` is `false`.
   *
   * @throws {WorkflowFailedError} If the workflow failed, was cancelled, terminated or timed out;
   * `cause` is the converted failure (`ApplicationFailure`, `CancelledFailure`, ...).
   * @throws {WorkflowContinuedAsNewError} If it continued as new and `followRuns` is `false`.
   */
  async result(options: WorkflowResultOptions = {}): Promise<WorkflowResult<W>> {
    const followRuns = options.followRuns ?? true;
    const rpc = rpcOptionsOf(options);
    const dc = this.#ctx.dataConverter;
    let runId = this.resultRunId;
    for (;;) {
      const event = await this.#waitForCloseEvent(runId, rpc);
      const attributes = event.attributes;
      switch (attributes.case) {
        case "workflowExecutionCompletedEventAttributes": {
          const next = attributes.value.newExecutionRunId;
          if (followRuns && next !== "") {
            runId = next;
            continue;
          }
          return await decodeFirst(dc, attributes.value.result?.payloads) as WorkflowResult<W>;
        }
        case "workflowExecutionFailedEventAttributes": {
          const next = attributes.value.newExecutionRunId;
          if (followRuns && next !== "") {
            runId = next;
            continue;
          }
          const failure = attributes.value.failure;
          const cause = failure === undefined ? undefined : await failureToError(dc, failure);
          throw workflowFailedError("Workflow execution failed", cause, attributes.value.retryState);
        }
        case "workflowExecutionCanceledEventAttributes": {
          const details = await decodeValues(dc, attributes.value.details?.payloads);
          throw workflowFailedError(
            "Workflow execution cancelled",
            new CancelledFailure("Workflow cancelled", { details }),
            0,
          );
        }
        case "workflowExecutionTerminatedEventAttributes": {
          const { reason, identity } = attributes.value;
          throw workflowFailedError(
            "Workflow execution terminated",
            new TerminatedFailure(reason || "Workflow terminated", identity ? { identity } : {}),
            0,
          );
        }
        case "workflowExecutionTimedOutEventAttributes": {
          const next = attributes.value.newExecutionRunId;
          if (followRuns && next !== "") {
            runId = next;
            continue;
          }
          throw workflowFailedError(
            "Workflow execution timed out",
            new TimeoutFailure("Workflow timed out", { timeoutType: "START_TO_CLOSE" }),
            attributes.value.retryState,
          );
        }
        case "workflowExecutionContinuedAsNewEventAttributes": {
          const next = attributes.value.newExecutionRunId;
          if (followRuns) {
            runId = next;
            continue;
          }
          throw continuedAsNewError(next);
        }
        default:
          throw new Error(
            `Unexpected close event '${
              String(attributes.case)
            }' in the history of workflow '${this.workflowId}'`,
          );
      }
    }
  }

  async #waitForCloseEvent(runId: string | undefined, rpc: RpcOptions): Promise<HistoryEvent> {
    let nextPageToken: Uint8Array | undefined;
    for (;;) {
      const page = await this.#ctx.invoke("fetchWorkflowHistoryEvents", {
        ...rpc,
        workflowId: this.workflowId,
        ...(runId === undefined ? {} : { runId }),
        ...(nextPageToken === undefined ? {} : { nextPageToken }),
        waitNewEvent: true,
        eventFilterType: "CLOSE_EVENT",
        skipArchival: true,
      });
      const event = page.events[0];
      if (event !== undefined) return event;
      // The long poll expired without the close event: poll again from where it left off.
      nextPageToken = page.nextPageToken.length > 0 ? page.nextPageToken : undefined;
    }
  }

  /**
   * Describes the execution: status, times, type, task queue, memo, search attributes.
   *
   * @throws {WorkflowNotFoundError} If there is no such workflow.
   */
  describe(options: RpcOptions = {}): Promise<WorkflowExecutionDescription> {
    return this.#ctx.invoke("describeWorkflow", { ...rpcOptionsOf(options), ...this.#target() });
  }

  /**
   * Sends a signal.
   *
   * @example
   * ```ts
   * await handle.signal("approve", "ada");
   * ```
   */
  signal<H extends AnyHandler>(signal: H, ...args: HandlerArgs<H>): Promise<void> {
    return this.signalWithOptions(signal, { args });
  }

  /** Sends a signal, with RPC options. */
  async signalWithOptions<H extends AnyHandler>(
    signal: H,
    options: SignalOptions<HandlerArgs<H>> = {},
  ): Promise<void> {
    const signalName = handlerName("signal", signal);
    checkArgs("signal", options.args);
    await this.#ctx.invoke("signalWorkflow", {
      ...rpcOptionsOf(options),
      ...this.#target(),
      signalName,
      args: options.args ?? [],
      headers: {},
    });
  }

  /**
   * Queries the workflow and returns the answer.
   *
   * @throws {WorkflowQueryRejectedError} If the reject condition matched the workflow's status.
   * @throws {WorkflowQueryFailedError} If the query handler failed or does not exist.
   */
  query<H extends AnyHandler>(query: H, ...args: HandlerArgs<H>): Promise<HandlerResult<H>> {
    return this.queryWithOptions(query, { args });
  }

  /** Queries the workflow, with a reject condition and RPC options. */
  async queryWithOptions<H extends AnyHandler>(
    query: H,
    options: QueryOptions<HandlerArgs<H>> = {},
  ): Promise<HandlerResult<H>> {
    const queryType = handlerName("query", query);
    checkArgs("query", options.args);
    return await this.#ctx.invoke("queryWorkflow", {
      ...rpcOptionsOf(options),
      ...this.#target(),
      queryType,
      args: options.args ?? [],
      ...(options.rejectCondition === undefined ? {} : { rejectCondition: options.rejectCondition }),
      headers: {},
    }) as HandlerResult<H>;
  }

  /**
   * Sends an update and returns a handle once it reaches `waitForStage`.
   *
   * @example
   * ```ts
   * const update = await handle.startUpdate("addItem", { args: ["apple"], waitForStage: "ACCEPTED" });
   * ```
   */
  async startUpdate<H extends AnyHandler>(
    update: H,
    options: StartUpdateOptions<HandlerArgs<H>>,
  ): Promise<WorkflowUpdateHandle<HandlerResult<H>>> {
    const updateName = handlerName("update", update);
    if (typeof options !== "object" || options === null || options.waitForStage === undefined) {
      throw new TypeError("Missing waitForStage: startUpdate needs 'ACCEPTED' or 'COMPLETED'");
    }
    if (options.waitForStage === "ADMITTED") {
      throw new TypeError(
        "Invalid waitForStage 'ADMITTED': the server does not support it yet; use ACCEPTED",
      );
    }
    checkArgs("update", options.args);
    if (options.updateId !== undefined && (typeof options.updateId !== "string" || options.updateId === "")) {
      throw new TypeError(`Invalid updateId '${String(options.updateId)}': expected a non-empty string`);
    }
    const output = await this.#ctx.invoke("startWorkflowUpdate", {
      ...rpcOptionsOf(options),
      ...this.#target(),
      ...(this.firstExecutionRunId === undefined ? {} : { firstExecutionRunId: this.firstExecutionRunId }),
      updateId: options.updateId ?? crypto.randomUUID(),
      updateName,
      args: options.args ?? [],
      waitForStage: options.waitForStage,
      headers: {},
    });
    return new WorkflowUpdateHandle(
      this.#ctx,
      { updateId: output.updateId, workflowId: output.workflowId, workflowRunId: output.runId },
      output.outcome,
    );
  }

  /**
   * Sends an update, waits for it to complete and returns its result.
   *
   * @throws {WorkflowUpdateFailedError} If the update was rejected or failed.
   */
  async executeUpdate<H extends AnyHandler>(
    update: H,
    options: UpdateOptions<HandlerArgs<H>> = {},
  ): Promise<HandlerResult<H>> {
    const handle = await this.startUpdate(update, { ...options, waitForStage: "COMPLETED" });
    return await handle.result(rpcOptionsOf(options));
  }

  /** A handle to an update already sent to this workflow. */
  getUpdateHandle<Result = unknown>(
    updateId: string,
    options: GetUpdateHandleOptions = {},
  ): WorkflowUpdateHandle<Result> {
    if (typeof updateId !== "string" || updateId === "") {
      throw new TypeError(`Invalid updateId '${String(updateId)}': expected a non-empty string`);
    }
    return new WorkflowUpdateHandle<Result>(this.#ctx, {
      updateId,
      workflowId: this.workflowId,
      workflowRunId: options.workflowRunId ?? this.runId,
    });
  }

  /** Asks the workflow to cancel; the workflow decides how to react. */
  async cancel(options: CancelOptions = {}): Promise<void> {
    await this.#ctx.invoke("cancelWorkflow", {
      ...rpcOptionsOf(options),
      ...this.#target(),
      ...(this.firstExecutionRunId === undefined ? {} : { firstExecutionRunId: this.firstExecutionRunId }),
      ...(options.reason === undefined ? {} : { reason: options.reason }),
    });
  }

  /** Terminates the workflow at once, without running any of its code. */
  async terminate(reason?: string, options: TerminateOptions = {}): Promise<void> {
    checkArgs("terminate details", options.details);
    await this.#ctx.invoke("terminateWorkflow", {
      ...rpcOptionsOf(options),
      ...this.#target(),
      ...(this.firstExecutionRunId === undefined ? {} : { firstExecutionRunId: this.firstExecutionRunId }),
      ...(reason === undefined ? {} : { reason }),
      details: options.details ?? [],
    });
  }

  /**
   * Iterates over the history events of the run, page by page (lazily).
   *
   * @example
   * ```ts
   * for await (const event of handle.fetchHistoryEvents()) console.log(event.eventId, event.eventType);
   * ```
   */
  async *fetchHistoryEvents(
    options: FetchHistoryOptions = {},
  ): AsyncGenerator<HistoryEvent, void, undefined> {
    let nextPageToken: Uint8Array | undefined;
    do {
      const page = await this.#ctx.invoke("fetchWorkflowHistoryEvents", {
        ...rpcOptionsOf(options),
        ...this.#target(),
        ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
        ...(nextPageToken === undefined ? {} : { nextPageToken }),
        waitNewEvent: options.waitNewEvent ?? false,
        eventFilterType: options.eventFilterType ?? "ALL_EVENT",
        skipArchival: options.skipArchival ?? false,
      });
      yield* page.events;
      nextPageToken = page.nextPageToken.length > 0 ? page.nextPageToken : undefined;
    } while (nextPageToken !== undefined);
  }

  /**
   * Fetches the whole history of the run, e.g. to replay it or save it as JSON
   * (`toJson(HistorySchema, history)`).
   */
  async fetchHistory(options: RpcOptions = {}): Promise<History> {
    const events: HistoryEvent[] = [];
    for await (const event of this.fetchHistoryEvents(options)) events.push(event);
    const { create, HistorySchema } = rpcRuntime();
    return create(HistorySchema, { events });
  }
}
