/**
 * The JSON the cross-SDK tests and their child processes (official TS client and worker, Python
 * client) exchange over argv and stdout. JSON has no bytes, so a `Uint8Array` travels as
 * `{ "$bytes": "<base64>" }`; `python/client.py` reads and writes the same form.
 *
 * @example
 * ```ts
 * toWire({ a: new Uint8Array([1]) }); // { a: { $bytes: "AQ==" } }
 * ```
 */

/** A value as it travels between the test and a child process. */
export type Wire = null | boolean | number | string | Wire[] | {
  [key: string]: Wire;
};

/** Replaces every `Uint8Array` in `value` by `{ $bytes: base64 }` and `undefined` by `{ $undefined: true }` (recursively). */
export function toWire(value: unknown): Wire {
  if (value instanceof Uint8Array) return { $bytes: base64(value) };
  if (value === undefined) return { $undefined: true };
  if (Array.isArray(value)) return value.map(toWire);
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [k, toWire(v)]),
    );
  }
  return value as Wire;
}

/** The inverse of {@linkcode toWire}: `{ $bytes: base64 }` becomes a `Uint8Array`, `{ $undefined: true }` `undefined`. */
export function fromWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromWire);
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value);
    if (
      entries.length === 1 && entries[0]![0] === "$bytes" &&
      typeof entries[0]![1] === "string"
    ) {
      return Uint8Array.from(atob(entries[0]![1]), (c) => c.charCodeAt(0));
    }
    if (
      entries.length === 1 && entries[0]![0] === "$undefined" &&
      entries[0]![1] === true
    ) return undefined;
    return Object.fromEntries(entries.map(([k, v]) => [k, fromWire(v)]));
  }
  return value;
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/** An error as a child process reports it: its class name, message, failure fields and cause chain. */
export interface WireError {
  name: string;
  message: string;
  type?: string | null;
  nonRetryable?: boolean;
  details?: Wire[];
  cause?: WireError;
}
