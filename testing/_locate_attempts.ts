import process from "node:process";

/** Collects why each source of a locator failed, to build one error that explains them all. */
export class LocateAttempts {
  readonly #what: string;
  readonly #lines: string[] = [];

  constructor(what: string) {
    this.#what = what;
  }

  add(source: string, outcome: string): void {
    this.#lines.push(`  - ${source}: ${outcome.replaceAll("\n", "\n      ")}`);
  }

  /** The final error: what was tried, then `remedy` (what to install). */
  error(remedy: string): Error {
    return new Error(`Cannot find ${this.#what}. Tried:\n${this.#lines.join("\n")}\nTo fix it, ${remedy}`);
  }
}

/** An error's message with its cause's, for one line of a report. */
export function describeError(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error && !error.message.includes(error.cause.message)
    ? ` (${error.cause.message})`
    : "";
  return `${error.message}${cause}`;
}

/** Default progress sink: one line on stderr. */
export function writeProgress(message: string): void {
  process.stderr.write(`${message}\n`);
}
