/**
 * Starts `worker_main.ts` as a child process with the runtime running the tests (Node, Deno or
 * Bun), and follows what it prints.
 *
 * @example
 * ```ts
 * const worker = await startWorkerProcess({ address, namespace, taskQueue });
 * await worker.waitForSteps(100);
 * worker.kill(); // SIGKILL
 * ```
 */
import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { killOnExit } from "../../../testing/_exit_cleanup.ts";

/** Where the worker connects and what it polls. */
export interface WorkerProcessOptions {
  address: string;
  namespace: string;
  taskQueue: string;
}

/** A worker running in a child process. */
export interface WorkerProcess {
  readonly pid: number;
  /** `step` activities this process has started, as `"<n> <step>"`. */
  readonly steps: readonly string[];
  /** Resolves once the process has started at least `count` activities. */
  waitForSteps(count: number, timeoutMs: number): Promise<void>;
  /** Sends SIGKILL and waits until the process is gone. */
  kill(): Promise<void>;
  /** Sends SIGTERM (graceful shutdown), then SIGKILL if it has not exited within 15 s. */
  stop(): Promise<void>;
  /** The process's stderr and last stdout lines, for assertion messages. */
  output(): string;
}

const MAIN = fileURLToPath(new URL("./worker_main.ts", import.meta.url));

/** The command that runs a TypeScript file with the runtime running this process. */
export function runtimeCommand(script: string): { command: string; args: string[] } {
  if ("Deno" in globalThis) return { command: process.execPath, args: ["run", "-A", script] };
  // Bun and Node 24 run TypeScript files directly.
  return { command: process.execPath, args: [script] };
}

/**
 * Starts a worker process and waits until it polls.
 *
 * @throws {Error} If the process exits or reports a failure before it is ready, or is not ready
 *   within 60 s; the message quotes its output.
 */
export async function startWorkerProcess(options: WorkerProcessOptions): Promise<WorkerProcess> {
  const { command, args } = runtimeCommand(MAIN);
  const child = spawn(command, [...args, options.address, options.namespace, options.taskQueue], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", reject);
  });
  killOnExit(child);
  const pid = child.pid;
  if (pid === undefined) throw new Error("The worker process has no pid");

  const steps: string[] = [];
  const lines: string[] = [];
  let stderr = "";
  const listeners = new Set<() => void>();
  const notify = () => {
    for (const listener of listeners) listener();
  };
  let pending = "";
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    pending += chunk;
    const parts = pending.split("\n");
    pending = parts.pop() ?? "";
    for (const line of parts) {
      if (line.startsWith("step ")) steps.push(line.slice(5));
      else lines.push(line);
    }
    notify();
  });
  child.stderr?.setEncoding("utf8");
  child.stderr?.on("data", (chunk: string) => {
    stderr = (stderr + chunk).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(notify);

  const output = () =>
    `stdout: ${lines.slice(-10).join(" | ") || "(nothing)"}; steps: ${steps.length}; stderr: ${
      stderr.trim() || "(nothing)"
    }`;
  const hasExited = () => child.exitCode !== null || child.signalCode !== null;

  /** Waits until `done()` holds, failing if the process exits first or `timeoutMs` passes. */
  const waitUntil = (done: () => boolean, what: string, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (done()) finish();
        else if (hasExited()) finish(new Error(`The worker process exited before ${what} (${output()})`));
      };
      const timer = setTimeout(
        () => finish(new Error(`The worker process did not ${what} within ${timeoutMs} ms (${output()})`)),
        timeoutMs,
      );
      const finish = (error?: Error) => {
        clearTimeout(timer);
        listeners.delete(check);
        if (error === undefined) resolve();
        else reject(error);
      };
      listeners.add(check);
      check();
    });

  const signal = async (name: "SIGKILL" | "SIGTERM") => {
    if (!hasExited()) child.kill(name);
    await exited;
  };
  const worker: WorkerProcess = {
    pid,
    steps,
    waitForSteps: (count, timeoutMs) =>
      waitUntil(() => steps.length >= count, `start ${count} activities`, timeoutMs),
    kill: () => signal("SIGKILL"),
    stop: async () => {
      if (hasExited()) return;
      child.kill("SIGTERM");
      let timer: ReturnType<typeof setTimeout> | undefined;
      const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), 15_000)));
      if (await Promise.race([exited.then(() => false), late])) child.kill("SIGKILL");
      clearTimeout(timer);
      await exited;
    },
    output,
  };
  try {
    await waitUntil(
      () => lines.includes("ready") || lines.some((l) => l.startsWith("failed ")),
      "get ready",
      60_000,
    );
    const failed = lines.find((l) => l.startsWith("failed "));
    if (failed !== undefined) throw new Error(`The worker process failed to start: ${failed.slice(7)}`);
  } catch (error) {
    await worker.kill();
    throw error;
  }
  return worker;
}
