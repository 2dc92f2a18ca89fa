import { spawn } from "node:child_process";
import process from "node:process";

/** What a finished command printed and how it ended. */
export interface CommandResult {
  /** Exit code, or `null` when a signal ended the process. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Options for {@linkcode runCommand}. */
export interface RunCommandOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  /** Kill the command after this many milliseconds (default: no limit). */
  timeoutMs?: number;
}

/**
 * Runs a command to completion, capturing its output as text. Rejects when the command cannot
 * be started (for example `ENOENT`) or runs past `timeoutMs`; a non-zero exit is not an error.
 */
export function runCommand(
  command: string,
  args: readonly string[],
  options: RunCommandOptions = {},
): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
      windowsHide: true,
    });
    const stdout: string[] = [];
    const stderr: string[] = [];
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => stdout.push(chunk));
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => stderr.push(chunk));
    let timedOut = false;
    const timer = options.timeoutMs === undefined ? undefined : setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, options.timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code) => {
      clearTimeout(timer);
      if (timedOut) {
        reject(new Error(`Command '${command}' did not finish within ${options.timeoutMs} ms`));
        return;
      }
      resolve({ code, stdout: stdout.join(""), stderr: stderr.join("") });
    });
  });
}

/** The last `lines` lines of `text`, for error messages. */
export function tail(text: string, lines = 20): string {
  return text.trimEnd().split(/\r?\n/).slice(-lines).join("\n");
}
