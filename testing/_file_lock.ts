import { mkdir, open, readFile, rm, stat } from "node:fs/promises";
import { dirname } from "node:path";
import process from "node:process";

/** Options for {@linkcode withFileLock}. */
export interface FileLockOptions {
  /** Give up waiting for another holder after this many milliseconds. */
  timeoutMs: number;
  /** Treat a lock file older than this as abandoned (its holder died without cleaning up). */
  staleMs: number;
  /** Called once if the lock is held by someone else and we start waiting. */
  onWait?: (holder: string) => void;
}

const POLL_MS = 250;

/**
 * Runs `fn` while holding an exclusive lock file, so that several processes sharing a cache do
 * not download or build the same thing at once. The lock file records the holder's pid; a lock
 * whose holder is gone, or that is older than `staleMs`, is taken over.
 */
export async function withFileLock<T>(
  lockPath: string,
  fn: () => Promise<T>,
  options: FileLockOptions,
): Promise<T> {
  await mkdir(dirname(lockPath), { recursive: true });
  const deadline = Date.now() + options.timeoutMs;
  let waiting = false;
  for (;;) {
    try {
      const handle = await open(lockPath, "wx");
      try {
        await handle.writeFile(`${process.pid}\n${new Date().toISOString()}\n`);
      } finally {
        await handle.close();
      }
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    }
    const holder = await readHolder(lockPath);
    if (holder === undefined) continue; // released between our open and our read
    if (holder.abandoned(options.staleMs)) {
      await rm(lockPath, { force: true });
      continue;
    }
    if (!waiting) {
      waiting = true;
      options.onWait?.(holder.description);
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Timed out after ${options.timeoutMs} ms waiting for lock '${lockPath}' held by ${holder.description}; ` +
          `delete the file if no such process is running`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
  }
}

interface Holder {
  description: string;
  abandoned(staleMs: number): boolean;
}

async function readHolder(lockPath: string): Promise<Holder | undefined> {
  let text: string;
  let mtimeMs: number;
  try {
    [text, mtimeMs] = await Promise.all([
      readFile(lockPath, "utf8"),
      stat(lockPath).then((s) => s.mtimeMs),
    ]);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const pid = Number.parseInt(text, 10);
  return {
    description: Number.isFinite(pid) ? `process ${pid}` : "an unknown process",
    abandoned(staleMs) {
      if (Date.now() - mtimeMs > staleMs) return true;
      // No pid yet: the holder is between creating and writing the file, or died right there.
      if (!Number.isFinite(pid)) return Date.now() - mtimeMs > 10_000;
      return !isAlive(pid);
    },
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}
