/**
 * gRPC status codes, by name and number.
 *
 * @module
 */

/**
 * The gRPC status codes. The numbers are the wire values and match `Code` of Connect-RPC.
 *
 * @example
 * ```ts
 * if (err instanceof RPCError && err.code === RPCCode.ALREADY_EXISTS) {
 *   // the workflow is already running
 * }
 * ```
 */
export const RPCCode = {
  OK: 0,
  CANCELLED: 1,
  UNKNOWN: 2,
  INVALID_ARGUMENT: 3,
  DEADLINE_EXCEEDED: 4,
  NOT_FOUND: 5,
  ALREADY_EXISTS: 6,
  PERMISSION_DENIED: 7,
  RESOURCE_EXHAUSTED: 8,
  FAILED_PRECONDITION: 9,
  ABORTED: 10,
  OUT_OF_RANGE: 11,
  UNIMPLEMENTED: 12,
  INTERNAL: 13,
  UNAVAILABLE: 14,
  DATA_LOSS: 15,
  UNAUTHENTICATED: 16,
} as const;

/** A gRPC status code number. */
export type RPCCode = (typeof RPCCode)[keyof typeof RPCCode];

/** A gRPC status code name, such as `"UNAVAILABLE"`. */
export type RPCCodeName = keyof typeof RPCCode;

const NAMES: readonly RPCCodeName[] = Object.keys(RPCCode) as RPCCodeName[];

/**
 * Returns the name of a gRPC status code, or `"UNKNOWN"` for a number outside 0 to 16.
 *
 * @example
 * ```ts
 * rpcCodeName(14); // "UNAVAILABLE"
 * ```
 */
export function rpcCodeName(code: number): RPCCodeName {
  return NAMES[code] ?? "UNKNOWN";
}

/** Returns `code` as an {@linkcode RPCCode}, or `UNKNOWN` if it is not one. */
export function toRPCCode(code: unknown): RPCCode {
  return typeof code === "number" && Number.isInteger(code) && code >= 0 && code <= 16
    ? (code as RPCCode)
    : RPCCode.UNKNOWN;
}
