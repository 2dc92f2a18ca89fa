/**
 * Cancellation scopes: a tree of scopes, one per `CancellationScope.run`, that decides which
 * timers, activities, child workflows, conditions and signals are cancelled together. The
 * workflow function runs in the root scope, which is cancelled when the workflow is cancelled.
 *
 * @module
 */

import { CancelledFailure } from "../../common/failures.ts";
import { type Duration, durationToMs } from "../../common/duration.ts";
import { activator, getScopeSlot, maybeActivator, setScopeOwner, setScopeSlot } from "./internal/context.ts";

/** Options of {@linkcode CancellationScope}. */
export interface CancellationScopeOptions {
  /** False to shield the scope from its parent's cancellation. Default: `true`. */
  cancellable?: boolean;
  /** The parent scope; `null` for a root. Default: the current scope. */
  parent?: CancellationScope | null;
  /** Cancel the scope automatically after this long (a durable timer). Default: none. */
  timeout?: Duration;
}

type Listener = (reason: CancelledFailure) => void;

/**
 * A group of operations cancelled together. Operations (timers, activities, children, conditions,
 * external signals) belong to the scope that is current when they start.
 *
 * @example
 * ```ts
 * const scope = new CancellationScope();
 * const work = scope.run(() => executeActivity("slow", { startToCloseTimeout: "1h" }));
 * scope.cancel();
 * await work; // rejects with an ActivityFailure caused by a CancelledFailure
 * ```
 */
export class CancellationScope {
  /** Whether cancellation of the parent reaches this scope. */
  readonly cancellable: boolean;
  /** The parent, or undefined for a root scope. */
  readonly parent: CancellationScope | undefined;
  /** The timeout in milliseconds, if any. */
  readonly timeout: number | undefined;
  #reason: CancelledFailure | undefined;
  #cancelRequested: Promise<never> | undefined;
  #rejectRequested: ((reason: CancelledFailure) => void) | undefined;
  #listeners = new Set<Listener>();
  #children = new Set<CancellationScope>();

  constructor(options: CancellationScopeOptions = {}) {
    this.cancellable = options.cancellable ?? true;
    this.timeout = options.timeout === undefined ? undefined : durationToMs(options.timeout);
    const parent = options.parent === null ? undefined : (options.parent ?? CancellationScope.current());
    this.parent = parent;
    setScopeOwner(this, maybeActivator());
    if (parent !== undefined && this.cancellable) {
      if (parent.consideredCancelled) this.#reason = parent.#reason;
      else parent.#children.add(this);
    }
  }

  /** A promise that rejects with a `CancelledFailure` once cancellation of this scope is requested. */
  get cancelRequested(): Promise<never> {
    if (this.#cancelRequested === undefined) {
      this.#cancelRequested = new Promise<never>((_, reject) => {
        this.#rejectRequested = reject;
      });
      this.#cancelRequested.catch(() => undefined);
      if (this.#reason !== undefined) this.#rejectRequested?.(this.#reason);
    }
    return this.#cancelRequested;
  }

  /** True if operations in this scope are cancelled: cancellation was requested and the scope is cancellable. */
  get consideredCancelled(): boolean {
    return this.#reason !== undefined && this.cancellable;
  }

  /** The failure operations of this scope are rejected with once it is cancelled. */
  get cancellationReason(): CancelledFailure | undefined {
    return this.#reason;
  }

  /**
   * Runs `fn` with this scope as the current scope; operations it starts (also after `await`)
   * belong to this scope. With a `timeout`, the scope is cancelled when the timeout fires.
   */
  run<T>(fn: () => Promise<T> | T): Promise<T> {
    const run = activator();
    let stopTimer: (() => void) | undefined;
    if (this.timeout !== undefined) {
      const timeout = this.timeout;
      const timer = run.startTimer(timeout, this.parent);
      stopTimer = timer.cancel;
      timer.promise.then(
        () => this.cancel(`Cancellation scope timed out after ${timeout} ms`),
        () => undefined,
      );
    }
    const previous = setScopeSlot(this);
    let result: Promise<T>;
    try {
      result = Promise.resolve(fn());
    } catch (error) {
      result = Promise.reject(error);
    } finally {
      setScopeSlot(previous);
    }
    const done = () => {
      stopTimer?.();
      if (this.parent !== undefined) this.parent.#children.delete(this);
    };
    return result.then(
      (value) => {
        done();
        return value;
      },
      (error: unknown) => {
        done();
        throw error;
      },
    );
  }

  /**
   * Requests cancellation: operations of this scope and of its cancellable descendants are
   * cancelled. On a non-cancellable scope only `cancelRequested` rejects.
   */
  cancel(reason?: string): void {
    if (this.#reason !== undefined) return;
    this.#cancel(new CancelledFailure(reason ?? "Cancellation scope cancelled"));
  }

  #cancel(reason: CancelledFailure): void {
    if (this.#reason !== undefined) return;
    this.#reason = reason;
    this.#rejectRequested?.(reason);
    if (!this.cancellable) return;
    for (const listener of [...this.#listeners]) listener(reason);
    this.#listeners.clear();
    for (const child of [...this.#children]) child.#cancel(reason);
    this.#children.clear();
  }

  /**
   * Internal: calls `listener` when this scope is cancelled; returns the unsubscribe function.
   * @internal
   */
  onCancel(listener: Listener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * The scope of the code that is running (the workflow's root scope outside any `run`).
   *
   * @example
   * ```ts
   * CancellationScope.current().cancel();
   * ```
   */
  static current(): CancellationScope {
    const slot = getScopeSlot();
    const run = activator();
    if (slot instanceof CancellationScope && run.ownsScope(slot)) return slot;
    return run.rootScope;
  }

  /**
   * Runs `fn` in a new cancellable scope (a child of the current one).
   *
   * @example
   * ```ts
   * await CancellationScope.cancellable(async () => { await sleep(1000); });
   * ```
   */
  static cancellable<T>(fn: () => Promise<T>): Promise<T> {
    return new CancellationScope({ cancellable: true }).run(fn);
  }

  /**
   * Runs `fn` in a new scope that its parent's cancellation does not reach (e.g. for cleanup).
   *
   * @example
   * ```ts
   * await CancellationScope.nonCancellable(() => executeActivity("cleanup", { startToCloseTimeout: "1m" }));
   * ```
   */
  static nonCancellable<T>(fn: () => Promise<T>): Promise<T> {
    return new CancellationScope({ cancellable: false }).run(fn);
  }

  /**
   * Runs `fn` in a new cancellable scope that is cancelled after `timeout`.
   *
   * @example
   * ```ts
   * await CancellationScope.withTimeout("5m", () => executeActivity("slow", { startToCloseTimeout: "1h" }));
   * ```
   */
  static withTimeout<T>(timeout: Duration, fn: () => Promise<T>): Promise<T> {
    return new CancellationScope({ cancellable: true, timeout }).run(fn);
  }
}

/** Internal: the scope an operation started now belongs to. */
export function currentScope(): CancellationScope {
  return CancellationScope.current();
}
