/**
 * Facts and deterministic utilities: `workflowInfo`, `now`, `random`, `uuid4`, and the
 * replay-aware `log`.
 *
 * @module
 */

import type { LogLevel } from "../protocol.ts";
import { activator } from "./internal/context.ts";
import { uuid4From } from "./internal/prng.ts";
import type { WorkflowInfo } from "./types.ts";

/**
 * Facts about the running workflow (a snapshot).
 *
 * @example
 * ```ts
 * const { workflowId, attempt } = workflowInfo();
 * ```
 */
export function workflowInfo(): WorkflowInfo {
  const run = activator();
  return { ...run.info, unsafe: { isReplaying: run.isReplaying, now: run.now } };
}

/**
 * The workflow's current time: the start time of the current workflow task (deterministic).
 *
 * @example
 * ```ts
 * const deadline = new Date(now().getTime() + 60_000);
 * ```
 */
export function now(): Date {
  return new Date(activator().now);
}

/**
 * A deterministic random number in [0, 1) (the same on replay); `Math.random` in workflows is the same source.
 *
 * @example
 * ```ts
 * const coin = random() < 0.5;
 * ```
 */
export function random(): number {
  return activator().random();
}

/**
 * A deterministic random version 4 UUID (the same on replay).
 *
 * @example
 * ```ts
 * const requestId = uuid4();
 * ```
 */
export function uuid4(): string {
  return uuid4From(activator().random);
}

function write(level: LogLevel) {
  return (message: string, attrs?: Record<string, unknown>): void => activator().log(level, message, attrs);
}

/**
 * The workflow logger: records go to the worker's logger with the workflow's ids, and nothing is
 * logged while replaying.
 *
 * @example
 * ```ts
 * log.info("Charging card", { orderId });
 * ```
 */
export const log = {
  trace: write("TRACE"),
  debug: write("DEBUG"),
  info: write("INFO"),
  warn: write("WARN"),
  error: write("ERROR"),
} as const;
