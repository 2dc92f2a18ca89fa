/**
 * The error the engine raises when workflow code and recorded history disagree. Each error has a
 * stable code (documented in `docs/engine.md`) and a message that names the command and the
 * history event that disagree.
 *
 * @module
 */

import { defineBrand, hasBrand } from "../../common/brand.ts";

/**
 * The nondeterminism codes, with what each means.
 *
 * - `SG1100` the workflow issued a command of another kind than the next command event in history
 * - `SG1101` same kind, but an identifying attribute differs (timer id, activity type, child workflow id, ...)
 * - `SG1102` history holds a command event, but the workflow issued no command for it
 * - `SG1103` the workflow issued a command that history does not hold
 * - `SG1104` a history event refers to a command the workflow never issued (unknown timer, activity, ...)
 * - `SG1105` a command's state machine has no transition for what happened (event or workflow action)
 * - `SG1106` history holds an event the engine cannot place (unexpected type or order)
 */
export const NondeterminismCode = {
  CommandKindMismatch: "SG1100",
  CommandAttributesMismatch: "SG1101",
  MissingCommand: "SG1102",
  ExtraCommand: "SG1103",
  UnknownCommandReference: "SG1104",
  InvalidTransition: "SG1105",
  UnexpectedEvent: "SG1106",
} as const;

/** One of {@linkcode NondeterminismCode}'s values. */
export type NondeterminismCode = (typeof NondeterminismCode)[keyof typeof NondeterminismCode];

/**
 * Workflow code issued commands that do not match the history being replayed. Fails the workflow
 * task (cause `WORKFLOW_TASK_FAILED_CAUSE_NON_DETERMINISTIC_ERROR`), or the workflow if the worker is
 * configured so.
 *
 * @example Recognising the error
 * ```ts
 * try { await replayer.replayHistory(history); } catch (e) {
 *   if (e instanceof NondeterminismError) console.log(e.code); // e.g. "SG1101"
 * }
 * ```
 */
export class NondeterminismError extends Error {
  /** The stable code, e.g. `SG1101`. */
  readonly code: NondeterminismCode;

  constructor(code: NondeterminismCode, message: string, options?: { cause?: unknown }) {
    super(`[${code}] ${message}`, options);
    this.code = code;
  }

  static override [Symbol.hasInstance](value: unknown): boolean {
    return hasBrand(this, value);
  }
}
defineBrand(NondeterminismError, "NondeterminismError");
