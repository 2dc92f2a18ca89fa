/**
 * Pollers: loops that long-poll one task queue for tasks, each holding a slot of the task kind
 * while it polls and while the task runs. Transient RPC failures back off and retry; a failure
 * that retrying cannot fix (a missing namespace, a permission error) is fatal to the worker.
 *
 * @module
 */

import { RPCCode } from "../client/rpc_code.ts";
import { RPCError } from "../client/rpc_error.ts";
import { isRetryableCode } from "../client/retry.ts";
import type { Slots } from "./slots.ts";

/** Options of {@linkcode PollerGroup}. */
export interface PollerGroupOptions<T> {
  /** What is polled, for messages, e.g. `"activity task queue 'orders'"`. */
  readonly name: string;
  /** How many concurrent long polls. */
  readonly pollers: number;
  /** The slots of the task kind; a poller holds one while polling and while its task runs. */
  readonly slots: Slots;
  /** One long poll; resolves `undefined` when the server had no task. Must honour `signal`. */
  readonly poll: (signal: AbortSignal) => Promise<T | undefined>;
  /** Runs one task. Errors are reported to `onTaskError`; they never stop polling. */
  readonly handle: (task: T) => Promise<void>;
  /** Polling hit an error that retrying cannot fix; the group has stopped. */
  readonly onFatal: (error: unknown) => void;
  /** A transient poll failure (retried) or a task handler's error. Default: ignored. */
  readonly onError?: (error: unknown) => void;
  /** First retry delay after a transient poll failure, in ms (doubles up to 10 s). Default: 100. */
  readonly backoffMs?: number;
}

const MAX_BACKOFF_MS = 10_000;

/**
 * Whether a poll failure may be retried: the retryable codes of the connection, plus
 * DEADLINE_EXCEEDED (a long poll the network held up) and plain network failures.
 */
export function isTransientPollError(error: unknown): boolean {
  if (!(error instanceof RPCError)) return false;
  return isRetryableCode(error.code) || error.code === RPCCode.DEADLINE_EXCEEDED;
}

/**
 * A set of pollers of one task queue.
 *
 * @example
 * ```ts
 * const group = new PollerGroup({ name: "activities", pollers: 2, slots, poll, handle, onFatal });
 * group.start();
 * // ...
 * await group.stop();    // no more polls
 * await group.drained(); // every task handled
 * ```
 */
export class PollerGroup<T> {
  readonly #options: PollerGroupOptions<T>;
  readonly #abort = new AbortController();
  readonly #loops: Promise<void>[] = [];
  readonly #running = new Set<Promise<void>>();

  constructor(options: PollerGroupOptions<T>) {
    this.#options = options;
  }

  /** Starts the pollers. */
  start(): void {
    if (this.#loops.length > 0) throw new Error(`Pollers of ${this.#options.name} are already started`);
    for (let i = 0; i < this.#options.pollers; i++) this.#loops.push(this.#loop());
  }

  /** Tasks being handled. */
  get inFlight(): number {
    return this.#running.size;
  }

  /** Aborts the polls in flight and resolves when every poller has exited (tasks may still run). */
  async stop(): Promise<void> {
    this.#abort.abort();
    await Promise.all(this.#loops);
  }

  /** Resolves once every task handed to `handle` has finished. */
  async drained(): Promise<void> {
    while (this.#running.size > 0) await Promise.all(this.#running);
  }

  async #loop(): Promise<void> {
    const { slots, poll, onFatal, onError } = this.#options;
    const signal = this.#abort.signal;
    let failures = 0;
    while (!signal.aborted) {
      if (!(await slots.acquire(signal))) break;
      let task: T | undefined;
      try {
        task = await poll(signal);
        failures = 0;
      } catch (error) {
        slots.release();
        if (signal.aborted) break;
        if (!isTransientPollError(error)) {
          this.#abort.abort();
          onFatal(error);
          break;
        }
        onError?.(error);
        failures++;
        await delay(backoff(this.#options.backoffMs ?? 100, failures), signal);
        continue;
      }
      if (task === undefined) {
        slots.release();
        continue;
      }
      this.#run(task);
    }
  }

  #run(task: T): void {
    const running: Promise<void> = Promise.resolve()
      .then(() => this.#options.handle(task))
      .catch((error: unknown) => this.#options.onError?.(error))
      .finally(() => {
        this.#options.slots.release();
        this.#running.delete(running);
      });
    this.#running.add(running);
  }
}

function backoff(firstMs: number, failures: number): number {
  const ms = Math.min(MAX_BACKOFF_MS, firstMs * 2 ** Math.min(failures - 1, 20));
  return ms * (0.8 + Math.random() * 0.4);
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted) return Promise.resolve();
  return new Promise((resolve) => {
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
