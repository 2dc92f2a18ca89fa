import assert from "node:assert/strict";
import { test } from "node:test";
import { dateToTimestamp, timestampToDate } from "../../common/timestamp.ts";

test("dateToTimestamp splits a Date into seconds and nanos, before and after the epoch", () => {
  assert.deepEqual(dateToTimestamp(new Date(1500)), { seconds: 1n, nanos: 500_000_000 });
  assert.deepEqual(dateToTimestamp(new Date(0)), { seconds: 0n, nanos: 0 });
  // Nanos are never negative: -1.5 s is -2 s + 0.5 s, as google.protobuf.Timestamp requires.
  assert.deepEqual(dateToTimestamp(new Date(-1500)), { seconds: -2n, nanos: 500_000_000 });
  const schedule = new Date("2026-11-22T05:00:00.123Z");
  assert.equal(timestampToDate(dateToTimestamp(schedule)).toISOString(), schedule.toISOString());
});

test("timestampToDate rounds nanos to the millisecond", () => {
  assert.equal(timestampToDate({ seconds: 1n, nanos: 499_999 }).getTime(), 1000);
  assert.equal(timestampToDate({ seconds: 1n, nanos: 500_000 }).getTime(), 1001);
  assert.equal(timestampToDate({ seconds: 1_700_000_000n, nanos: 250_000_000 }).getTime(), 1_700_000_000_250);
});

test("dateToTimestamp rejects an invalid Date with a message that says so", () => {
  assert.throws(
    () => dateToTimestamp(new Date("not a date")),
    /Invalid date 'Invalid Date': expected a valid Date/,
  );
});
