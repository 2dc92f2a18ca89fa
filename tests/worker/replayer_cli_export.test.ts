import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { Client } from "../../client/client.ts";
import type { History } from "../../gen/temporal/api/history/v1/message_pb.ts";
import { locateTemporalCli } from "../../testing/mod.ts";
import { NondeterminismError, Replayer, Worker } from "../../worker/mod.ts";
import { devServer, uniqueId } from "../support/servers.ts";

const WORKFLOWS = new URL(
  "../fixtures/histories/workflows.ts",
  import.meta.url,
);

interface Recorded {
  /** `temporal workflow show --output json` of each run, by workflow type. */
  exported: Record<string, string>;
  /** `handle.fetchHistory()` of each run, by workflow type. */
  fetched: Record<string, History>;
}

let recording: Promise<Recorded> | undefined;

/** Runs three workflows on a Sandglass worker against the dev server once, and exports their histories. */
function recorded(): Promise<Recorded> {
  recording ??= (async () => {
    const { address, namespace } = await devServer();
    const client = await Client.connect(address, { namespace });
    const taskQueue = uniqueId("replayer-cli");
    const exported: Record<string, string> = {};
    const fetched: Record<string, History> = {};
    try {
      const worker = new Worker(client, {
        taskQueue,
        workflowsPath: WORKFLOWS,
        activities: { echo: (value: string) => Promise.resolve(value) },
      });
      const handles = await worker.runUntil(async () => {
        const activities = await client.startWorkflow("officialActivities", {
          id: uniqueId("activities"),
          taskQueue,
          args: ["x"],
        });
        const timers = await client.startWorkflow("officialTimers", {
          id: uniqueId("timers"),
          taskQueue,
        });
        const signals = await client.startWorkflow("officialSignals", {
          id: uniqueId("signals"),
          taskQueue,
        });
        await signals.signal("add", 1);
        assert.equal(
          await signals.executeUpdate("addUpdate", { args: [2] }),
          3,
        );
        await signals.signal("finish");
        assert.deepEqual(await activities.result(), ["a-x", "b-x"]);
        assert.equal(await timers.result(), 3);
        assert.equal(await signals.result(), 3);
        return {
          officialActivities: activities,
          officialTimers: timers,
          officialSignals: signals,
        };
      });
      const cli = await locateTemporalCli();
      for (const [type, handle] of Object.entries(handles)) {
        fetched[type] = await handle.fetchHistory();
        exported[type] = await run(cli.path, [
          "workflow",
          "show",
          "--workflow-id",
          handle.workflowId,
          "--address",
          address,
          "--namespace",
          namespace,
          "--output",
          "json",
        ]);
      }
    } finally {
      await client.connection.close();
    }
    return { exported, fetched };
  })();
  return recording;
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(`${file} ${args.join(" ")} failed: ${stderr}`, {
              cause: error,
            }),
          );
        } else resolve(stdout);
      },
    );
  });
}

test("histories the Temporal CLI exports from Sandglass runs replay (activities, timers, signals + update)", async () => {
  const { exported } = await recorded();
  await using replayer = await Replayer.create({ workflowsPath: WORKFLOWS });
  for (const [type, text] of Object.entries(exported)) {
    assert.match(
      text,
      /"eventType": "EVENT_TYPE_WORKFLOW_EXECUTION_COMPLETED"/,
      type,
    );
    const result = await replayer.replayWorkflow(text);
    assert.equal(result.events, JSON.parse(text).events.length, type);
  }
});

test("histories from handle.fetchHistory() replay through replayWorkflows with no errors", async () => {
  const { fetched } = await recorded();
  await using replayer = await Replayer.create({ workflowsPath: WORKFLOWS });
  const results = [];
  for await (const result of replayer.replayWorkflows(Object.values(fetched))) {
    results.push(result);
  }
  assert.equal(results.length, 3);
  for (const result of results) {
    assert.equal(result.error, undefined, result.error?.message ?? "replayed");
  }
});

test("a CLI-exported history fails replay against changed workflow code with a coded error", async () => {
  const { exported } = await recorded();
  await using replayer = await Replayer.create({ workflowsPath: WORKFLOWS });
  const changed = exported["officialActivities"]!.replace(
    /"name": "officialActivities"/,
    '"name": "officialActivities_renamed"',
  );
  await assert.rejects(replayer.replayWorkflow(changed), (e: unknown) => {
    assert.ok(e instanceof NondeterminismError, String(e));
    assert.equal(e.code, "SG1101");
    return true;
  });
});
