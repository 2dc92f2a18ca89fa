import assert from "node:assert/strict";
import { after, test } from "node:test";
import { Client } from "../../client/client.ts";
import { Worker } from "../../worker/worker.ts";
import { type DevServer, startDevServer } from "../../testing/dev_server.ts";
import { uniqueId } from "../support/servers.ts";
import { assertReplays, quietLogger } from "./e2e_support.ts";

const workflowsPath = new URL("./workflows/eager.ts", import.meta.url);

interface Counters {
  eagerActivityRequests: number;
  eagerActivityTasks: number;
  eagerWorkflowTasks: number;
}

let started:
  | Promise<{ server: DevServer; client: Client; worker: Worker; taskQueue: string; counters: Counters }>
  | undefined;

/**
 * A dev server of its own (eager activity dispatch is off by default in the server's dynamic
 * config), a client whose service calls are counted (the proof that the server took the eager
 * path), and a worker.
 */
function env() {
  started ??= (async () => {
    const server = await startDevServer({ dynamicConfig: { "system.enableActivityEagerExecution": true } });
    const { address, namespace } = server;
    const client = await Client.connect(address, { namespace });
    const counters: Counters = { eagerActivityRequests: 0, eagerActivityTasks: 0, eagerWorkflowTasks: 0 };
    const service = client.connection.workflowService;
    const respond = service.respondWorkflowTaskCompleted.bind(service);
    service.respondWorkflowTaskCompleted = async (request, options) => {
      for (const command of request?.commands ?? []) {
        if (
          command.attributes?.case === "scheduleActivityTaskCommandAttributes" &&
          command.attributes.value.requestEagerExecution
        ) counters.eagerActivityRequests++;
      }
      const response = await respond(request, options);
      counters.eagerActivityTasks += response.activityTasks.length;
      return response;
    };
    const start = service.startWorkflowExecution.bind(service);
    service.startWorkflowExecution = async (request, options) => {
      const response = await start(request, options);
      if (response.eagerWorkflowTask !== undefined) counters.eagerWorkflowTasks++;
      return response;
    };
    const taskQueue = uniqueId("e2e-eager");
    const worker = new Worker(client, {
      taskQueue,
      workflowsPath,
      activities: { shout: (text: string) => text.toUpperCase() },
      logger: quietLogger,
    });
    await worker.start();
    return { server, client, worker, taskQueue, counters };
  })();
  return started;
}
after(async () => {
  if (started === undefined) return;
  const { server, client, worker } = await started;
  try {
    await worker.shutdown();
  } finally {
    await client.connection.close();
    await server.stop();
  }
});

test("activities on the worker's own task queue are requested eagerly and the returned tasks run locally", async () => {
  const { client, taskQueue, counters } = await env();
  const before = { ...counters };
  const handle = await client.startWorkflow("eagerActivities", {
    id: uniqueId("eager-act"),
    taskQueue,
    args: ["hi"],
  });
  assert.deepEqual(await handle.result(), ["HI-1", "HI-2", "HI-LAZY"]);
  // The two parallel activities were requested eagerly; the one with allowEagerDispatch: false was not.
  assert.equal(counters.eagerActivityRequests - before.eagerActivityRequests, 2);
  assert.equal(counters.eagerActivityTasks - before.eagerActivityTasks, 2, "the server handed both back");
  await assertReplays(handle, workflowsPath);
});

test("requestEagerStart: the start response carries the first workflow task and the worker runs it", async () => {
  const { client, taskQueue, counters } = await env();
  const before = counters.eagerWorkflowTasks;
  const handle = await client.startWorkflow("eagerStart", {
    id: uniqueId("eager-start"),
    taskQueue,
    args: ["ok"],
    requestEagerStart: true,
  });
  assert.equal(counters.eagerWorkflowTasks - before, 1, "the server returned an eager workflow task");
  assert.equal(await handle.result(), "ok:1");
  await assertReplays(handle, workflowsPath);
});
