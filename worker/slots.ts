/**
 * Task slots: a counting semaphore that bounds how many tasks of one kind (workflow tasks,
 * activities) a worker runs at once. Pollers take a slot before they poll, so the worker never
 * accepts a task it has no room for.
 *
 * @module
 */

/**
 * A fixed number of slots, taken with {@linkcode Slots.acquire} and given back with
 * {@linkcode Slots.release}; waiters are served in order.
 *
 * @example
 * ```ts
 * const slots = new Slots(2);
 * if (await slots.acquire(signal)) {
 *   try { await runTask(); } finally { slots.release(); }
 * }
 * ```
 */
export class Slots {
  /** How many slots there are. */
  readonly capacity: number;
  #used = 0;
  readonly #waiters: (() => void)[] = [];
  readonly #idleWaiters: (() => void)[] = [];

  /** @param capacity A positive integer. */
  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) {
      throw new TypeError(`Invalid slot count '${String(capacity)}': expected a positive integer`);
    }
    this.capacity = capacity;
  }

  /** Slots in use. */
  get used(): number {
    return this.#used;
  }

  /** Slots free. */
  get available(): number {
    return this.capacity - this.#used;
  }

  /** Takes a slot if one is free; never waits. */
  tryAcquire(): boolean {
    if (this.#used >= this.capacity) return false;
    this.#used++;
    return true;
  }

  /**
   * Takes a slot, waiting for one if all are in use.
   *
   * @returns `true` with a slot taken, `false` if `signal` aborted first (no slot taken).
   */
  acquire(signal?: AbortSignal): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false);
    if (this.tryAcquire()) return Promise.resolve(true);
    return new Promise<boolean>((resolve) => {
      const grant = () => {
        signal?.removeEventListener("abort", onAbort);
        this.#used++;
        resolve(true);
      };
      const onAbort = () => {
        const index = this.#waiters.indexOf(grant);
        if (index >= 0) this.#waiters.splice(index, 1);
        resolve(false);
      };
      this.#waiters.push(grant);
      signal?.addEventListener("abort", onAbort, { once: true });
    });
  }

  /** Gives a slot back; the oldest waiter gets it. */
  release(): void {
    if (this.#used === 0) throw new Error("Cannot release a slot: none is in use");
    this.#used--;
    const next = this.#waiters.shift();
    if (next !== undefined) {
      next();
      return;
    }
    if (this.#used === 0) { for (const resolve of this.#idleWaiters.splice(0)) resolve(); }
  }

  /** Resolves once no slot is in use. */
  idle(): Promise<void> {
    if (this.#used === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }
}
