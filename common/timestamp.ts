/**
 * Conversions between `Date` and the shape of `google.protobuf.Timestamp` (seconds and nanos
 * since the Unix epoch), usable as a field of a request without loading the protobuf runtime.
 *
 * @module
 */

/** The fields of a `google.protobuf.Timestamp`. */
export interface ProtoTimestamp {
  seconds: bigint;
  nanos: number;
}

/**
 * Converts a `Date` to a `google.protobuf.Timestamp` shape (millisecond precision).
 *
 * @throws {TypeError} If the date is invalid.
 *
 * @example
 * ```ts
 * dateToTimestamp(new Date(1500)); // { seconds: 1n, nanos: 500_000_000 }
 * ```
 */
export function dateToTimestamp(date: Date): ProtoTimestamp {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new TypeError(`Invalid date '${String(date)}': expected a valid Date`);
  const seconds = Math.floor(ms / 1000);
  return { seconds: BigInt(seconds), nanos: (ms - seconds * 1000) * 1_000_000 };
}

/**
 * Converts a `google.protobuf.Timestamp` shape to a `Date`, rounded to the millisecond.
 *
 * @example
 * ```ts
 * timestampToDate({ seconds: 1n, nanos: 500_000_000 }); // 1970-01-01T00:00:01.500Z
 * ```
 */
export function timestampToDate(value: ProtoTimestamp): Date {
  return new Date(Number(value.seconds) * 1000 + Math.round(value.nanos / 1_000_000));
}
