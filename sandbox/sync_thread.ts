/**
 * A helper thread whose one reply the calling thread waits for without returning to the event loop
 * (`Atomics.wait`, allowed on the main thread by Node, Deno and Bun), for constructors that must
 * answer synchronously. The caller is never left waiting on a thread that cannot answer: the thread
 * signals on every way out (its reply, an uncaught error, `process.exit`), and beats a shared
 * counter while its event loop runs, so a thread that died without a word (killed for memory) or
 * stopped turning is given up after `stallMs`.
 * @module
 */

import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";

/** Options of {@linkcode runThreadSync}. */
export interface SyncThreadOptions {
  /** Longest wait without a heartbeat from the thread's event loop. Default: 30 s. */
  stallMs?: number;
  /** Longest wait in all. Default: 10 minutes. */
  timeoutMs?: number;
}

/** Why a helper thread gave no reply. */
export class SyncThreadError extends Error {
  override name = "SyncThreadError";
}

/** How often the thread beats, and how long each wait of the caller is. */
const BEAT_MS = 100;
const SLICE_MS = 250;

/**
 * Prepended to the thread's program. Defines `workerData` and `reply(value)`, which posts the one
 * reply and wakes the caller; an uncaught error or an exit before `reply` wakes it too, with the
 * error's description or nothing.
 */
const PROLOGUE = `
import { workerData as __data } from "node:worker_threads";
const workerData = __data.data;
const __state = __data.state;
let __sent = false;
const __wake = () => { Atomics.store(__state, 0, 1); Atomics.notify(__state, 0); };
const __beat = setInterval(() => Atomics.add(__state, 1, 1), ${BEAT_MS});
const reply = (value) => {
  if (__sent) return;
  __sent = true;
  clearInterval(__beat);
  try {
    __data.port.postMessage({ value });
  } catch (error) {
    __data.port.postMessage({ error: "could not send its reply: " + String(error?.message ?? error) });
  }
  __data.port.close();
  __wake();
};
const __died = (text) => {
  if (__sent) return;
  __sent = true;
  clearInterval(__beat);
  try {
    __data.port.postMessage({ error: text });
  } catch {}
  __wake();
};
const __failed = (error) =>
  __died("failed: " + (error instanceof Error ? error.name + ": " + error.message : String(error)));
process.on("uncaughtException", __failed);
// Bun's test runner reports a thread's uncaught errors to the global scope's "error" event instead.
globalThis.addEventListener?.("error", (event) => __failed(event.error ?? event.message));
process.on("unhandledRejection", __failed);
process.on("exit", () => __died("exited without replying"));
`;

/** Appended to the thread's program: a program whose top-level code ended has replied, or never will. */
const EPILOGUE = `
;__died("ended without replying");
`;

/**
 * Runs `program` (an ES module's text, in which `workerData` is `data` and `reply(value)` answers;
 * it must reply before its top-level code, awaits included, ends) in a new thread, and returns the
 * value it replied.
 *
 * @param what What the thread does, for errors ("the bundling thread").
 * @throws {SyncThreadError} If the thread failed, exited or stalled without replying, or ran past
 *   `timeoutMs`.
 * @example
 * ```ts
 * const sum = runThreadSync<number>("the adding thread", "reply(workerData.a + workerData.b);", { a: 1, b: 2 });
 * ```
 */
export function runThreadSync<T>(
  what: string,
  program: string,
  data: unknown,
  options: SyncThreadOptions = {},
): T {
  const stallMs = options.stallMs ?? 30_000;
  const timeoutMs = options.timeoutMs ?? 600_000;
  const state = new Int32Array(new SharedArrayBuffer(8));
  const { port1, port2 } = new MessageChannel();
  const url = new URL(`data:text/javascript,${encodeURIComponent(PROLOGUE + program + EPILOGUE)}`);
  const thread = new Worker(url, { workerData: { data, state, port: port2 }, transferList: [port2] });
  try {
    const began = Date.now();
    let beats = 0;
    let lastBeat = began;
    let silence: string | undefined;
    while (Atomics.wait(state, 0, 0, SLICE_MS) === "timed-out") {
      const now = Date.now();
      const current = Atomics.load(state, 1);
      if (current !== beats) {
        beats = current;
        lastBeat = now;
      } else if (now - lastBeat > stallMs) {
        silence = `stopped answering for ${
          Math.round(stallMs / 1000)
        } s (it died, or its event loop is stuck)`;
        break;
      }
      if (now - began > timeoutMs) {
        silence = `did not answer within ${Math.round(timeoutMs / 1000)} s`;
        break;
      }
    }
    const received = receiveMessageOnPort(port1)?.message as { value: T } | { error: string } | undefined;
    if (received !== undefined && "value" in received) return received.value;
    throw new SyncThreadError(
      `${what} ${silence ?? (received === undefined ? "stopped without answering" : received.error)}`,
    );
  } finally {
    port1.close();
    thread.unref();
    thread.terminate().catch(() => {});
  }
}
