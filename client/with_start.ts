/**
 * Update-with-start: send an update to a workflow and start the workflow in the same request if
 * it is not running (`ExecuteMultiOperation`).
 *
 * @module
 */

import type { Message } from "@bufbuild/protobuf";
import type { ExecuteMultiOperationResponse } from "../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import { rpcRuntime } from "./_rpc_runtime_loader.ts";
import { encodeValues } from "./_data.ts";
import { callOptions, type ClientContext, rpcOptionsOf } from "./_context.ts";
import { mapStartError, mapUpdateError } from "./_errors.ts";
import { buildStartRequest } from "./_start_request.ts";
import { updateOutcome } from "./_workflow_calls.ts";
import type { StartUpdateWithStartInput, StartUpdateWithStartOutput } from "./interceptors.ts";
import { RPCCode, toRPCCode } from "./rpc_code.ts";
import { errorDetailRegistry, RPCError } from "./rpc_error.ts";
import {
  handlerName,
  type HandlerRef,
  type RpcOptions,
  type WorkflowArgs,
  type WorkflowRef,
  workflowTypeName,
} from "./types.ts";
import { WorkflowUpdateHandle } from "./update_handle.ts";
import { updateStageToProto, type WorkflowUpdateStage } from "./update_stage.ts";
import { WorkflowHandle } from "./workflow_handle.ts";
import {
  validateWorkflowStartOptions,
  type WorkflowIdConflictPolicy,
  type WorkflowStartOptions,
} from "./workflow_options.ts";

interface Settle<T> {
  resolve(value: T): void;
  reject(err: unknown): void;
}

/** Start options of a {@linkcode WithStartWorkflowOperation}: `idConflictPolicy` is required. */
export type WithStartWorkflowOptions<Args extends unknown[] = unknown[]> =
  & Omit<
    WorkflowStartOptions<Args>,
    "startSignal" | "startSignalArgs" | "requestEagerStart" | keyof RpcOptions
  >
  & { idConflictPolicy: WorkflowIdConflictPolicy };

/**
 * How to start the workflow of an update-with-start if it is not running. Use it once; after the
 * call, `workflowHandle()` resolves to the handle of the workflow the update went to.
 *
 * @example
 * ```ts
 * const op = new WithStartWorkflowOperation("cart", { id: "cart-1", taskQueue: "shop", idConflictPolicy: "USE_EXISTING" });
 * await client.executeUpdateWithStartWorkflow("addItem", { args: ["apple"], startWorkflowOperation: op });
 * const cart = await op.workflowHandle();
 * ```
 */
export class WithStartWorkflowOperation<W extends WorkflowRef = string> {
  /** The workflow type name. */
  readonly workflowType: string;
  /** The start options. */
  readonly options: WithStartWorkflowOptions<WorkflowArgs<W>>;
  readonly #handle: Promise<WorkflowHandle<W>>;
  #settle: Settle<WorkflowHandle<W>>;
  #used = false;

  /**
   * @throws {TypeError} If `idConflictPolicy`, `id` or `taskQueue` is missing, or an option is invalid.
   */
  constructor(workflow: W, options: WithStartWorkflowOptions<WorkflowArgs<W>>) {
    this.workflowType = workflowTypeName(workflow);
    validateWorkflowStartOptions(options as WorkflowStartOptions);
    if (options.idConflictPolicy === undefined) {
      throw new TypeError(
        "Missing idConflictPolicy: update-with-start needs 'USE_EXISTING', 'FAIL' or 'TERMINATE_EXISTING'",
      );
    }
    const bad = (["startSignal", "startSignalArgs", "requestEagerStart"] as const).find(
      (key) => (options as WorkflowStartOptions)[key] !== undefined,
    );
    if (bad !== undefined) {
      throw new TypeError(`Invalid option '${bad}': update-with-start does not support it`);
    }
    this.options = options;
    let settle!: Settle<WorkflowHandle<W>>;
    this.#handle = new Promise<WorkflowHandle<W>>((resolve, reject) => (settle = { resolve, reject }));
    // A caller that never asks for the handle must not see an unhandled rejection.
    this.#handle.catch(() => {});
    this.#settle = settle;
  }

  /** The handle of the workflow, once the update-with-start call has reached the server. */
  workflowHandle(): Promise<WorkflowHandle<W>> {
    return this.#handle;
  }

  /** @internal Marks the operation used; throws if it was. */
  _take(): Settle<WorkflowHandle<W>> {
    if (this.#used) {
      throw new TypeError("This WithStartWorkflowOperation was already used: create a new one per call");
    }
    this.#used = true;
    return this.#settle;
  }
}

/** Options of `client.executeUpdateWithStartWorkflow`. */
export interface UpdateWithStartOptions<Args extends unknown[] = unknown[]> extends RpcOptions {
  /** Arguments of the update. Default: none. */
  args?: Args;
  /** The update's id. Default: a UUID. */
  updateId?: string;
  /** How to start the workflow if it is not running. Required. */
  startWorkflowOperation: WithStartWorkflowOperation<WorkflowRef>;
}

/** Options of `client.startUpdateWithStartWorkflow`. */
export interface StartUpdateWithStartOptions<Args extends unknown[] = unknown[]>
  extends UpdateWithStartOptions<Args> {
  /** Return once the update is `ACCEPTED` or `COMPLETED`. Required. */
  waitForStage: WorkflowUpdateStage;
}

