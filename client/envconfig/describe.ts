// Small helpers for error messages: how to name a TOML key path and a value.

/** `profile.prod.tls`, quoting segments that are not bare TOML keys (`profile."my.app"`). */
export function keyPath(segments: readonly string[]): string {
  return segments.map((s) => (/^[A-Za-z0-9_-]+$/.test(s) ? s : JSON.stringify(s))).join(".");
}

/** What a parsed TOML value is, for "expected a string, got …" messages. */
export function describeValue(value: unknown): string {
  if (Array.isArray(value)) return "an array";
  if (value === null || value === undefined) return "nothing";
  if (typeof value === "object") {
    return Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null
      ? "a table"
      : `a date (${dateText(value)})`;
  }
  if (typeof value === "string") return `the string ${JSON.stringify(value)}`;
  if (typeof value === "boolean") return `the boolean ${value}`;
  return `the ${typeof value} ${String(value)}`;
}

/** The names in a list, quoted and comma-separated. */
export function quoteList(names: readonly string[]): string {
  return names.map((n) => `'${n}'`).join(", ");
}

function dateText(value: object): string {
  const iso = (value as { toISOString?: unknown }).toISOString;
  return typeof iso === "function" ? String(iso.call(value)) : String(value);
}
