/**
 * Build-id based worker versioning (experimental, and deprecated by the server in favour of
 * worker deployments): compatible version sets of a task queue, and task reachability.
 *
 * @module
 */

import type { TaskReachability as TaskReachabilityProto } from "../gen/temporal/api/enums/v1/task_queue_pb.ts";
import { callOptions, type ClientContext, rpcOptionsOf } from "./_context.ts";
import type { RpcOptions } from "./types.ts";

/** A change to the build-id compatibility sets of a task queue. */
export type BuildIdOperation =
  /** Adds a build id in a new set, which becomes the default set. */
  | { readonly type: "addNewIdInNewDefaultSet"; readonly buildId: string }
  /** Adds a build id to the set of an existing compatible build id. */
  | {
    readonly type: "addNewCompatibleVersion";
    readonly buildId: string;
    readonly existingCompatibleBuildId: string;
    /** Also make that set the default set. Default: `false`. */
    readonly makeSetDefault?: boolean;
  }
  /** Makes the set containing the build id the default set. */
  | { readonly type: "promoteSetByBuildId"; readonly buildId: string }
  /** Makes the build id the default of its set. */
  | { readonly type: "promoteBuildIdWithinSet"; readonly buildId: string }
  /** Merges the secondary set into the primary set. */
  | { readonly type: "mergeSets"; readonly primaryBuildId: string; readonly secondaryBuildId: string };

/** The compatible version sets of a task queue, the last set being the default. */
export interface WorkerBuildIdVersionSets {
  /** Each set's build ids, the last being the set's default. */
  readonly sets: { readonly buildIds: readonly string[]; readonly default: string | undefined }[];
  /** The default set's default build id (new workflows go there), if any. */
  readonly defaultBuildId: string | undefined;
}

/** Which tasks `getWorkerTaskReachability` asks about (`temporal.api.enums.v1.TaskReachability`). */
export type TaskReachability = "NEW_WORKFLOWS" | "EXISTING_WORKFLOWS" | "OPEN_WORKFLOWS" | "CLOSED_WORKFLOWS";

const REACHABILITY: readonly (TaskReachability | "UNSPECIFIED")[] = [
  "UNSPECIFIED",
  "NEW_WORKFLOWS",
  "EXISTING_WORKFLOWS",
  "OPEN_WORKFLOWS",
  "CLOSED_WORKFLOWS",
];

/** Options of `client.getWorkerTaskReachability`. */
export interface BuildIdReachabilityOptions extends RpcOptions {
  /** The build ids to ask about; at least one. */
  buildIds: string[];
  /** Restrict to these task queues. Default: every task queue of the build ids. */
  taskQueues?: string[];
  /** The kind of reachability asked about. Default: the server's (all kinds). */
  reachability?: TaskReachability;
}

/** Reachability per build id and task queue. */
export interface WorkerTaskReachability {
  /** Build id → task queue → the kinds of tasks that can still reach it. */
  readonly buildIdReachability: Record<string, Record<string, TaskReachability[]>>;
}

/** Input of the build-id calls. */
export interface UpdateBuildIdCompatibilityInput extends RpcOptions {
  readonly taskQueue: string;
  readonly operation: BuildIdOperation;
}
/** Input of `getWorkerBuildIdCompatibility`. */
export interface GetBuildIdCompatibilityInput extends RpcOptions {
  readonly taskQueue: string;
  readonly maxSets?: number;
}

/** The interceptable build-id calls: `[input, output]`. */
export interface BuildIdCalls {
  updateWorkerBuildIdCompatibility: [UpdateBuildIdCompatibilityInput, void];
  getWorkerBuildIdCompatibility: [GetBuildIdCompatibilityInput, WorkerBuildIdVersionSets];
  getWorkerTaskReachability: [BuildIdReachabilityOptions, WorkerTaskReachability];
}

function requireString(name: string, value: unknown): void {
  if (typeof value !== "string" || value === "") {
    throw new TypeError(`Missing ${name}: expected a non-empty string, got '${String(value)}'`);
  }
}

function operationToProto(op: BuildIdOperation) {
  switch (op.type) {
    case "addNewIdInNewDefaultSet":
      requireString("buildId", op.buildId);
      return { case: "addNewBuildIdInNewDefaultSet" as const, value: op.buildId };
    case "addNewCompatibleVersion":
      requireString("buildId", op.buildId);
      requireString("existingCompatibleBuildId", op.existingCompatibleBuildId);
      return {
        case: "addNewCompatibleBuildId" as const,
        value: {
          newBuildId: op.buildId,
          existingCompatibleBuildId: op.existingCompatibleBuildId,
          makeSetDefault: op.makeSetDefault ?? false,
        },
      };
    case "promoteSetByBuildId":
      requireString("buildId", op.buildId);
      return { case: "promoteSetByBuildId" as const, value: op.buildId };
    case "promoteBuildIdWithinSet":
      requireString("buildId", op.buildId);
      return { case: "promoteBuildIdWithinSet" as const, value: op.buildId };
    case "mergeSets":
      requireString("primaryBuildId", op.primaryBuildId);
      requireString("secondaryBuildId", op.secondaryBuildId);
      return {
        case: "mergeSets" as const,
        value: { primarySetBuildId: op.primaryBuildId, secondarySetBuildId: op.secondaryBuildId },
      };
    default:
      throw new TypeError(
        `Invalid build id operation '${
          String((op as { type?: unknown })?.type)
        }': expected addNewIdInNewDefaultSet, ` +
          "addNewCompatibleVersion, promoteSetByBuildId, promoteBuildIdWithinSet or mergeSets",
      );
  }
}

