import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";

/** A fresh temporary folder; remove it with `cleanup()`. */
export async function scratchDir(prefix: string): Promise<{ path: string; cleanup: () => Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), `sandglass-${prefix}-`));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** Writes an executable shell script at `path` that prints `output` (a stand-in for a located binary). */
export async function writeScript(path: string, output: string): Promise<string> {
  await mkdir(join(path, ".."), { recursive: true });
  await writeFile(path, `#!/bin/sh\necho '${output}'\n`);
  await chmod(path, 0o755);
  return path;
}

/** Whether process `pid` is still running (a zombie counts as gone). */
export async function isRunning(pid: number): Promise<boolean> {
  try {
    process.kill(pid, 0);
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
  if (process.platform !== "linux") return true;
  const stat = await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "");
  // Field 3, after the parenthesised command name, is the state.
  return stat !== "" && stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
}

/** Polls until `pid` is gone, for at most `timeoutMs`; returns whether it is gone. */
export async function waitUntilGone(pid: number, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (await isRunning(pid)) {
    if (Date.now() > deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return true;
}

/** The command and leading arguments that run a `.ts` file on the runtime running this test. */
export function runtimeCommand(file: string): [string, string[]] {
  if ("Deno" in globalThis) return [process.execPath, ["run", "-A", file]];
  return [process.execPath, [file]];
}

const fixture = join(dirname(fileURLToPath(import.meta.url)), "_leave_server_running.ts");

/**
 * Runs `_leave_server_running.ts` on this runtime: it starts a server and never stops it. Ends the
 * fixture (normally, or by SIGTERM) and returns the pid and log file of the server it left behind.
 */
export async function runFixture(
  kind: "dev" | "test",
  ending: "exit" | "signal",
): Promise<{ pid: number; logFile: string }> {
  const [command, args] = runtimeCommand(fixture);
  const child = spawn(command, [...args, kind, ending], { stdio: ["pipe", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8");
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const server = await new Promise<{ pid: number; logFile: string }>((resolve, reject) => {
    child.stdout.on("data", (chunk: string) => {
      stdout += chunk;
      const line = /^\{.*\}$/m.exec(stdout);
      if (line) resolve(JSON.parse(line[0]) as { pid: number; logFile: string });
    });
    void exited.then(() => reject(new Error(`Fixture ended without a pid: ${stdout}\n${stderr}`)));
  });
  if (!(await isRunning(server.pid))) {
    throw new Error(`Server ${server.pid} is not running while its owner does`);
  }
  if (ending === "signal") child.kill("SIGTERM");
  else child.stdin.end();
  await exited;
  return server;
}
