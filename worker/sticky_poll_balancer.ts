/**
 * Which workflow task queue the next poll goes to: the worker's normal queue or its sticky queue.
 *
 * Once runs are cached, most of their tasks come through the sticky queue, so most polls go there
 * and a fifth (at least one) stay on the normal queue for new runs and evicted ones, as sdk-core
 * splits them. While nothing is cached, the sticky queue can only receive stragglers of evicted
 * runs, so one poll waits there and every other poll goes to the normal queue. That matters at
 * start-up: the server spreads a queue's backlog over several partitions, and a task queued before
 * the worker started is only handed out quickly when some poll reaches its partition.
 *
 * @example
 * ```ts
 * const balancer = new StickyPollBalancer(10, () => engine.cacheSize);
 * const kind = balancer.begin();
 * try {
 *   await poll(kind);
 * } finally {
 *   balancer.end(kind);
 * }
 * ```
 * @module
 */

/** The share of polls that go to the normal queue while runs are cached. */
export const NORMAL_POLL_SHARE = 0.2;

/** The kind of queue a poll goes to. */
export type PollKind = "normal" | "sticky";

/** Chooses the queue of each workflow task poll from the polls in flight and the cache. */
export class StickyPollBalancer {
  readonly #stickyWhenCached: number;
  readonly #cachedRuns: () => number;
  #sticky = 0;

  /**
   * @param pollers The number of concurrent workflow task polls.
   * @param cachedRuns How many runs the worker holds in its cache now.
   */
  constructor(pollers: number, cachedRuns: () => number) {
    this.#stickyWhenCached = Math.max(1, pollers - Math.max(1, Math.round(pollers * NORMAL_POLL_SHARE)));
    this.#cachedRuns = cachedRuns;
  }

  /** Picks the queue of a poll about to start; call {@linkcode end} with it when the poll returns. */
  begin(): PollKind {
    const wanted = this.#cachedRuns() > 0 ? this.#stickyWhenCached : 1;
    if (this.#sticky < wanted) {
      this.#sticky++;
      return "sticky";
    }
    return "normal";
  }

  /** Records that a poll of `kind` returned (with or without a task, or failed). */
  end(kind: PollKind): void {
    if (kind === "sticky") this.#sticky--;
  }
}
