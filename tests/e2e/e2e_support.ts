/**
 * Support for the end-to-end tests: one Client and one Worker shared by the tests of a file
 * (started on first use, shut down by the file's `after` hook), and replay of a finished run's
 * history through the Replayer with the same workflow code.
 */
import process from "node:process";
import { after } from "node:test";
import { Client } from "../../client/client.ts";
import type { WorkflowHandle } from "../../client/workflow_handle.ts";
import { WorkflowExecutionStatus } from "../../client/workflow_execution.ts";
import type { History } from "../../gen/temporal/api/history/v1/message_pb.ts";
import { bundleWorkflows, stopBundler } from "../../sandbox/bundler.ts";
import type { Activation, Completion } from "../../sandbox/protocol.ts";
import { createWorkflowHost, type WorkflowHost } from "../../sandbox/host.ts";
import { createReplayer } from "../../worker/replayer.ts";
import { Worker } from "../../worker/worker.ts";
import type { WorkerOptions } from "../../worker/worker_options.ts";
import { devServer, uniqueId } from "../support/servers.ts";

/** A client and a running worker on a fresh task queue. */
export interface E2eEnv {
  client: Client;
  worker: Worker;
  taskQueue: string;
  namespace: string;
}

/** What the worker logged at warn or error level (tests assert on it where it matters). */
export interface LogSink {
  warnings: { message: string; attributes?: Record<string, unknown> }[];
}

/**
 * Returns a lazily started environment shared by the tests of the calling file; the file's
 * `after` hook shuts the workers down and closes the client.
 */
export function sharedEnv(
  options: Omit<WorkerOptions, "taskQueue"> & { taskQueue?: string },
): { env: () => Promise<E2eEnv>; logs: LogSink } {
  let started: Promise<E2eEnv> | undefined;
  const logs: LogSink = { warnings: [] };
  const record = (message: string, attributes?: Record<string, unknown>) => {
    logs.warnings.push({ message, ...(attributes === undefined ? {} : { attributes }) });
    if (process.env["SANDGLASS_E2E_DEBUG"]) console.error(`[e2e worker] ${message}`, attributes);
  };
  after(async () => {
    if (started === undefined) return;
    const { client, worker } = await started;
    try {
      await worker.shutdown();
    } finally {
      await client.connection.close();
    }
  });
  return {
    logs,
    env: () =>
      started ??= (async () => {
        const { address, namespace } = await devServer();
        const client = await Client.connect(address, { namespace });
        const taskQueue = options.taskQueue ?? uniqueId("e2e");
        const worker = new Worker(client, {
          ...options,
          taskQueue,
          logger: options.logger ?? { debug() {}, info() {}, warn: record, error: record },
        });
        await worker.start();
        return { client, worker, taskQueue, namespace };
      })(),
  };
}

/** Starts an extra worker (e.g. on another task queue); stop it with `shutdown()`. */
export async function startWorker(client: Client, options: WorkerOptions): Promise<Worker> {
  const worker = new Worker(client, { logger: quietLogger, ...options });
  await worker.start();
  return worker;
}

/** A logger that drops everything (for workers whose warnings a test provokes on purpose). */
export const quietLogger = { debug() {}, info() {}, warn() {}, error() {} };

const hosts = new Map<string, Promise<WorkflowHost>>();
let hostsCleanup = false;

async function hostFor(workflowsPath: URL, interceptorModules: readonly URL[] = []): Promise<WorkflowHost> {
  if (!hostsCleanup) {
    hostsCleanup = true;
    after(async () => {
      for (const host of hosts.values()) (await host).dispose();
      hosts.clear();
      await stopBundler();
    });
  }
  const key = [workflowsPath.href, ...interceptorModules.map((m) => m.href)].join(" ");
  let host = hosts.get(key);
  if (host === undefined) {
    host = (async () =>
      createWorkflowHost({ bundle: await bundleWorkflows(workflowsPath, { interceptorModules }) }))();
    hosts.set(key, host);
  }
  return await host;
}

/**
 * Replays the history of a closed run with the workflow code at `workflowsPath` (bundled with the
 * worker's workflow interceptor modules, if any); rejects with the Replayer's error (e.g. a
 * NondeterminismError) if the code does not reproduce it. `onCompletion` sees what the replayed
 * workflow produced for each activation.
 */
export async function replayHistory(
  history: History,
  workflowsPath: URL,
  interceptorModules: readonly URL[] = [],
  onCompletion?: (completion: Completion) => void,
): Promise<void> {
  const host = await hostFor(workflowsPath, interceptorModules);
  const sandbox = onCompletion === undefined ? host : {
    activate: async (activation: Activation) => {
      const completion = await host.activate(activation);
      onCompletion(completion);
      return completion;
    },
    evict: (runId: string) => host.evict(runId),
    has: (runId: string) => host.has(runId),
  };
  const replayer = createReplayer({ sandbox });
  await replayer.replayHistory(history);
}

/** Fetches the run's history and replays it (see {@linkcode replayHistory}); returns the history. */
export async function assertReplays(
  handle: WorkflowHandle<never> | WorkflowHandle,
  workflowsPath: URL,
  interceptorModules: readonly URL[] = [],
): Promise<History> {
  const history = await (handle as WorkflowHandle).fetchHistory();
  await replayHistory(history, workflowsPath, interceptorModules);
  return history;
}

/** Polls `check` every 50 ms until it returns a value other than `undefined`, for at most `timeoutMs`. */
export async function eventually<T>(
  check: () => Promise<T | undefined> | T | undefined,
  what: string,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until the workflow's status is `status` (e.g. a child the server is closing). */
export function waitForStatus(
  client: Client,
  workflowId: string,
  status: WorkflowExecutionStatus,
  timeoutMs = 15_000,
): Promise<true> {
  return eventually(
    async () => {
      try {
        const description = await client.getWorkflowHandle(workflowId).describe();
        return description.status === status ? true : undefined;
      } catch {
        return undefined;
      }
    },
    `workflow '${workflowId}' to be ${status}`,
    timeoutMs,
  );
}

export { uniqueId, WorkflowExecutionStatus };

/** The kinds of a history's events, as attribute cases such as `workflowTaskCompletedEventAttributes`. */
export function eventTypes(history: History): string[] {
  return history.events.map((e) => e.attributes.case ?? "unknown");
}
