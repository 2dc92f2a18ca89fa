/**
 * Eager activity dispatch: when a workflow task schedules activities on the worker's own task
 * queue, the worker asks the server (`requestEagerExecution` on the ScheduleActivityTask command)
 * to hand those activity tasks back in the RespondWorkflowTaskCompleted response, and runs them
 * at once instead of waiting for an activity poll. A request is made only for activities the
 * worker has registered and for which an activity slot is free (reserved until the response
 * arrives), at most `maxPerTask` per workflow task. The server may dispatch fewer (or none, if
 * its `system.enableActivityEagerExecution` is off); unused reservations are released.
 *
 * @module
 */

import type { PollActivityTaskQueueResponse } from "../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import type { Slots } from "./slots.ts";
import type { WorkflowServiceClient } from "./workflow/history.ts";

/** Options of {@linkcode EagerActivityDispatcher}. */
export interface EagerActivityOptions {
  /** The worker's task queue: only activities scheduled on it are run eagerly. */
  readonly taskQueue: string;
  /** The activity types the worker can run. */
  readonly activityTypes: ReadonlySet<string> | ReadonlyMap<string, unknown>;
  /** The worker's activity slots (shared with the activity pollers). */
  readonly slots: Slots;
  /** Runs one activity task and reports its outcome to the server; never rejects. */
  readonly execute: (task: PollActivityTaskQueueResponse) => Promise<void>;
  /** True once the worker is shutting down: no new eager requests. */
  readonly stopping: () => boolean;
  /** Eager requests per workflow task. Default: 3 (as the other SDKs). */
  readonly maxPerTask?: number;
}

/**
 * Wraps the workflow service the engine uses so that RespondWorkflowTaskCompleted requests eager
 * execution and runs the activity tasks that come back.
 *
 * @example
 * ```ts
 * const eager = new EagerActivityDispatcher({ taskQueue, activityTypes, slots, execute, stopping });
 * createWorkflowEngine({ workflowService: eager.wrap(connection.workflowService), ... });
 * await eager.drained(); // on shutdown
 * ```
 */
export class EagerActivityDispatcher {
  readonly #o: EagerActivityOptions;
  readonly #running = new Set<Promise<void>>();
  #dispatched = 0;

  /** @param options See {@linkcode EagerActivityOptions}. */
  constructor(options: EagerActivityOptions) {
    this.#o = options;
  }

  /** Activity tasks the server has handed back so far (and this worker ran). */
  get dispatched(): number {
    return this.#dispatched;
  }

  /** A service whose `respondWorkflowTaskCompleted` dispatches eagerly; every other call is the original. */
  wrap<S extends WorkflowServiceClient>(service: S): S {
    const respond: WorkflowServiceClient["respondWorkflowTaskCompleted"] = (request) =>
      this.#respond(service, request);
    return new Proxy(service, {
      get(target, property, receiver) {
        if (property === "respondWorkflowTaskCompleted") return respond;
        return Reflect.get(target, property, receiver);
      },
    });
  }

  /** Resolves once every eagerly dispatched activity has finished. */
  async drained(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running);
  }

  async #respond(
    service: WorkflowServiceClient,
    request: Parameters<WorkflowServiceClient["respondWorkflowTaskCompleted"]>[0],
  ): ReturnType<WorkflowServiceClient["respondWorkflowTaskCompleted"]> {
    const { taskQueue, activityTypes, slots, stopping } = this.#o;
    const max = this.#o.maxPerTask ?? 3;
    let reserved = 0;
    for (const command of request.commands ?? []) {
      if (command.attributes?.case !== "scheduleActivityTaskCommandAttributes") continue;
      const attributes = command.attributes.value;
      if (!attributes.requestEagerExecution) continue;
      const eligible = reserved < max && !stopping() &&
        (attributes.taskQueue?.name ?? taskQueue) === taskQueue &&
        activityTypes.has(attributes.activityType?.name ?? "") && slots.tryAcquire();
      if (eligible) reserved++;
      else attributes.requestEagerExecution = false;
    }
    let response: Awaited<ReturnType<WorkflowServiceClient["respondWorkflowTaskCompleted"]>>;
    try {
      response = await service.respondWorkflowTaskCompleted(request);
    } catch (error) {
      for (let i = 0; i < reserved; i++) slots.release();
      throw error;
    }
    const tasks = response.activityTasks.slice(0, reserved);
    for (let i = tasks.length; i < reserved; i++) slots.release();
    for (const task of tasks) {
      this.#dispatched++;
      const running: Promise<void> = this.#o.execute(task).catch(() => undefined).finally(() => {
        slots.release();
        this.#running.delete(running);
      });
      this.#running.add(running);
    }
    return response;
  }
}
