import assert from "node:assert/strict";
import { test } from "node:test";
import { Slots } from "../../worker/slots.ts";

test("slots bound concurrency and hand a released slot to the oldest waiter", async () => {
  const slots = new Slots(2);
  assert.equal(await slots.acquire(), true);
  assert.equal(slots.tryAcquire(), true);
  assert.equal(slots.tryAcquire(), false);
  const order: string[] = [];
  const first = slots.acquire().then((ok) => order.push(`first ${ok}`));
  const second = slots.acquire().then((ok) => order.push(`second ${ok}`));
  slots.release();
  await first;
  assert.deepEqual(order, ["first true"]);
  assert.equal(slots.used, 2);
  slots.release();
  await second;
  assert.deepEqual(order, ["first true", "second true"]);
});

test("an aborted wait takes no slot, and idle() resolves when every slot is back", async () => {
  const slots = new Slots(1);
  slots.tryAcquire();
  const controller = new AbortController();
  const waiting = slots.acquire(controller.signal);
  controller.abort();
  assert.equal(await waiting, false);
  let idle = false;
  const idling = slots.idle().then(() => (idle = true));
  await Promise.resolve();
  assert.equal(idle, false);
  slots.release();
  await idling;
  assert.equal(slots.available, 1);
  assert.throws(() => slots.release(), { message: "Cannot release a slot: none is in use" });
  assert.throws(() => new Slots(0), { message: "Invalid slot count '0': expected a positive integer" });
});
