import assert from "node:assert/strict";
import { after, test } from "node:test";
import { Client } from "../../client/client.ts";
import type { ClientInterceptor } from "../../client/interceptors.ts";
import { defaultPayloadConverter } from "../../common/default_payload_converter.ts";
import { Worker } from "../../worker/worker.ts";
import { devServer, uniqueId } from "../support/servers.ts";
import { echoTenant, headerReader, type SeenHeaders } from "./activities/interceptors.ts";
import { quietLogger, replayHistory } from "./e2e_support.ts";

const workflowsPath = new URL("./workflows/interceptors.ts", import.meta.url);
const firstModule = new URL("./workflows/interceptors_module.ts", import.meta.url);
const secondModule = new URL("./workflows/interceptors_second.ts", import.meta.url);

const tenantHeaders: ClientInterceptor = {
  startWorkflow(input, next) {
    return next({
      ...input,
      headers: { ...input.headers, tenant: defaultPayloadConverter.toPayload("acme") },
    });
  },
  signalWorkflow(input, next) {
    return next({
      ...input,
      headers: { ...input.headers, tenant: defaultPayloadConverter.toPayload("signal-acme") },
    });
  },
};

const seen: SeenHeaders[] = [];
let started: Promise<{ client: Client; worker: Worker; taskQueue: string }> | undefined;
function env() {
  started ??= (async () => {
    const { address, namespace } = await devServer();
    const client = await Client.connect(address, { namespace, interceptors: [tenantHeaders] });
    const taskQueue = uniqueId("e2e-interceptors");
    const worker = new Worker(client, {
      taskQueue,
      workflowsPath,
      activities: { echoTenant },
      interceptors: { workflowModules: [firstModule, secondModule], activity: [headerReader(seen)] },
      logger: quietLogger,
    });
    await worker.start();
    return { client, worker, taskQueue };
  })();
  return started;
}
after(async () => {
  if (started === undefined) return;
  const { client, worker } = await started;
  try {
    await worker.shutdown();
  } finally {
    await client.connection.close();
  }
});

test("a header set by a client interceptor reaches the workflow, its activities, local activities and children", async () => {
  const { client, taskQueue } = await env();
  const handle = await client.startWorkflow("tenantParent", { id: uniqueId("tenant"), taskQueue });
  await handle.signal("poke", "hello");
  const result = await handle.result();
  assert.deepEqual(result, {
    workflow: "acme",
    // The first module adds `tenant`, the second (wrapped by the first) adds `hop` and rewrites the result.
    activity: "parent:acme:second!",
    local: "local:acme:-",
    child: { workflow: "acme", activity: "child:acme:second!" },
    signals: ["signal-acme"],
    pokes: ["hello"],
  });
  const names = seen.map((s) =>
    `${s.activityType}/${s.isLocal ? "local" : "remote"}/${s.headerNames.join("+")}`
  );
  assert.ok(names.includes("echoTenant/remote/hop+tenant"), names.join(", "));
  assert.ok(names.includes("echoTenant/local/tenant"), names.join(", "));
  // The parent's and the child's histories replay with the same interceptor modules.
  await replayHistory(await handle.fetchHistory(), workflowsPath, [firstModule, secondModule]);
  const child = client.getWorkflowHandle(`${handle.workflowId}-child`);
  await replayHistory(await child.fetchHistory(), workflowsPath, [firstModule, secondModule]);
});

test("a header set by a client interceptor is recorded in the start event and on the scheduled activity", async () => {
  const { client, taskQueue } = await env();
  const handle = await client.startWorkflow("tenantParent", { id: uniqueId("tenant-history"), taskQueue });
  await handle.signal("poke", "again");
  await handle.result();
  const history = await handle.fetchHistory();
  const startEvent = history.events[0]!;
  assert.equal(startEvent.attributes.case, "workflowExecutionStartedEventAttributes");
  const startTenant = startEvent.attributes.value.header?.fields["tenant"];
  assert.ok(startTenant !== undefined, "the start event has the tenant header");
  assert.equal(defaultPayloadConverter.fromPayload(startTenant), "acme");
  const scheduled = history.events.find((e) => e.attributes.case === "activityTaskScheduledEventAttributes");
  assert.ok(scheduled?.attributes.case === "activityTaskScheduledEventAttributes");
  const fields = scheduled.attributes.value.header?.fields ?? {};
  assert.deepEqual(Object.keys(fields).sort(), ["hop", "tenant"]);
  assert.equal(defaultPayloadConverter.fromPayload(fields["tenant"]!), "acme");
  await replayHistory(history, workflowsPath, [firstModule, secondModule]);
});
