/**
 * Typed clients for the Temporal services whose every call goes through the connection's
 * headers, deadline, retry policy and error mapping.
 *
 * @module
 */
import type {
  DescMessage,
  DescMethodUnary,
  DescService,
  MessageInitShape,
  MessageShape,
} from "@bufbuild/protobuf";
import type { Transport } from "@connectrpc/connect";
import type { CallOptions } from "./call_options.ts";
import { isRetryableFailure, resolveRetryOptions, retryDelay, sleep } from "./retry.ts";
import type { ResolvedRetryOptions } from "./retry.ts";
import { RPCCode } from "./rpc_code.ts";
import { RPCError } from "./rpc_error.ts";
import { describeTransportFailure } from "./transport_failure.ts";

/**
 * A client for a Temporal service: one method per RPC, named in lower camel case
 * (`startWorkflowExecution`), taking the request (as a plain object or a message) and
 * {@linkcode CallOptions}, and returning the response message. Failures are `RPCError`s.
 */
export type ServiceClient<S extends DescService> = {
  [K in keyof S["method"]]: S["method"][K] extends DescMethodUnary<infer I, infer O> ? UnaryCall<I, O>
    : never;
};

/** One unary RPC of a {@linkcode ServiceClient}. */
export type UnaryCall<I extends DescMessage, O extends DescMessage> = (
  request?: MessageInitShape<I>,
  options?: CallOptions,
) => Promise<MessageShape<O>>;

/** What the service clients need from their connection, read at every call. */
export interface CallContext {
  /** The transport; read per call so a reconnect can replace it. */
  transport(): Transport;
  /** Headers for one call, given its own headers. */
  headers(perCall: HeadersInit | undefined): Headers;
  /** The connection's retry policy, or `undefined` for none. */
  readonly retry: ResolvedRetryOptions | undefined;
  /** Default time budget of ordinary calls, in ms (`Infinity` for none). */
  readonly rpcTimeoutMs: number;
  /** Default time budget of long polls, in ms. */
  readonly longPollTimeoutMs: number;
  /** The server address, for messages. */
  readonly address: string;
  /** Whether the connection uses TLS, for hints in messages. */
  readonly tls: boolean;
  /** Whether the connection presents a client certificate (mutual TLS), for hints in messages. */
  readonly clientCert?: boolean;
  /** Aborted when the connection closes. */
  readonly closeSignal: AbortSignal;
}

/** HTTP statuses with which TLS proxies refuse a call that came without a required client certificate. */
const CLIENT_CERT_REFUSALS: ReadonlySet<string> = new Set(["400", "401", "403", "495", "496"]);

/** Methods that wait on the server for up to a minute, so they get the long-poll budget. */
const LONG_POLLS = new Set([
  "UpdateWorkflowExecution",
  "ExecuteMultiOperation",
  "UnlockTimeSkippingWithSleep",
  "Sleep",
  "SleepUntil",
]);

function isLongPoll(method: DescMethodUnary, request: unknown): boolean {
  if (method.name.startsWith("Poll") || LONG_POLLS.has(method.name)) return true;
  return method.name === "GetWorkflowExecutionHistory" &&
    (request as { waitNewEvent?: unknown } | undefined)?.waitNewEvent === true;
}

/**
 * Creates a {@linkcode ServiceClient} for `service` whose calls run through `context`.
 *
 * @example
 * ```ts
 * const workflowService = createServiceClient(WorkflowService, context);
 * ```
 */
export function createServiceClient<S extends DescService>(
  service: S,
  context: CallContext,
): ServiceClient<S> {
  const client: Record<string, unknown> = {};
  for (const method of service.methods) {
    if (method.methodKind !== "unary") continue;
    client[method.localName] = (request?: unknown, options?: CallOptions) =>
      callUnary(method as DescMethodUnary, request ?? {}, options ?? {}, context);
  }
  return client as ServiceClient<S>;
}

