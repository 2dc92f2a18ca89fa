import assert from "node:assert/strict";
import { after, test } from "node:test";
import { Client } from "../../client/client.ts";
import type { ClientInterceptor } from "../../client/interceptors.ts";
import { defaultPayloadConverter } from "../../common/default_payload_converter.ts";
import type { History } from "../../gen/temporal/api/history/v1/message_pb.ts";
import { Worker } from "../../worker/worker.ts";
import { devServer, uniqueId } from "../support/servers.ts";
import { quietLogger, replayHistory } from "./e2e_support.ts";

const workflowsPath = new URL("./workflows/interceptors_calls.ts", import.meta.url);
const callsModule = new URL("./workflows/interceptors_calls_module.ts", import.meta.url);

/** Puts a `tenant` header on queries and updates, which the workflow interceptors read. */
const tenantHeaders: ClientInterceptor = {
  queryWorkflow(input, next) {
    return next({
      ...input,
      headers: { ...input.headers, tenant: defaultPayloadConverter.toPayload("query-acme") },
    });
  },
  startWorkflowUpdate(input, next) {
    return next({
      ...input,
      headers: { ...input.headers, tenant: defaultPayloadConverter.toPayload("update-acme") },
    });
  },
};

let started: Promise<{ client: Client; worker: Worker; taskQueue: string }> | undefined;
function env() {
  started ??= (async () => {
    const { address, namespace } = await devServer();
    const client = await Client.connect(address, { namespace, interceptors: [tenantHeaders] });
    const taskQueue = uniqueId("e2e-interceptor-calls");
    const worker = new Worker(client, {
      taskQueue,
      workflowsPath,
      interceptors: { workflowModules: [callsModule] },
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

function header(fields: Record<string, unknown> | undefined, name: string): unknown {
  const payload = fields?.[name];
  return payload === undefined ? undefined : defaultPayloadConverter.fromPayload(payload as never);
}

function eventsOf<C extends NonNullable<History["events"][number]["attributes"]["case"]>>(
  history: History,
  kind: C,
): Extract<History["events"][number]["attributes"], { case: C }>["value"][] {
  return history.events.flatMap((e) => (e.attributes.case === kind ? [e.attributes.value as never] : []));
}

test("queries, update validation and handling, signals to a child and to an external workflow, cancellation and continue-as-new pass through the workflow interceptors; every history replays with them", async () => {
  const { client, taskQueue } = await env();
  const workflowId = uniqueId("calls");
  const handle = await client.startWorkflow("callsMain", { id: workflowId, taskQueue, args: [0] });

  // handleQuery sees the query's header and wraps the handler's answer.
  assert.deepEqual(await handle.query("state"), { answer: "total=0", tenant: "query-acme" });
  // validateUpdate runs although the update has no validator of its own, and rejects.
  await assert.rejects(
    handle.executeUpdate("add", { args: [-1] }),
    /Interceptor refused update 'add' with -1/,
  );
  // handleUpdate sees the update's header and doubles its argument.
  assert.equal(await handle.executeUpdate("add", { args: [5] }), 10);
  assert.deepEqual(await handle.query("state"), { answer: "total=10", tenant: "query-acme" });
  await handle.signal("go");

  const childId = `${workflowId}-target`;
  assert.deepEqual(await client.getWorkflowHandle(workflowId).result(), {
    previous: {
      total: 10,
      target: {
        // The receiver's handleSignal saw the header the sender's signalWorkflow added.
        notes: ["by-handle", "by-id"],
        seen: ["signal:note:via-child", "signal:note:via-external"],
        cancelled: true,
      },
      seen: ["update:add:update-acme", "send:note:child", "send:note:external", `cancel:${childId}`],
    },
    // continueAsNew's interceptor set the header the new run started with.
    startTenant: "continued",
    seen: [],
  });

  const first = await client.getWorkflowHandle(workflowId, { runId: handle.resultRunId }).fetchHistory();
  const signals = eventsOf(first, "signalExternalWorkflowExecutionInitiatedEventAttributes");
  assert.deepEqual(signals.map((s) => header(s.header?.fields, "hop")), ["via-child", "via-external"]);
  const [continued] = eventsOf(first, "workflowExecutionContinuedAsNewEventAttributes");
  assert.equal(header(continued?.header?.fields, "tenant"), "continued");
  const second = await client.getWorkflowHandle(workflowId).fetchHistory();
  const [secondStart] = eventsOf(second, "workflowExecutionStartedEventAttributes");
  assert.equal(header(secondStart?.header?.fields, "tenant"), "continued");

  for (const history of [first, second, await client.getWorkflowHandle(childId).fetchHistory()]) {
    await replayHistory(history, workflowsPath, [callsModule]);
  }
});
