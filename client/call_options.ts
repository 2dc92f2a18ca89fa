/**
 * Options every service call takes.
 *
 * @module
 */
import type { RetryOptions } from "./retry.ts";

/**
 * Per-call options for the methods of {@linkcode Connection.workflowService} and the other
 * service clients.
 *
 * @example
 * ```ts
 * await connection.workflowService.describeNamespace(
 *   { namespace: "default" },
 *   { timeoutMs: 5_000, headers: { "x-trace": "abc" }, retry: { maxAttempts: 3 } },
 * );
 * ```
 */
export interface CallOptions {
  /** Cancels the call (and any wait between retries); the call fails with `CANCELLED`. */
  signal?: AbortSignal;
  /**
   * Time budget for the call, all retries included, in milliseconds; `Infinity` means none.
   * Default: the connection's `rpcTimeout` (30 s), or 70 s for long polls (`Poll*`,
   * `UpdateWorkflowExecution`, `ExecuteMultiOperation`, history with `waitNewEvent`), which is
   * longer than the server's own long-poll expiry.
   */
  timeoutMs?: number;
  /** Absolute deadline, as a `Date` or epoch milliseconds; with `timeoutMs`, the earlier wins. */
  deadline?: Date | number;
  /** Extra headers for this call; they win over the connection's metadata and API key. */
  headers?: HeadersInit;
  /**
   * `false` to make a single attempt (a worker's pollers do their own retrying), or retry
   * options overriding the connection's for this call. Default: the connection's policy.
   */
  retry?: boolean | Partial<RetryOptions>;
  /** Receives the response headers of the successful attempt. */
  onHeader?: (headers: Headers) => void;
  /** Receives the response trailers of the successful attempt. */
  onTrailer?: (trailers: Headers) => void;
}