async function callUnary(
  method: DescMethodUnary,
  request: unknown,
  options: CallOptions,
  context: CallContext,
): Promise<unknown> {
  const callName = `${method.parent.name}.${method.name}`;
  const budgetMs = timeBudget(
    options,
    isLongPoll(method, request) ? context.longPollTimeoutMs : context.rpcTimeoutMs,
  );
  const deadline = Date.now() + budgetMs;
  const policy = retryPolicy(options.retry, context.retry);
  const signals = [context.closeSignal];
  if (options.signal !== undefined) signals.push(options.signal);
  const signal = signals.length === 1 ? context.closeSignal : AbortSignal.any(signals);
  const fail = (reason: unknown, lastTransportFailure: string | undefined, attempts: number): RPCError =>
    finalError(reason, { callName, context, options, budgetMs, deadline, lastTransportFailure, attempts });

  let lastTransportFailure: string | undefined;
  for (let attempt = 1;; attempt++) {
    if (signal.aborted) throw fail(signal.reason, lastTransportFailure, attempt - 1);
    const remaining = deadline - Date.now();
    if (remaining <= 0) throw fail(undefined, lastTransportFailure, attempt - 1);
    let failure: RPCError;
    try {
      const response = await context.transport().unary(
        method,
        signal,
        Number.isFinite(remaining) ? Math.max(1, Math.ceil(remaining)) : undefined,
        context.headers(options.headers),
        request as MessageInitShape<DescMessage>,
        undefined,
      );
      options.onHeader?.(response.header);
      options.onTrailer?.(response.trailer);
      return response.message;
    } catch (reason) {
      if (signal.aborted) throw fail(signal.reason, lastTransportFailure, attempt);
      failure = RPCError.from(reason);
      lastTransportFailure = describeTransportFailure(failure) ?? lastTransportFailure;
      if (
        policy === undefined || attempt >= policy.maxAttempts ||
        !(isRetryableFailure(failure.code, failure.message) || isServerReset(failure)) ||
        isProxyRefusal(failure)
      ) {
        throw fail(failure, lastTransportFailure, attempt);
      }
    }
    const delay = retryDelay(attempt, policy, failure.code);
    // Do not sleep past the deadline: report the real failure instead of a timeout.
    if (Date.now() + delay >= deadline) throw fail(failure, lastTransportFailure, attempt);
    try {
      await sleep(delay, signal);
    } catch (reason) {
      throw fail(reason, lastTransportFailure, attempt);
    }
  }
}

function timeBudget(options: CallOptions, defaultMs: number): number {
  let budget = defaultMs;
  if (options.timeoutMs !== undefined) {
    const timeoutMs = options.timeoutMs;
    if (typeof timeoutMs !== "number" || !(timeoutMs > 0)) {
      throw new TypeError(
        `Invalid timeoutMs '${String(timeoutMs)}': expected a positive number of milliseconds or Infinity`,
      );
    }
    budget = timeoutMs;
  }
  if (options.deadline !== undefined) {
    const at = options.deadline instanceof Date ? options.deadline.getTime() : options.deadline;
    if (typeof at !== "number" || Number.isNaN(at)) {
      throw new TypeError(
        `Invalid deadline '${String(options.deadline)}': expected a Date or epoch milliseconds`,
      );
    }
    const untilDeadline = at - Date.now();
    budget = options.timeoutMs !== undefined ? Math.min(budget, untilDeadline) : untilDeadline;
  }
  return budget;
}

function retryPolicy(
  perCall: CallOptions["retry"],
  connection: ResolvedRetryOptions | undefined,
): ResolvedRetryOptions | undefined {
  if (perCall === undefined || perCall === true) {
    return connection ?? (perCall === true ? resolveRetryOptions() : undefined);
  }
  if (perCall === false) return undefined;
  return resolveRetryOptions({ ...unresolve(connection), ...perCall });
}

function unresolve(options: ResolvedRetryOptions | undefined) {
  if (options === undefined) return {};
  return {
    initialInterval: options.initialIntervalMs,
    maxInterval: options.maxIntervalMs,
    multiplier: options.multiplier,
    maxAttempts: options.maxAttempts,
    jitter: options.jitter,
  };
}

interface FailureContext {
  callName: string;
  context: CallContext;
  options: CallOptions;
  budgetMs: number;
  deadline: number;
  lastTransportFailure: string | undefined;
  attempts: number;
}

