import assert from "node:assert/strict";
import { test } from "node:test";
import { type PollKind, StickyPollBalancer } from "../../worker/sticky_poll_balancer.ts";

function open(balancer: StickyPollBalancer, polls: number): PollKind[] {
  return Array.from({ length: polls }, () => balancer.begin());
}

const count = (kinds: PollKind[], kind: PollKind) => kinds.filter((k) => k === kind).length;

test("with nothing cached, all workflow polls but one go to the normal queue", () => {
  const balancer = new StickyPollBalancer(10, () => 0);
  const kinds = open(balancer, 10);
  assert.equal(count(kinds, "sticky"), 1);
  assert.equal(count(kinds, "normal"), 9);
});

test("with runs cached, a fifth of the workflow polls go to the normal queue", () => {
  const balancer = new StickyPollBalancer(10, () => 3);
  const kinds = open(balancer, 10);
  assert.equal(count(kinds, "sticky"), 8);
  assert.equal(count(kinds, "normal"), 2);
});

test("returned sticky polls are replaced by sticky polls once runs are cached", () => {
  let cached = 0;
  const balancer = new StickyPollBalancer(5, () => cached);
  const first = open(balancer, 5);
  assert.deepEqual(first, ["sticky", "normal", "normal", "normal", "normal"]);
  // A run is cached; the normal polls that return are replaced by sticky ones up to 4 of 5.
  cached = 1;
  for (let i = 0; i < 4; i++) balancer.end("normal");
  assert.deepEqual(open(balancer, 4), ["sticky", "sticky", "sticky", "normal"]);
  // Evicted again: a sticky poll that returns is replaced by a normal one.
  cached = 0;
  balancer.end("sticky");
  assert.equal(balancer.begin(), "normal");
});

test("two pollers keep one poll on each queue", () => {
  assert.deepEqual(open(new StickyPollBalancer(2, () => 0), 2), ["sticky", "normal"]);
  assert.deepEqual(open(new StickyPollBalancer(2, () => 9), 2), ["sticky", "normal"]);
});
