import { test } from "node:test";
import assert from "node:assert/strict";
import {
  durationToMs,
  durationToProto,
  optionalDurationToMs,
  protoDurationToMs,
} from "../../common/duration.ts";

test("durationToMs reads numbers as milliseconds and strings with units", () => {
  assert.equal(durationToMs(1500), 1500);
  assert.equal(durationToMs("100ms"), 100);
  assert.equal(durationToMs("30s"), 30_000);
  assert.equal(durationToMs("5m"), 300_000);
  assert.equal(durationToMs("2h"), 7_200_000);
  assert.equal(durationToMs("1 day"), 86_400_000);
  assert.equal(durationToMs("3 days"), 3 * 86_400_000);
  assert.equal(durationToMs("1w"), 604_800_000);
  assert.equal(durationToMs("1.5 hours"), 5_400_000);
  assert.equal(durationToMs("1h 30m"), 5_400_000);
  assert.equal(durationToMs("1h30m15s"), 5_415_000);
  assert.equal(durationToMs(" 10 Seconds "), 10_000);
  assert.equal(durationToMs("250"), 250);
  assert.equal(durationToMs(0), 0);
});

test("durationToMs rejects bad values with an error quoting them", () => {
  for (const bad of ["5q", "", "abc", "-5s", "5 s x", "1.2.3s", "s"]) {
    assert.throws(() => durationToMs(bad), (err: unknown) => {
      assert.ok(err instanceof TypeError);
      assert.match(
        err.message,
        new RegExp(`^Invalid duration '${bad.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}'`),
      );
      return true;
    });
  }
  assert.throws(() => durationToMs(-1), /Invalid duration '-1'/);
  assert.throws(() => durationToMs(Number.NaN), /Invalid duration 'NaN'/);
  assert.throws(() => durationToMs(Infinity), /Invalid duration 'Infinity'/);
  assert.throws(() => durationToMs({} as never), /Invalid duration/);
});

test("optionalDurationToMs passes undefined through", () => {
  assert.equal(optionalDurationToMs(undefined), undefined);
  assert.equal(optionalDurationToMs("1s"), 1000);
});

test("durationToProto and protoDurationToMs convert to and from google.protobuf.Duration", () => {
  assert.deepEqual(durationToProto("1.5s"), { seconds: 1n, nanos: 500_000_000 });
  assert.deepEqual(durationToProto(0), { seconds: 0n, nanos: 0 });
  assert.deepEqual(durationToProto("1 day"), { seconds: 86_400n, nanos: 0 });
  assert.deepEqual(durationToProto(0.5), { seconds: 0n, nanos: 500_000 });
  assert.equal(protoDurationToMs({ seconds: 2n, nanos: 5_000_000 }), 2005);
  assert.equal(protoDurationToMs(undefined), undefined);
  for (const ms of [0, 1, 999, 1000, 123_456_789]) {
    assert.equal(protoDurationToMs(durationToProto(ms)), ms);
  }
});
