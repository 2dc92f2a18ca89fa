/**
 * Survival: workflows in flight outlive a worker process killed with SIGKILL, and a restart of the
 * dev server (state persisted in a SQLite file). The workers run in child processes started with
 * the runtime running these tests.
 */
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { Client } from "../../client/client.ts";
import type { WorkflowHandle } from "../../client/workflow_handle.ts";
import { WorkflowExecutionStatus } from "../../client/workflow_execution.ts";
import { startDevServer } from "../../testing/dev_server.ts";
import { assertReplays } from "../e2e/e2e_support.ts";
import { devServer, uniqueId } from "../support/servers.ts";
import { startWorkerProcess, type WorkerProcess } from "./survival/worker_process.ts";

const WORKFLOWS = 200;
const STEPS = 2; // as in survival/workflows.ts
/** Activities started before the disruption: a quarter of the work. */
const STEPS_BEFORE_DISRUPTION = WORKFLOWS / 2;
/**
 * Bounds of the waits. On an idle two-core machine a test takes well under a minute; the bounds
 * leave room for a machine busy with other work (10 times slower), and only turn a lost or stuck
 * run into a failure.
 */
const STEPS_TIMEOUT_MS = 60_000;
const RESULTS_TIMEOUT_MS = 150_000;

/** Starts `WORKFLOWS` runs of `survivalWorkflow`, 50 requests at a time. */
async function startWorkflows(client: Client, taskQueue: string, gated: boolean): Promise<WorkflowHandle[]> {
  const handles: WorkflowHandle[] = [];
  for (let first = 0; first < WORKFLOWS; first += 50) {
    const batch = Array.from(
      { length: Math.min(50, WORKFLOWS - first) },
      (_, k) =>
        client.startWorkflow("survivalWorkflow", {
          args: [first + k, gated],
          id: `${taskQueue}-${first + k}`,
          taskQueue,
        }),
    );
    handles.push(...(await Promise.all(batch)) as WorkflowHandle[]);
  }
  return handles;
}

/** How many of the runs are still running (nothing can advance them while no worker is alive). */
async function countRunning(handles: readonly WorkflowHandle[]): Promise<number> {
  const statuses = await Promise.all(handles.map(async (handle) => (await handle.describe()).status));
  return statuses.filter((status) => status === WorkflowExecutionStatus.RUNNING).length;
}

/** Waits for every result (or fails after `RESULTS_TIMEOUT_MS`, naming the runs not done) and checks them. */
async function assertAllComplete(handles: readonly WorkflowHandle[], worker: WorkerProcess): Promise<void> {
  const done = new Set<number>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const missing = handles.map((_, n) => n).filter((n) => !done.has(n));
      reject(
        new Error(
          `${missing.length} of ${handles.length} workflows did not complete within ${RESULTS_TIMEOUT_MS} ms ` +
            `(e.g. ${
              missing.slice(0, 5).map((n) => handles[n]?.workflowId).join(", ")
            }); worker: ${worker.output()}`,
        ),
      );
    }, RESULTS_TIMEOUT_MS);
  });
  try {
    const results = await Promise.race([
      Promise.all(handles.map(async (handle, n) => {
        const result = await handle.result();
        done.add(n);
        return result;
      })),
      timeout,
    ]);
    results.forEach((result, n) => {
      assert.deepEqual(
        result,
        Array.from({ length: STEPS }, (_, step) => `${n}:${step}`),
        `result of run ${n}`,
      );
    });
  } finally {
    clearTimeout(timer);
  }
}

const SURVIVAL_WORKFLOWS = new URL("./survival/workflows.ts", import.meta.url);

/** Replays every run's history with the workflow code the worker processes ran. */
async function assertAllReplay(handles: readonly WorkflowHandle[]): Promise<void> {
  for (const handle of handles) await assertReplays(handle, SURVIVAL_WORKFLOWS);
}

/** Runs (by number) with at least one step started by `worker`. */
function runsTouchedBy(worker: WorkerProcess, from = 0): Set<number> {
  return new Set(worker.steps.slice(from).map((step) => Number(step.split(" ")[0])));
}

test("SIGKILL of the worker process with 200 workflows in flight: a new worker completes every one", async () => {
  const { address, namespace } = await devServer();
  const client = await Client.connect(address, { namespace });
  const taskQueue = uniqueId("survival-kill");
  const workers: WorkerProcess[] = [];
  try {
    const first = await startWorkerProcess({ address, namespace, taskQueue });
    workers.push(first);
    const handles = await startWorkflows(client, taskQueue, false);
    await first.waitForSteps(STEPS_BEFORE_DISRUPTION, STEPS_TIMEOUT_MS);
    await first.kill();
    const touchedByFirst = runsTouchedBy(first);

    const running = await countRunning(handles);
    assert.ok(running > WORKFLOWS / 2, `most runs are in flight when the worker dies (${running} running)`);

    const second = await startWorkerProcess({ address, namespace, taskQueue });
    workers.push(second);
    await assertAllComplete(handles, second);

    // The new worker finished runs the killed one had started: their state survived the kill.
    const resumed = [...runsTouchedBy(second)].filter((n) => touchedByFirst.has(n));
    assert.ok(resumed.length > 0, "the new worker resumed runs started by the killed one");
    await assertAllReplay(handles);
  } finally {
    for (const worker of workers) await worker.stop();
    await client.connection.close();
  }
});

test("restart of the dev server (persisted db file) mid-run: the worker reconnects and every workflow completes", async () => {
  const dir = await mkdtemp(join(tmpdir(), "sandglass-survival-"));
  const dbFilename = join(dir, "temporal.db");
  let server = await startDevServer({ dbFilename });
  const port = Number(server.address.slice(server.address.lastIndexOf(":") + 1));
  let client = await Client.connect(server.address, { namespace: server.namespace });
  let worker: WorkerProcess | undefined;
  try {
    const taskQueue = uniqueId("survival-restart");
    worker = await startWorkerProcess({ address: server.address, namespace: server.namespace, taskQueue });
    // Gated runs wait for a signal before their last step, so every run has work left after the restart.
    const started = await startWorkflows(client, taskQueue, true);
    await worker.waitForSteps(STEPS_BEFORE_DISRUPTION, STEPS_TIMEOUT_MS);

    // The test's own client, idle at this point, is closed across the restart: Deno 2.9 aborts the
    // whole process when a GOAWAY reaches an idle HTTP/2 session (denoland/deno#36788). The worker
    // process keeps its connection, with long polls in flight, through the restart.
    await client.connection.close();
    await server.stop();
    const stepsBeforeRestart = worker.steps.length;
    server = await startDevServer({ dbFilename, port });
    assert.equal(server.address, `127.0.0.1:${port}`);
    client = await Client.connect(server.address, { namespace: server.namespace });
    const handles = started.map((handle) => client.getWorkflowHandle(handle.workflowId));

    // The runs and their progress survived in the db file.
    await Promise.all(handles.map((handle) => handle.signal("release")));
    await assertAllComplete(handles, worker);
    // The same worker process, reconnected, ran every last step.
    const lastSteps = worker.steps.slice(stepsBeforeRestart).filter((step) => step.endsWith(` ${STEPS - 1}`));
    assert.equal(new Set(lastSteps).size, WORKFLOWS);
    await assertAllReplay(handles);
  } finally {
    await worker?.stop();
    await client.connection.close();
    await server.stop();
    await rm(dir, { recursive: true, force: true });
  }
});