function finalError(reason: unknown, f: FailureContext): RPCError {
  const { callName, context, options } = f;
  const tries = f.attempts === 1 ? "1 attempt" : `${f.attempts} attempts`;
  if (context.closeSignal.aborted) {
    return new RPCError(
      `Connection to '${context.address}' is closed; ${callName} was not completed`,
      RPCCode.CANCELLED,
      {
        cause: reason,
      },
    );
  }
  if (options.signal?.aborted && (reason === options.signal.reason || reason === undefined)) {
    return new RPCError(`${callName} was cancelled by its AbortSignal`, RPCCode.CANCELLED, {
      cause: options.signal.reason,
    });
  }
  const error = reason === undefined ? undefined : RPCError.from(reason);
  const pastDeadline = Date.now() >= f.deadline;
  if (error === undefined || (error.code === RPCCode.DEADLINE_EXCEEDED && pastDeadline)) {
    const lastError = f.lastTransportFailure === undefined
      ? ""
      : `; the server at '${context.address}' could not be reached: ${f.lastTransportFailure}`;
    const outcome = f.budgetMs <= 0
      ? "was not started: its deadline had already passed"
      : `did not complete within ${Math.round(f.budgetMs)} ms (${tries})`;
    return new RPCError(
      `Deadline exceeded: ${callName} ${outcome}${lastError}`,
      RPCCode.DEADLINE_EXCEEDED,
      { cause: error, metadata: error?.metadata },
    );
  }
  const transportFailure = describeTransportFailure(error);
  if (transportFailure !== undefined) {
    return new RPCError(
      `Cannot reach the Temporal server at '${context.address}': ${transportFailure} (${callName}, ${tries})`,
      error.code,
      { cause: error.cause ?? error, metadata: error.metadata },
    );
  }
  const httpStatus = nonGrpcHttpStatus(error);
  if (httpStatus !== undefined) {
    // Not a gRPC answer: something in front of the server (a proxy, a load balancer) refused the call.
    const hint = context.tls && context.clientCert !== true && CLIENT_CERT_REFUSALS.has(httpStatus)
      ? "; a TLS proxy that requires a client certificate (mutual TLS) answers like this when none is sent: " +
        "set tls.clientCert and tls.clientPrivateKey"
      : "";
    return new RPCError(
      `The server at '${context.address}' answered ${callName} with HTTP ${httpStatus} instead of gRPC, ` +
        `so a proxy or load balancer in front of it probably refused the call${hint}`,
      error.code,
      { cause: error.cause ?? error, metadata: error.metadata },
    );
  }
  if (isServerReset(error)) {
    // Neither the caller nor close() cancelled: the server (e.g. shutting down for a restart) or a
    // proxy reset the call without a gRPC status. That is a transient failure of the service, so it
    // is reported as UNAVAILABLE, which callers (and the worker's pollers) retry.
    const hint = context.tls ? "" : "; if the server expects TLS, set the tls option";
    return new RPCError(
      `The server at '${context.address}' dropped ${callName} without a gRPC status (${error.message})${hint}`,
      RPCCode.UNAVAILABLE,
      { cause: error.cause ?? error, metadata: error.metadata },
    );
  }
  return error;
}

/** The HTTP status of an answer that was not gRPC (e.g. a proxy's error page), else `undefined`. */
function nonGrpcHttpStatus(error: RPCError): string | undefined {
  if (error.metadata.get("grpc-status") !== null) return undefined;
  return /^HTTP (\d{3})$/.exec(error.message)?.[1];
}

/** A proxy's 4xx answer other than 408 and 429: asking again gets the same answer. */
function isProxyRefusal(error: RPCError): boolean {
  const status = nonGrpcHttpStatus(error);
  return status !== undefined && status.startsWith("4") && status !== "408" && status !== "429";
}

/**
 * A stream the server (or a proxy) reset without a gRPC status, e.g. while shutting down for a
 * restart; neither the caller nor `close()` cancelled it (those are checked first). Transient, like
 * UNAVAILABLE.
 */
function isServerReset(error: RPCError): boolean {
  return error.code === RPCCode.CANCELLED && error.metadata.get("grpc-status") === null;
}
