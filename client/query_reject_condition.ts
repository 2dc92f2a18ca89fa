/**
 * When the server refuses to run a query, based on the workflow's status.
 *
 * @module
 */

/**
 * When a query is rejected instead of answered (`temporal.api.enums.v1.QueryRejectCondition`).
 *
 * @example
 * ```ts
 * await handle.queryWithOptions("status", { rejectCondition: QueryRejectCondition.NOT_OPEN });
 * ```
 */
export const QueryRejectCondition = {
  /** Never reject: closed workflows answer too (the server's default). */
  NONE: "NONE",
  /** Reject unless the workflow is running. */
  NOT_OPEN: "NOT_OPEN",
  /** Reject unless the workflow is running or completed successfully. */
  NOT_COMPLETED_CLEANLY: "NOT_COMPLETED_CLEANLY",
} as const;
/** When a query is rejected instead of answered. */
export type QueryRejectCondition = (typeof QueryRejectCondition)[keyof typeof QueryRejectCondition];

import type { QueryRejectCondition as QueryRejectConditionProto } from "../gen/temporal/api/enums/v1/query_pb.ts";

const NUMBERS: Readonly<Record<QueryRejectCondition, number>> = {
  NONE: 1,
  NOT_OPEN: 2,
  NOT_COMPLETED_CLEANLY: 3,
};

/** The wire number of a condition; `undefined` is 0 (unspecified). */
export function queryRejectConditionToProto(
  condition: QueryRejectCondition | undefined,
): QueryRejectConditionProto {
  if (condition === undefined) return 0;
  const value = NUMBERS[condition];
  if (value === undefined) {
    throw new TypeError(
      `Invalid query reject condition '${
        String(condition)
      }': expected NONE, NOT_OPEN or NOT_COMPLETED_CLEANLY`,
    );
  }
  return value as QueryRejectConditionProto;
}
