/**
 * The LRU cache of workflow runs kept for sticky execution, with a per-run lock so that a run's
 * tasks (and legacy queries, which may arrive alongside a workflow task) are processed one at a
 * time. On pressure the least recently used run that is not being processed is evicted.
 *
 * @module
 */

/** An LRU of runs by run id, with per-run serialization. */
export class RunCache<T> {
  readonly capacity: number;
  readonly #runs = new Map<string, T>();
  readonly #locks = new Map<string, Promise<void>>();
  readonly #onEvict: (runId: string) => void;

  constructor(capacity: number, onEvict: (runId: string) => void) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new RangeError(`Invalid maxCachedWorkflows ${capacity}: expected a whole number >= 0`);
    }
    this.capacity = capacity;
    this.#onEvict = onEvict;
  }

  get size(): number {
    return this.#runs.size;
  }

  /** The run, marked most recently used; undefined on a miss. */
  get(runId: string): T | undefined {
    const run = this.#runs.get(runId);
    if (run === undefined) return undefined;
    this.#runs.delete(runId);
    this.#runs.set(runId, run);
    return run;
  }

  /** Adds a run, evicting the least recently used idle runs beyond capacity. */
  set(runId: string, run: T): void {
    this.#runs.delete(runId);
    this.#runs.set(runId, run);
    for (const id of this.#runs.keys()) {
      if (this.#runs.size <= this.capacity) break;
      if (id === runId || this.#locks.has(id)) continue;
      this.delete(id);
    }
  }

  /** Evicts a run (no-op if absent) and tells the sandbox to drop it. */
  delete(runId: string): void {
    const had = this.#runs.delete(runId);
    if (had) this.#onEvict(runId);
  }

  /** Evicts every run. */
  clear(): void {
    for (const id of [...this.#runs.keys()]) this.delete(id);
  }

  /** Runs `fn` once every earlier call for the same run has settled. */
  withLock(runId: string, fn: () => Promise<void>): Promise<void> {
    const previous = this.#locks.get(runId) ?? Promise.resolve();
    const current = previous.then(fn, fn);
    const tail = current.catch(() => undefined);
    this.#locks.set(runId, tail);
    void tail.then(() => {
      if (this.#locks.get(runId) === tail) this.#locks.delete(runId);
    });
    return current;
  }
}
