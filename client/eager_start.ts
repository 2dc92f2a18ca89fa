/**
 * Eager workflow start: with `requestEagerStart`, the server may hand the new workflow's first
 * task straight back in the start response, saving a poll round trip. The client only asks for
 * that when a worker of this process has registered for the task queue and has a free slot; the
 * worker registers through `client.eagerStart`.
 *
 * @module
 */

import type { PollWorkflowTaskQueueResponse } from "../gen/temporal/api/workflowservice/v1/request_response_pb.ts";

/**
 * A worker's side of eager start: `reserve()` takes a workflow-task slot if one is free and
 * returns the function that receives the task (or `undefined` if the server sent none, which
 * must free the slot); it returns `undefined` when no slot is free.
 */
export interface EagerWorkflowTaskHandler {
  reserve(): ((task: PollWorkflowTaskQueueResponse | undefined) => void) | undefined;
}

/**
 * Routes eager workflow tasks to the workers of this process, by task queue.
 *
 * @example
 * ```ts
 * const unregister = client.eagerStart.register("orders", { reserve: () => (task) => { if (task) run(task); } });
 * ```
 */
export class EagerStartDispatcher {
  readonly #handlers = new Map<string, Set<EagerWorkflowTaskHandler>>();

  /** Registers a handler for a task queue; returns the function that unregisters it. */
  register(taskQueue: string, handler: EagerWorkflowTaskHandler): () => void {
    let set = this.#handlers.get(taskQueue);
    if (set === undefined) this.#handlers.set(taskQueue, set = new Set());
    set.add(handler);
    return () => {
      set.delete(handler);
      if (set.size === 0 && this.#handlers.get(taskQueue) === set) this.#handlers.delete(taskQueue);
    };
  }

  /** Reserves a slot with some handler of the task queue, or returns `undefined` if none can take a task. */
  reserve(taskQueue: string): ((task: PollWorkflowTaskQueueResponse | undefined) => void) | undefined {
    for (const handler of this.#handlers.get(taskQueue) ?? []) {
      const deliver = handler.reserve();
      if (deliver !== undefined) return deliver;
    }
    return undefined;
  }
}
