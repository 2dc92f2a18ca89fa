/**
 * `RPCError`, the one error class for failed calls to the Temporal Service.
 *
 * @module
 */
import type { DescMessage, Message, MessageShape, Registry } from "@bufbuild/protobuf";
import type { ConnectError } from "@connectrpc/connect";
import { loadedRpcRuntime, type RpcRuntime } from "./_rpc_runtime_loader.ts";
import { RPCCode, rpcCodeName, toRPCCode } from "./rpc_code.ts";
import type { RPCCodeName } from "./rpc_code.ts";

const BRAND: unique symbol = Symbol.for("sandglass.RPCError") as never;

let detailRegistry: Registry | undefined;

/** The messages that `google.rpc.Status` details of a Temporal error can hold. Internal. */
export function errorDetailRegistry(runtime: RpcRuntime): Registry {
  detailRegistry ??= runtime.createRegistry(
    runtime.file_temporal_api_errordetails_v1_message,
    runtime.MultiOperationExecutionAbortedSchema,
  );
  return detailRegistry;
}

/** Options for {@linkcode RPCError}'s constructor. */
export interface RPCErrorOptions {
  /** Decoded error details, e.g. a `WorkflowExecutionAlreadyStartedFailure`. Default: none. */
  details?: readonly Message[];
  /** Response headers and trailers that came with the error. Default: empty. */
  metadata?: HeadersInit;
  /** The underlying error, e.g. a socket error. */
  cause?: unknown;
}

/**
 * A call to the Temporal Service failed: the server answered with a gRPC status other than OK,
 * or the call could not be made (connection refused, deadline exceeded, cancelled).
 *
 * `details` holds the `google.rpc.Status` details decoded into their Temporal types (the
 * `temporal.api.errordetails.v1` messages); {@linkcode RPCError.findDetail} picks one by schema.
 * `instanceof RPCError` also recognises errors from another copy of this package.
 *
 * @example
 * ```ts
 * try {
 *   await connection.workflowService.startWorkflowExecution(request);
 * } catch (err) {
 *   if (err instanceof RPCError && err.code === RPCCode.ALREADY_EXISTS) {
 *     const runId = err.findDetail(WorkflowExecutionAlreadyStartedFailureSchema)?.runId;
 *   }
 * }
 * ```
 */
export class RPCError extends Error {
  /** The gRPC status code number, e.g. `6` for `ALREADY_EXISTS`. */
  readonly code: RPCCode;
  /** The gRPC status code name, e.g. `"ALREADY_EXISTS"`. */
  readonly codeName: RPCCodeName;
  /** The decoded Temporal error details (unknown detail types are left out). */
  readonly details: readonly Message[];
  /** Response headers and trailers that came with the error. */
  readonly metadata: Headers;
  /** Brand that identifies an RPCError across copies of this package. */
  readonly [BRAND]: true = true;

  /**
   * @param message What went wrong, as the server or the transport said it.
   * @param code The gRPC status code.
   * @param options Details, metadata and cause.
   */
  constructor(message: string, code: RPCCode, options: RPCErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "RPCError";
    this.code = toRPCCode(code);
    this.codeName = rpcCodeName(this.code);
    this.details = Object.freeze([...(options.details ?? [])]);
    this.metadata = new Headers(options.metadata);
  }

  /**
   * Returns the first detail of the given message type, or `undefined`.
   *
   * @example
   * ```ts
   * err.findDetail(WorkflowExecutionAlreadyStartedFailureSchema)?.runId;
   * ```
   */
  findDetail<Desc extends DescMessage>(schema: Desc): MessageShape<Desc> | undefined {
    for (const detail of this.details) {
      if (detail.$typeName === schema.typeName) return detail as MessageShape<Desc>;
    }
    return undefined;
  }

  /**
   * Converts any thrown value into an `RPCError`: an `RPCError` is returned as is, a Connect
   * error keeps its code, message, metadata and decoded details, an abort becomes `CANCELLED`,
   * a timeout `DEADLINE_EXCEEDED`, and anything else `UNKNOWN` with the value as `cause`.
   *
   * @example
   * ```ts
   * RPCError.from(new Error("boom")).codeName; // "UNKNOWN"
   * ```
   */
  static from(reason: unknown): RPCError {
    if (isRPCError(reason)) return reason;
    // A ConnectError can only exist once a connection has loaded the RPC runtime.
    const runtime = loadedRpcRuntime();
    if (runtime !== undefined && reason instanceof runtime.ConnectError) {
      const connectError = reason as ConnectError;
      return new RPCError(connectError.rawMessage, toRPCCode(connectError.code), {
        details: connectError.details.length > 0
          ? connectError.findDetails(errorDetailRegistry(runtime))
          : [],
        metadata: connectError.metadata,
        cause: connectError.cause ?? connectError,
      });
    }
    if (reason instanceof Error || isDomException(reason)) {
      const error = reason as Error;
      if (error.name === "TimeoutError") {
        return new RPCError(error.message || "Deadline exceeded", RPCCode.DEADLINE_EXCEEDED, {
          cause: error,
        });
      }
      if (error.name === "AbortError") {
        return new RPCError(error.message || "Call cancelled", RPCCode.CANCELLED, { cause: error });
      }
      return new RPCError(error.message, RPCCode.UNKNOWN, { cause: error });
    }
    return new RPCError(String(reason), RPCCode.UNKNOWN, { cause: reason });
  }

  /** Recognises RPCErrors by brand, so that `instanceof` works across copies of the package. */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (this !== RPCError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return isRPCError(value);
  }
}

function isRPCError(value: unknown): value is RPCError {
  return typeof value === "object" && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true &&
    typeof (value as { code?: unknown }).code === "number";
}

function isDomException(value: unknown): boolean {
  return typeof DOMException === "function" && value instanceof DOMException;
}
