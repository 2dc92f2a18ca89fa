/**
 * Durations as the client, worker and workflow APIs take them: a number of milliseconds, or a
 * string with units such as `"1 day"`, `"5m"`, `"1h 30m"`, `"30s"` or `"100ms"`.
 *
 * Pure code: runs on the host and inside the workflow sandbox.
 *
 * @module
 */

/**
 * A duration: milliseconds as a number, or a string of one or more `<number><unit>` parts.
 *
 * Units: `ms`/`msec`/`millisecond(s)`, `s`/`sec`/`second(s)`, `m`/`min`/`minute(s)`,
 * `h`/`hr`/`hour(s)`, `d`/`day(s)`, `w`/`week(s)`. A bare number string is milliseconds.
 *
 * @example
 * ```ts
 * const timeouts: Duration[] = [5_000, "5s", "1 day", "1h 30m", "100ms"];
 * ```
 */
export type Duration = number | string;

/**
 * The shape of `google.protobuf.Duration` as protobuf-es represents it, so the host can pass it
 * to `create(DurationSchema, …)` or read one from a message.
 */
export interface ProtoDuration {
  seconds: bigint;
  nanos: number;
}

const MS_PER_UNIT: Readonly<Record<string, number>> = {
  ms: 1,
  msec: 1,
  msecs: 1,
  millisecond: 1,
  milliseconds: 1,
  s: 1000,
  sec: 1000,
  secs: 1000,
  second: 1000,
  seconds: 1000,
  m: 60_000,
  min: 60_000,
  mins: 60_000,
  minute: 60_000,
  minutes: 60_000,
  h: 3_600_000,
  hr: 3_600_000,
  hrs: 3_600_000,
  hour: 3_600_000,
  hours: 3_600_000,
  d: 86_400_000,
  day: 86_400_000,
  days: 86_400_000,
  w: 604_800_000,
  week: 604_800_000,
  weeks: 604_800_000,
};

const PART = /(\d+(?:\.\d+)?|\.\d+)\s*([a-z]+)\s*/gy;
const PLAIN_NUMBER = /^\d+(?:\.\d+)?$/;

/**
 * Converts a {@linkcode Duration} to milliseconds (fractions are kept, e.g. `"1.5ms"` is `1.5`).
 *
 * @param value Milliseconds, or a string such as `"1 day"`, `"5m"`, `"1h 30m"`, `"100ms"`.
 * @returns The duration in milliseconds, never negative.
 * @throws {TypeError} If the value is negative, not finite, or a string that is not a duration.
 *
 * @example
 * ```ts
 * durationToMs("1h 30m"); // 5_400_000
 * durationToMs(250); // 250
 * ```
 */
export function durationToMs(value: Duration): number {
  if (typeof value === "number") {
    if (!Number.isFinite(value) || value < 0) {
      throw new TypeError(
        `Invalid duration '${value}': expected a non-negative, finite number of milliseconds`,
      );
    }
    return value;
  }
  if (typeof value !== "string") {
    throw new TypeError(
      `Invalid duration '${
        String(value)
      }': expected milliseconds as a number or a string such as '5s' or '1 day'`,
    );
  }
  const text = value.trim().toLowerCase();
  if (PLAIN_NUMBER.test(text)) return Number(text);
  let total = 0;
  let index = 0;
  PART.lastIndex = 0;
  while (index < text.length) {
    PART.lastIndex = index;
    const match = PART.exec(text);
    const factor = match === null ? undefined : MS_PER_UNIT[match[2] as string];
    if (match === null || factor === undefined) {
      throw new TypeError(
        `Invalid duration '${value}': expected milliseconds or parts such as '100ms', '30s', '5m', '2h', '1 day', '1w'`,
      );
    }
    total += Number(match[1]) * factor;
    index = PART.lastIndex;
  }
  if (index === 0) {
    throw new TypeError(`Invalid duration '${value}': the string is empty`);
  }
  return total;
}

/**
 * Like {@linkcode durationToMs} but passes `undefined` through, for optional options.
 *
 * @example
 * ```ts
 * optionalDurationToMs(undefined); // undefined
 * ```
 */
export function optionalDurationToMs(value: Duration | undefined): number | undefined {
  return value === undefined ? undefined : durationToMs(value);
}

/**
 * Converts a {@linkcode Duration} to the `google.protobuf.Duration` shape (whole milliseconds
 * and sub-millisecond fractions become nanoseconds).
 *
 * @example
 * ```ts
 * durationToProto("1.5s"); // { seconds: 1n, nanos: 500_000_000 }
 * ```
 */
export function durationToProto(value: Duration): ProtoDuration {
  const ms = durationToMs(value);
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.round((ms - seconds * 1000) * 1_000_000);
  // Rounding can carry a full second (e.g. 999.9999999 ms).
  if (nanos >= 1_000_000_000) return { seconds: BigInt(seconds + 1), nanos: nanos - 1_000_000_000 };
  return { seconds: BigInt(seconds), nanos };
}

/**
 * Converts a `google.protobuf.Duration` shape to milliseconds, or `undefined` if absent.
 *
 * @example
 * ```ts
 * protoDurationToMs({ seconds: 2n, nanos: 5_000_000 }); // 2005
 * ```
 */
export function protoDurationToMs(value: ProtoDuration | undefined): number | undefined {
  if (value === undefined) return undefined;
  return Number(value.seconds) * 1000 + value.nanos / 1_000_000;
}
