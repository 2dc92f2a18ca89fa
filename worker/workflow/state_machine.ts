/**
 * A small finite-state-machine kernel for the engine's command state machines: each machine kind
 * declares its transition table as data (`Created --(schedule)--> CommandCreated`), every fired
 * transition is recorded on the instance (so a nondeterminism error can print the machine's
 * history), and every transition taken by any instance is counted per process (transition
 * coverage, read by the engine tests).
 *
 * @module
 */

import { NondeterminismError } from "./nondeterminism_error.ts";

/** One row of a transition table: in state `from`, trigger `on` moves the machine to `to`. */
export interface Transition<S extends string, T extends string> {
  readonly from: S;
  readonly on: T;
  readonly to: S;
}

/** A machine kind: its name, initial state and transition table. */
export interface MachineDefinition<S extends string, T extends string> {
  readonly name: string;
  readonly initial: S;
  readonly transitions: readonly Transition<S, T>[];
}

/** A transition an instance took: the table row plus the history event id that caused it, if any. */
export interface RecordedTransition {
  readonly from: string;
  readonly on: string;
  readonly to: string;
  readonly eventId?: number;
}

const coverage = new Map<string, Map<string, number>>();

/** Formats a table row the way the docs and errors print it: `From --(trigger)--> To`. */
export function formatTransition(t: { from: string; on: string; to: string }): string {
  return `${t.from} --(${t.on})--> ${t.to}`;
}

/**
 * Declares a machine kind from a compact table of `[from, trigger, to]` rows.
 *
 * @example Declaring a table
 * ```ts
 * const def = defineMachine("timer", "Created", [["Created", "schedule", "StartCommandCreated"]] as const);
 * ```
 */
export function defineMachine<S extends string, T extends string>(
  name: string,
  initial: S,
  rows: readonly (readonly [S, T, S])[],
): MachineDefinition<S, T> {
  const transitions = rows.map(([from, on, to]) => ({ from, on, to }));
  const seen = new Set<string>();
  for (const t of transitions) {
    const key = `${t.from}\u0000${t.on}`;
    if (seen.has(key)) {
      throw new Error(`Machine '${name}' declares two transitions for '${t.from}' on '${t.on}'`);
    }
    seen.add(key);
  }
  if (!coverage.has(name)) coverage.set(name, new Map(transitions.map((t) => [formatTransition(t), 0])));
  return { name, initial, transitions };
}

/** One live machine: current state plus the transitions it took, in order. */
export class StateMachine<S extends string, T extends string> {
  readonly definition: MachineDefinition<S, T>;
  /** A label naming this instance in errors, e.g. `timer seq=3`. */
  readonly label: string;
  readonly recorded: RecordedTransition[] = [];
  #state: S;

  constructor(definition: MachineDefinition<S, T>, label: string) {
    this.definition = definition;
    this.label = label;
    this.#state = definition.initial;
  }

  get state(): S {
    return this.#state;
  }

  /** True if `trigger` has a row for the current state. */
  can(trigger: T): boolean {
    return this.definition.transitions.some((t) => t.from === this.#state && t.on === trigger);
  }

  /**
   * Takes the transition for `trigger` from the current state, or throws a
   * {@linkcode NondeterminismError} (`SG1105`) naming the machine, its state and the trigger.
   */
  fire(trigger: T, eventId?: number): S {
    const row = this.definition.transitions.find((t) => t.from === this.#state && t.on === trigger);
    if (row === undefined) {
      const cause = eventId === undefined ? "" : ` (history event ${eventId})`;
      throw new NondeterminismError(
        "SG1105",
        `Machine ${this.label} in state ${this.#state} has no transition for '${trigger}'${cause}; ` +
          `transitions so far: ${this.describe()}`,
      );
    }
    this.#state = row.to;
    this.recorded.push(eventId === undefined ? { ...row } : { ...row, eventId });
    const counts = coverage.get(this.definition.name);
    const key = formatTransition(row);
    counts?.set(key, (counts.get(key) ?? 0) + 1);
    return row.to;
  }

  /** The recorded transitions as text, for errors and logs. */
  describe(): string {
    if (this.recorded.length === 0) return `(none; initial state ${this.definition.initial})`;
    return this.recorded.map((t) => formatTransition(t) + (t.eventId === undefined ? "" : ` @${t.eventId}`))
      .join(", ");
  }
}

/**
 * How often each declared transition was taken in this process, per machine kind. Used by the
 * engine tests to report and check transition coverage.
 */
export function transitionCoverage(): Map<string, Map<string, number>> {
  return new Map([...coverage].map(([k, v]) => [k, new Map(v)]));
}