/** Validates, runs the call through the interceptors and settles the operation's handle. */
export async function startUpdateWithStart(
  ctx: ClientContext,
  // deno-lint-ignore no-explicit-any
  update: HandlerRef<any[], any>,
  options: StartUpdateWithStartOptions,
  // deno-lint-ignore no-explicit-any
): Promise<WorkflowUpdateHandle<any>> {
  const updateName = handlerName("update", update);
  const op = options?.startWorkflowOperation;
  if (!(op instanceof WithStartWorkflowOperation)) {
    throw new TypeError("Missing startWorkflowOperation: pass a WithStartWorkflowOperation");
  }
  if (options.waitForStage !== "ACCEPTED" && options.waitForStage !== "COMPLETED") {
    throw new TypeError(
      `Invalid waitForStage '${String(options.waitForStage)}': expected ACCEPTED or COMPLETED`,
    );
  }
  if (options.args !== undefined && !Array.isArray(options.args)) {
    throw new TypeError(`Invalid update args '${String(options.args)}': expected an array`);
  }
  const settle = op._take();
  const startOptions = op.options as WorkflowStartOptions;
  try {
    const output = await ctx.invoke("startUpdateWithStart", {
      ...rpcOptionsOf(options),
      start: { workflowType: op.workflowType, options: startOptions, headers: {} },
      update: {
        updateId: options.updateId ?? crypto.randomUUID(),
        updateName,
        args: options.args ?? [],
        waitForStage: options.waitForStage,
        headers: {},
      },
    });
    settle.resolve(
      new WorkflowHandle(ctx, startOptions.id, {
        resultRunId: output.start.runId,
        ...(output.start.started ? { firstExecutionRunId: output.start.runId } : {}),
      }),
    );
    return new WorkflowUpdateHandle(
      ctx,
      { updateId: output.update.updateId, workflowId: startOptions.id, workflowRunId: output.update.runId },
      output.update.outcome,
    );
  } catch (err) {
    settle.reject(err);
    throw err;
  }
}

/** The error of the operation that failed, from a `MultiOperationExecutionFailure`. */
function operationError(err: unknown): { error: unknown; index: number } {
  if (!(err instanceof RPCError)) return { error: err, index: -1 };
  const runtime = rpcRuntime();
  const { anyUnpack, MultiOperationExecutionAbortedSchema, MultiOperationExecutionFailureSchema } = runtime;
  const failure = err.findDetail(MultiOperationExecutionFailureSchema);
  if (failure === undefined) return { error: err, index: -1 };
  const registry = errorDetailRegistry(runtime);
  for (const [index, status] of failure.statuses.entries()) {
    if (status.code === RPCCode.OK) continue;
    const details = status.details.flatMap((any) => {
      const message = anyUnpack(any, registry);
      return message === undefined ? [] : [message as Message];
    });
    if (details.some((d) => d.$typeName === MultiOperationExecutionAbortedSchema.typeName)) continue;
    return { error: new RPCError(status.message, toRPCCode(status.code), { details, cause: err }), index };
  }
  return { error: err, index: -1 };
}

/** ExecuteMultiOperation with a start and an update, repeated until the update reaches the stage. */
export async function executeUpdateWithStart(
  ctx: ClientContext,
  input: StartUpdateWithStartInput,
): Promise<StartUpdateWithStartOutput> {
  const workflowId = input.start.options.id;
  const stage = updateStageToProto(input.update.waitForStage);
  const { create, StartWorkflowExecutionRequestSchema, UpdateWorkflowExecutionRequestSchema } = rpcRuntime();
  const start = create(StartWorkflowExecutionRequestSchema, await buildStartRequest(ctx, input.start));
  const updateRequest = create(UpdateWorkflowExecutionRequestSchema, {
    namespace: ctx.namespace,
    workflowExecution: { workflowId },
    waitPolicy: { lifecycleStage: stage },
    request: {
      meta: { updateId: input.update.updateId, identity: ctx.identity },
      input: {
        header: { fields: { ...input.update.headers } },
        name: input.update.updateName,
        args: { payloads: await encodeValues(ctx.dataConverter, input.update.args) },
      },
    },
  });
  const request = {
    namespace: ctx.namespace,
    operations: [
      { operation: { case: "startWorkflow" as const, value: start } },
      { operation: { case: "updateWorkflow" as const, value: updateRequest } },
    ],
  };
  let response: ExecuteMultiOperationResponse;
  for (;;) {
    try {
      response = await ctx.workflowService.executeMultiOperation(request, callOptions(input));
    } catch (err) {
      const { error, index } = operationError(err);
      if (index === 0) throw mapStartError(error, workflowId, input.start.workflowType);
      throw mapUpdateError(error, workflowId, undefined, input.update.updateId);
    }
    const updateResponse = response.responses[1]?.response;
    if (updateResponse?.case !== "updateWorkflow") break;
    if (updateResponse.value.stage >= stage || updateResponse.value.outcome !== undefined) break;
  }
  const startResponse = response.responses[0]?.response;
  const updateResponse = response.responses[1]?.response;
  if (startResponse?.case !== "startWorkflow" || updateResponse?.case !== "updateWorkflow") {
    throw new Error("Unexpected ExecuteMultiOperation response: expected a start and an update response");
  }
  const runId = updateResponse.value.updateRef?.workflowExecution?.runId || startResponse.value.runId;
  const outcome = updateResponse.value.outcome;
  return {
    start: { runId: startResponse.value.runId, started: startResponse.value.started },
    update: {
      workflowId,
      runId,
      updateId: updateResponse.value.updateRef?.updateId || input.update.updateId,
      outcome: outcome === undefined ? undefined : await updateOutcome(
        ctx,
        outcome,
        workflowId,
        runId,
        input.update.updateId,
        input.update.updateName,
      ),
    },
  };
}
