/**
 * The retry policy of a workflow started by a client (or of a scheduled workflow).
 *
 * @module
 */

import { type Duration, durationToMs, durationToProto, protoDurationToMs } from "../common/duration.ts";
import type { RetryPolicy as RetryPolicyProto } from "../gen/temporal/api/common/v1/message_pb.ts";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { RetryPolicySchema } from "../gen/temporal/api/common/v1/message_pb.ts";

/**
 * How a failed workflow or activity is retried. Every field is optional; absent fields take the
 * server's defaults (1 s initial interval, coefficient 2, maximum 100 × the initial interval,
 * unlimited attempts).
 *
 * @example
 * ```ts
 * const retryPolicy: RetryPolicy = { initialInterval: "1s", maximumAttempts: 3, nonRetryableErrorTypes: ["Fatal"] };
 * ```
 */
export interface RetryPolicy {
  /** Wait before the first retry. */
  initialInterval?: Duration;
  /** Each wait is the previous one times this factor (at least 1). */
  backoffCoefficient?: number;
  /** Longest wait between two attempts. */
  maximumInterval?: Duration;
  /** Attempts in total, the first included; 0 means unlimited. */
  maximumAttempts?: number;
  /** Application failure types that are never retried. */
  nonRetryableErrorTypes?: string[];
}

/**
 * Checks a retry policy before any RPC.
 *
 * @throws {TypeError} If a field is out of range; the message names it and quotes the value.
 */
export function validateRetryPolicy(policy: RetryPolicy): void {
  if (typeof policy !== "object" || policy === null) {
    throw new TypeError(`Invalid retryPolicy '${String(policy)}': expected an object`);
  }
  for (const key of ["initialInterval", "maximumInterval"] as const) {
    const value = policy[key];
    if (value === undefined) continue;
    try {
      durationToMs(value);
    } catch (err) {
      throw new TypeError(`Invalid retryPolicy.${key}: ${(err as Error).message}`);
    }
  }
  const c = policy.backoffCoefficient;
  if (c !== undefined && (typeof c !== "number" || !Number.isFinite(c) || c < 1)) {
    throw new TypeError(
      `Invalid retryPolicy.backoffCoefficient '${String(c)}': expected a number of at least 1`,
    );
  }
  const a = policy.maximumAttempts;
  if (a !== undefined && (typeof a !== "number" || !Number.isInteger(a) || a < 0)) {
    throw new TypeError(
      `Invalid retryPolicy.maximumAttempts '${String(a)}': expected a whole number, 0 for unlimited`,
    );
  }
  if (
    policy.initialInterval !== undefined && policy.maximumInterval !== undefined &&
    durationToMs(policy.maximumInterval) < durationToMs(policy.initialInterval)
  ) {
    throw new TypeError(
      `Invalid retryPolicy.maximumInterval '${policy.maximumInterval}': it is shorter than initialInterval '${policy.initialInterval}'`,
    );
  }
  const types = policy.nonRetryableErrorTypes;
  if (types !== undefined && (!Array.isArray(types) || types.some((t) => typeof t !== "string"))) {
    throw new TypeError("Invalid retryPolicy.nonRetryableErrorTypes: expected an array of strings");
  }
}

/** The `temporal.api.common.v1.RetryPolicy` init shape of a policy. */
export function retryPolicyToProto(policy: RetryPolicy): MessageInitShape<typeof RetryPolicySchema> {
  return {
    initialInterval: policy.initialInterval === undefined
      ? undefined
      : durationToProto(policy.initialInterval),
    backoffCoefficient: policy.backoffCoefficient ?? 0,
    maximumInterval: policy.maximumInterval === undefined
      ? undefined
      : durationToProto(policy.maximumInterval),
    maximumAttempts: policy.maximumAttempts ?? 0,
    nonRetryableErrorTypes: policy.nonRetryableErrorTypes ?? [],
  };
}

/** A policy read back from the wire (intervals in milliseconds). */
export function retryPolicyFromProto(proto: RetryPolicyProto | undefined): RetryPolicy | undefined {
  if (proto === undefined) return undefined;
  return {
    initialInterval: protoDurationToMs(proto.initialInterval),
    backoffCoefficient: proto.backoffCoefficient,
    maximumInterval: protoDurationToMs(proto.maximumInterval),
    maximumAttempts: proto.maximumAttempts,
    nonRetryableErrorTypes: [...proto.nonRetryableErrorTypes],
  };
}
