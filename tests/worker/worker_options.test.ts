import assert from "node:assert/strict";
import { test } from "node:test";
import { Client } from "../../client/client.ts";
import { Worker } from "../../worker/mod.ts";

/** A client that never connects: construction of a worker does no I/O. */
async function lazyClient(): Promise<Client> {
  return await Client.connect("127.0.0.1:1", { lazy: true });
}

test("a worker needs a task queue and something to run", async () => {
  const client = await lazyClient();
  assert.throws(
    () => new Worker(client, { taskQueue: "" }),
    { name: "TypeError", message: "Invalid taskQueue '': expected a non-empty string" },
  );
  assert.throws(
    () => new Worker(client, { taskQueue: "q" }),
    {
      name: "TypeError",
      message: /Worker of task queue 'q' has nothing to run: set workflowsPath, activities, or both/,
    },
  );
  await client.connection.close();
});

test("activities must be functions in an object; the keys are the type names", async () => {
  const client = await lazyClient();
  assert.throws(
    () => new Worker(client, { taskQueue: "q", activities: { greet: "hello" } }),
    { name: "TypeError", message: "Invalid activity 'greet': expected a function, got string hello" },
  );
  assert.throws(
    () => new Worker(client, { taskQueue: "q", activities: [() => 1] }),
    { name: "TypeError", message: /Invalid activities: expected an object .* got an array/ },
  );
  const worker = new Worker(client, {
    taskQueue: "q",
    activities: { greet: () => "hi", charge: () => Promise.resolve(1) },
  });
  assert.deepEqual([...worker.activityTypes].sort(), ["charge", "greet"]);
  await client.connection.close();
});

test("a class is not an activity: the error says to pass a function or an instance", async () => {
  const client = await lazyClient();
  class Billing {
    charge() {
      return 1;
    }
  }
  assert.throws(
    () => new Worker(client, { taskQueue: "q", activities: { charge: () => 1, Billing } }),
    {
      name: "TypeError",
      message: "Invalid activity 'Billing': expected a function, got class Billing; pass a function, " +
        "or an instance (new Billing()) as activities to register its methods",
    },
  );
  assert.deepEqual(new Worker(client, { taskQueue: "q", activities: new Billing() }).activityTypes, [
    "charge",
  ]);
  await client.connection.close();
});

test("the methods of a class instance are registered as activities bound to the instance", async () => {
  const client = await lazyClient();
  class Db {
    readonly table = "users";
    lookup(id: string) {
      return `${this.table}/${id}`;
    }
  }
  const worker = new Worker(client, { taskQueue: "q", activities: new Db() });
  assert.deepEqual(worker.activityTypes, ["lookup"]);
  await client.connection.close();
});

test("unknown options and invalid values are named in the error", async () => {
  const client = await lazyClient();
  const activities = { a: () => 1 };
  assert.throws(
    // deno-lint-ignore no-explicit-any
    () => new Worker(client, { taskQueue: "q", activities, taskqueue: "x" } as any),
    { name: "TypeError", message: /^Unknown worker option 'taskqueue': expected one of taskQueue, / },
  );
  assert.throws(
    () => new Worker(client, { taskQueue: "q", activities, maxConcurrentActivities: 0 }),
    { message: "Invalid maxConcurrentActivities '0': expected an integer of at least 1" },
  );
  assert.throws(
    () => new Worker(client, { taskQueue: "q", activities, gracefulShutdownTimeout: "soon" }),
    { message: `Invalid gracefulShutdownTimeout 'soon': expected a duration such as 5000 or "5s"` },
  );
  assert.throws(
    () => new Worker(client, { taskQueue: "q", activities, useVersioning: true }),
    { message: "Invalid useVersioning 'true': set buildId too, the build this worker polls for" },
  );
  assert.throws(
    () =>
      new Worker(client, {
        taskQueue: "q",
        activities,
        interceptors: { workflowSpanExporter: "otel" as never },
      }),
    { message: "Invalid interceptors.workflowSpanExporter 'otel': expected a function (spans, run) => void" },
  );
  const worker = new Worker(client, {
    taskQueue: "q",
    activities,
    gracefulShutdownTimeout: "2s",
    stickyQueueScheduleToStartTimeout: "5s",
  });
  assert.equal(worker.options.gracefulShutdownTimeoutMs, 2_000);
  assert.equal(worker.options.stickyQueueScheduleToStartTimeoutMs, 5_000);
  assert.equal(worker.options.maxConcurrentActivities, 100);
  assert.equal(worker.identity, client.identity);
  assert.equal(worker.namespace, "default");
  assert.equal(worker.state, "INITIALIZED");
  await client.connection.close();
});