/** Validates and runs `updateWorkerBuildIdCompatibility`. */
export async function updateWorkerBuildIdCompatibility(
  ctx: ClientContext,
  taskQueue: string,
  operation: BuildIdOperation,
  options: RpcOptions,
): Promise<void> {
  requireString("task queue", taskQueue);
  operationToProto(operation);
  return await ctx.invoke("updateWorkerBuildIdCompatibility", {
    ...rpcOptionsOf(options),
    taskQueue,
    operation,
  });
}

/** Validates and runs `getWorkerBuildIdCompatibility`. */
export async function getWorkerBuildIdCompatibility(
  ctx: ClientContext,
  taskQueue: string,
  options: RpcOptions & { maxSets?: number },
): Promise<WorkerBuildIdVersionSets> {
  requireString("task queue", taskQueue);
  const maxSets = options.maxSets;
  if (maxSets !== undefined && (!Number.isInteger(maxSets) || maxSets < 0)) {
    throw new TypeError(`Invalid maxSets '${String(maxSets)}': expected a whole number`);
  }
  return await ctx.invoke("getWorkerBuildIdCompatibility", {
    ...rpcOptionsOf(options),
    taskQueue,
    ...(maxSets === undefined ? {} : { maxSets }),
  });
}

/** Validates and runs `getWorkerTaskReachability`. */
export async function getWorkerTaskReachability(
  ctx: ClientContext,
  options: BuildIdReachabilityOptions,
): Promise<WorkerTaskReachability> {
  if (!Array.isArray(options?.buildIds) || options.buildIds.length === 0) {
    throw new TypeError("Missing buildIds: give at least one build id");
  }
  for (const id of options.buildIds) requireString("build id", id);
  if (options.reachability !== undefined && !REACHABILITY.includes(options.reachability)) {
    throw new TypeError(
      `Invalid reachability '${String(options.reachability)}': expected ${REACHABILITY.slice(1).join(", ")}`,
    );
  }
  return await ctx.invoke("getWorkerTaskReachability", options);
}

/** The implementations of the build-id calls. */
export const buildIdCalls = {
  async updateWorkerBuildIdCompatibility(
    ctx: ClientContext,
    input: UpdateBuildIdCompatibilityInput,
  ): Promise<void> {
    await ctx.workflowService.updateWorkerBuildIdCompatibility({
      namespace: ctx.namespace,
      taskQueue: input.taskQueue,
      operation: operationToProto(input.operation),
    }, callOptions(input));
  },
  async getWorkerBuildIdCompatibility(
    ctx: ClientContext,
    input: GetBuildIdCompatibilityInput,
  ): Promise<WorkerBuildIdVersionSets> {
    const response = await ctx.workflowService.getWorkerBuildIdCompatibility({
      namespace: ctx.namespace,
      taskQueue: input.taskQueue,
      maxSets: input.maxSets ?? 0,
    }, callOptions(input));
    const sets = response.majorVersionSets.map((set) => ({
      buildIds: [...set.buildIds],
      default: set.buildIds.at(-1),
    }));
    return { sets, defaultBuildId: sets.at(-1)?.default };
  },
  async getWorkerTaskReachability(
    ctx: ClientContext,
    input: BuildIdReachabilityOptions,
  ): Promise<WorkerTaskReachability> {
    const response = await ctx.workflowService.getWorkerTaskReachability({
      namespace: ctx.namespace,
      buildIds: input.buildIds,
      taskQueues: input.taskQueues ?? [],
      reachability: (input.reachability === undefined
        ? 0
        : REACHABILITY.indexOf(input.reachability)) as TaskReachabilityProto,
    }, callOptions(input));
    const out: Record<string, Record<string, TaskReachability[]>> = {};
    for (const entry of response.buildIdReachability) {
      const queues: Record<string, TaskReachability[]> = {};
      for (const tq of entry.taskQueueReachability) {
        queues[tq.taskQueue] = tq.reachability.map((r) => REACHABILITY[r] ?? "UNSPECIFIED")
          .filter((r): r is TaskReachability => r !== "UNSPECIFIED");
      }
      out[entry.buildId] = queues;
    }
    return { buildIdReachability: out };
  },
};
