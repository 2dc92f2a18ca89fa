import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync, rmSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { killOnExit } from "./_exit_cleanup.ts";
import { describeError } from "./_locate_attempts.ts";
import { tail } from "./_run_command.ts";

/** Options for {@linkcode spawnServer}. */
export interface SpawnServerOptions {
  /** Short name used in messages and file names, e.g. `dev-server`. */
  name: string;
  command: string;
  args: readonly string[];
  /** Folder for the log file; a fresh temporary folder (removed on stop) when absent. */
  logDir?: string;
  env?: Record<string, string | undefined>;
}

/** A running server process whose output goes to a log file. */
export class ServerProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Settles when the process has ended. */
  readonly exited: Promise<void>;
  readonly #child: ChildProcess;
  readonly #removeOnStop: string | undefined;
  #stopping: Promise<void> | undefined;

  constructor(name: string, child: ChildProcess, logFile: string, removeOnStop: string | undefined) {
    if (child.pid === undefined) throw new Error(`The ${name} process has no pid`);
    this.name = name;
    this.pid = child.pid;
    this.logFile = logFile;
    this.#child = child;
    this.#removeOnStop = removeOnStop;
    this.exited = new Promise((resolve) => {
      if (this.hasExited()) resolve();
      else child.once("exit", () => resolve());
    });
  }

  hasExited(): boolean {
    return this.#child.exitCode !== null || this.#child.signalCode !== null;
  }

  /** How the process ended, for messages. */
  describeExit(): string {
    const { exitCode, signalCode } = this.#child;
    return signalCode ? `signal ${signalCode}` : `exit code ${exitCode}`;
  }

  /** The last lines of the log, for messages. */
  async logTail(lines = 30): Promise<string> {
    const text = await readFile(this.logFile, "utf8").catch(() => "");
    return text.trim() ? tail(text, lines) : "(the log is empty)";
  }

  /**
   * Stops the process: SIGTERM, then SIGKILL if it is still running after `graceMs`. Removes the
   * temporary log folder unless `keepLog`. Calling it again returns the same promise.
   */
  stop(graceMs: number, keepLog = false): Promise<void> {
    this.#stopping ??= (async () => {
      if (!this.hasExited()) {
        // Keep the event loop alive until the process is gone, or awaiting stop() could end the program early.
        this.#child.ref();
        this.#child.kill("SIGTERM");
        let timer: ReturnType<typeof setTimeout> | undefined;
        const graceOver = new Promise<boolean>((resolve) => {
          timer = setTimeout(() => resolve(true), graceMs);
        });
        const timedOut = await Promise.race([this.exited.then(() => false), graceOver]);
        clearTimeout(timer);
        if (timedOut && !this.hasExited()) this.#child.kill("SIGKILL");
        await this.exited;
      }
      if (this.#removeOnStop && !keepLog) await rm(this.#removeOnStop, { recursive: true, force: true });
    })();
    return this.#stopping;
  }
}

/**
 * Starts `command` with stdout and stderr appended to `<logDir>/<name>.log`. The process does not
 * keep this one alive, and is killed when this one exits or is interrupted.
 */
export async function spawnServer(options: SpawnServerOptions): Promise<ServerProcess> {
  let folder: string;
  let removeOnStop: string | undefined;
  if (options.logDir) {
    folder = options.logDir;
    await mkdir(folder, { recursive: true });
  } else {
    folder = await mkdtemp(join(tmpdir(), `sandglass-${options.name}-`));
    removeOnStop = folder;
  }
  const logFile = join(folder, `${options.name}.log`);
  const fd = openSync(logFile, "a");
  let child: ChildProcess;
  try {
    child = spawn(options.command, options.args, {
      stdio: ["ignore", fd, fd],
      env: options.env,
      windowsHide: true,
    });
  } finally {
    closeSync(fd);
  }
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", (error) => {
      reject(
        new Error(`Cannot start the ${options.name} '${options.command}': ${describeError(error)}`, {
          cause: error,
        }),
      );
    });
  });
  child.unref();
  killOnExit(child, removeOnStop ? () => rmSync(removeOnStop, { recursive: true, force: true }) : undefined);
  return new ServerProcess(options.name, child, logFile, removeOnStop);
}

/**
 * Polls `probe` until it resolves. Fails, stopping the server, when the server exits first or
 * `timeoutMs` passes; the error carries the last probe error and the tail of the server's log.
 */
export async function waitUntilReady(
  server: ServerProcess,
  probe: (signal: AbortSignal) => Promise<void>,
  options: { timeoutMs: number; what: string; stopGraceMs: number },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  let lastError: unknown;
  for (;;) {
    if (server.hasExited()) {
      throw await failure(`${options.what} exited (${server.describeExit()}) before it was ready`);
    }
    const controller = new AbortController();
    const attemptMs = Math.max(1, Math.min(5_000, deadline - Date.now()));
    const timer = setTimeout(
      () => controller.abort(new Error(`no answer within ${attemptMs} ms`)),
      attemptMs,
    );
    try {
      await probe(controller.signal);
      return;
    } catch (error) {
      lastError = error;
    } finally {
      clearTimeout(timer);
    }
    if (Date.now() >= deadline) {
      await server.stop(options.stopGraceMs, true);
      throw await failure(
        `${options.what} did not become ready within ${options.timeoutMs} ms ` +
          `(last check: ${describeError(lastError)})`,
      );
    }
    let pause: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([server.exited, new Promise((resolve) => (pause = setTimeout(resolve, 100)))]);
    clearTimeout(pause);
  }

  async function failure(message: string): Promise<Error> {
    return new Error(`${message}. Last lines of its log '${server.logFile}':\n${await server.logTail()}`, {
      cause: lastError,
    });
  }
}

/** Options for {@linkcode startServer}. */
export interface StartServerOptions<P> {
  /** Short name used in messages and file names, e.g. `dev-server`. */
  name: string;
  command: string;
  /** Chooses the ports for one attempt. */
  ports: () => Promise<P>;
  /** Start again on new ports (up to 3 attempts) when the server reports a port already in use. */
  retryOnPortConflict: boolean;
  args: (ports: P) => string[];
  /** What to call the server in messages, e.g. `The dev server on 127.0.0.1:7233`. */
  what: (ports: P) => string;
  /** One readiness check; resolves when the server is ready. */
  probe: (ports: P, signal: AbortSignal) => Promise<void>;
  timeoutMs: number;
  stopGraceMs: number;
  logDir?: string;
}

const MAX_PORT_ATTEMPTS = 3;

/**
 * Spawns a server and waits until it is ready. Free ports can be taken by another process between
 * choosing and binding them, so a server that exits saying so is started again on new ports.
 */
export async function startServer<P>(
  options: StartServerOptions<P>,
): Promise<{ server: ServerProcess; ports: P }> {
  for (let attempt = 1;; attempt++) {
    const ports = await options.ports();
    const server = await spawnServer({
      name: options.name,
      command: options.command,
      args: options.args(ports),
      logDir: options.logDir,
    });
    try {
      await waitUntilReady(server, (signal) => options.probe(ports, signal), {
        timeoutMs: options.timeoutMs,
        what: options.what(ports),
        stopGraceMs: options.stopGraceMs,
      });
      return { server, ports };
    } catch (error) {
      const conflict = options.retryOnPortConflict && attempt < MAX_PORT_ATTEMPTS && server.hasExited() &&
        /address already in use/i.test(await server.logTail(1_000));
      if (!conflict) throw error;
      await server.stop(0);
    }
  }
}
