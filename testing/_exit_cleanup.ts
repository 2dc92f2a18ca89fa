import type { ChildProcess } from "node:child_process";
import process from "node:process";

/**
 * Server processes that must not outlive this process. While any is alive, handlers for process
 * exit (and Deno's `unload`, which `deno test` fires instead of `exit`) and for SIGINT, SIGTERM
 * and SIGHUP kill them synchronously; the handlers are removed again when the last one ends, so
 * an idle process carries no listeners.
 */
const live = new Map<ChildProcess, (() => void) | undefined>();
let installed = false;

const signals: readonly NodeJS.Signals[] = process.platform === "win32"
  ? ["SIGINT"]
  : ["SIGINT", "SIGTERM", "SIGHUP"];

type EventTargetLike = {
  addEventListener?: (type: string, listener: () => void) => void;
  removeEventListener?: (type: string, listener: () => void) => void;
};

function killAll(): void {
  for (const [child, afterKill] of live) {
    try {
      child.kill("SIGKILL");
      afterKill?.();
    } catch {
      // Already gone, or its files are still in use: nothing more can be done while exiting.
    }
  }
  live.clear();
  uninstall();
}

function onSignal(signal: NodeJS.Signals): void {
  killAll();
  // Nobody else handles the signal: end the process the way the signal would have.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function install(): void {
  if (installed) return;
  installed = true;
  process.on("exit", killAll);
  for (const signal of signals) process.on(signal, onSignal);
  if ("Deno" in globalThis) (globalThis as EventTargetLike).addEventListener?.("unload", killAll);
}

function uninstall(): void {
  if (!installed) return;
  installed = false;
  process.off("exit", killAll);
  for (const signal of signals) process.off(signal, onSignal);
  if ("Deno" in globalThis) (globalThis as EventTargetLike).removeEventListener?.("unload", killAll);
}

/**
 * Kills `child` when this process exits or is interrupted, unless it has ended before, then runs
 * `afterKill` (synchronous, e.g. removing the child's temporary files).
 */
export function killOnExit(child: ChildProcess, afterKill?: () => void): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  live.set(child, afterKill);
  install();
  child.once("exit", () => {
    live.delete(child);
    if (live.size === 0) uninstall();
  });
}
