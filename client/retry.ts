/**
 * Retry policy for calls to the Temporal Service: which gRPC codes are retried and how long to
 * wait between attempts (exponential backoff with jitter).
 *
 * @module
 */
import { durationToMs } from "../common/duration.ts";
import type { Duration } from "../common/duration.ts";
import { RPCCode } from "./rpc_code.ts";

/**
 * How a call is retried when it fails with a retryable code. Every field is optional where it is
 * taken; the defaults are those of the official Temporal SDKs (sdk-core).
 */
export interface RetryOptions {
  /** Wait before the first retry. Default: 100 ms. */
  initialInterval: Duration;
  /** Longest wait between two attempts. Default: 5 s. */
  maxInterval: Duration;
  /** Each wait is the previous one times this factor (at least 1). Default: 1.7. */
  multiplier: number;
  /** Attempts in total, the first included (1 means no retry). Default: 10. */
  maxAttempts: number;
  /** Randomises each wait by up to ± this fraction (0 to 1). Default: 0.2. */
  jitter: number;
}

/** {@linkcode RetryOptions} in milliseconds, validated. */
export interface ResolvedRetryOptions {
  readonly initialIntervalMs: number;
  readonly maxIntervalMs: number;
  readonly multiplier: number;
  readonly maxAttempts: number;
  readonly jitter: number;
}

/** The default retry policy. */
export const DEFAULT_RETRY_OPTIONS: Readonly<RetryOptions> = Object.freeze({
  initialInterval: 100,
  maxInterval: 5_000,
  multiplier: 1.7,
  maxAttempts: 10,
  jitter: 0.2,
});

/**
 * Backoff used instead when the server says RESOURCE_EXHAUSTED (it is throttling us): the wait
 * is the larger of this and the normal backoff, as sdk-core does.
 */
const THROTTLE_INITIAL_MS = 1_000;
const THROTTLE_MAX_MS = 10_000;
const THROTTLE_MULTIPLIER = 2;

/**
 * The codes retried, the same set as sdk-core (which the Python, .NET, Ruby and TypeScript SDKs
 * use): the server or the network was unavailable or overloaded, or the request was aborted
 * midway. Temporal requests carry request ids, so repeating a start or a signal is safe.
 * Never retried: CANCELLED (the caller gave up), DEADLINE_EXCEEDED (the time budget is spent;
 * a worker's long poll that times out is the worker's to handle), and every code that says the
 * request itself is wrong (INVALID_ARGUMENT, NOT_FOUND, ALREADY_EXISTS, PERMISSION_DENIED, ...).
 */
export const RETRYABLE_CODES: ReadonlySet<RPCCode> = new Set<RPCCode>([
  RPCCode.UNAVAILABLE,
  RPCCode.RESOURCE_EXHAUSTED,
  RPCCode.ABORTED,
  RPCCode.INTERNAL,
  RPCCode.UNKNOWN,
  RPCCode.DATA_LOSS,
  RPCCode.OUT_OF_RANGE,
]);

/**
 * Whether a call that failed with `code` may be retried.
 *
 * @example
 * ```ts
 * isRetryableCode(RPCCode.UNAVAILABLE); // true
 * isRetryableCode(RPCCode.INVALID_ARGUMENT); // false
 * ```
 */
export function isRetryableCode(code: number): boolean {
  return RETRYABLE_CODES.has(code as RPCCode);
}

/**
 * Whether a failed call may be retried: its code is retryable, and it is not a RESOURCE_EXHAUSTED that
 * says the message itself is too large (gRPC's "received message larger than max"), which fails the same
 * way every time — as in sdk-core, such a call fails at once.
 *
 * @example
 * ```ts
 * isRetryableFailure(RPCCode.RESOURCE_EXHAUSTED, "grpc: received message larger than max (5 vs. 4)"); // false
 * isRetryableFailure(RPCCode.RESOURCE_EXHAUSTED, "namespace rate limit exceeded"); // true
 * ```
 */
export function isRetryableFailure(code: number, message: string): boolean {
  if (code === RPCCode.RESOURCE_EXHAUSTED && /message larger than max/i.test(message)) return false;
  return isRetryableCode(code);
}

/**
 * Fills in defaults and validates, converting durations to milliseconds.
 *
 * @throws {TypeError} If a value is out of range; the message quotes it.
 *
 * @example
 * ```ts
 * resolveRetryOptions({ maxAttempts: 3 }).initialIntervalMs; // 100
 * ```
 */
export function resolveRetryOptions(options: Partial<RetryOptions> = {}): ResolvedRetryOptions {
  const merged = { ...DEFAULT_RETRY_OPTIONS, ...stripUndefined(options) };
  const initialIntervalMs = durationToMs(merged.initialInterval);
  const maxIntervalMs = durationToMs(merged.maxInterval);
  const { multiplier, maxAttempts, jitter } = merged;
  if (typeof multiplier !== "number" || !(multiplier >= 1) || !Number.isFinite(multiplier)) {
    throw new TypeError(`Invalid retry multiplier '${multiplier}': expected a finite number of at least 1`);
  }
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new TypeError(`Invalid retry maxAttempts '${maxAttempts}': expected an integer of at least 1`);
  }
  if (typeof jitter !== "number" || !(jitter >= 0 && jitter <= 1)) {
    throw new TypeError(`Invalid retry jitter '${jitter}': expected a number from 0 to 1`);
  }
  if (maxIntervalMs < initialIntervalMs) {
    throw new TypeError(
      `Invalid retry maxInterval '${merged.maxInterval}': it is shorter than initialInterval '${merged.initialInterval}'`,
    );
  }
  return Object.freeze({ initialIntervalMs, maxIntervalMs, multiplier, maxAttempts, jitter });
}

/**
 * The wait in milliseconds before retrying after failed attempt number `attempt` (1-based).
 *
 * @param attempt The attempt that just failed, starting at 1.
 * @param options The retry policy.
 * @param code The code the attempt failed with; RESOURCE_EXHAUSTED backs off longer.
 * @param random A source of numbers in [0, 1), for tests.
 *
 * @example
 * ```ts
 * retryDelay(1, resolveRetryOptions({ jitter: 0 }), RPCCode.UNAVAILABLE); // 100
 * ```
 */
export function retryDelay(
  attempt: number,
  options: ResolvedRetryOptions,
  code: number,
  random: () => number = Math.random,
): number {
  const exponent = Math.max(0, attempt - 1);
  let base = Math.min(options.maxIntervalMs, options.initialIntervalMs * options.multiplier ** exponent);
  if (code === RPCCode.RESOURCE_EXHAUSTED) {
    base = Math.max(base, Math.min(THROTTLE_MAX_MS, THROTTLE_INITIAL_MS * THROTTLE_MULTIPLIER ** exponent));
  }
  const spread = base * options.jitter;
  return Math.max(0, base - spread + random() * 2 * spread);
}

/**
 * Resolves after `ms`, or rejects with the signal's reason as soon as it aborts.
 *
 * @example
 * ```ts
 * await sleep(100, AbortSignal.timeout(1_000));
 * ```
 */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
