/**
 * The headers sent with every call: per-call headers, then the connection's metadata, then the
 * API key as `authorization: Bearer <key>`, then the SDK's name and version. Each source only
 * fills keys that an earlier one left empty, so metadata carrying its own `authorization` wins
 * over the API key, as in the official SDKs.
 *
 * @module
 */
import { SDK_NAME, SDK_VERSION } from "./version.ts";

// gRPC metadata keys: lower-case letters, digits, '-', '_' and '.' (upper case is folded).
const KEY = /^[0-9A-Za-z_.-]+$/;
// Printable ASCII for text values; '-bin' keys carry base64.
const VALUE = /^[\x20-\x7e]*$/;

/**
 * Checks user metadata before any I/O.
 *
 * @throws {TypeError} If a key or value cannot be sent as gRPC metadata; the message quotes it.
 *
 * @example
 * ```ts
 * validateMetadata({ "x-team": "payments" });
 * ```
 */
export function validateMetadata(metadata: Readonly<Record<string, string>>): void {
  if (typeof metadata !== "object" || metadata === null) {
    throw new TypeError(
      `Invalid metadata '${String(metadata)}': expected an object of string keys and values`,
    );
  }
  for (const [key, value] of Object.entries(metadata)) {
    if (!KEY.test(key) || key.toLowerCase().startsWith("grpc-")) {
      throw new TypeError(
        `Invalid metadata key '${key}': expected letters, digits, '-', '_' or '.', not starting with 'grpc-'`,
      );
    }
    if (typeof value !== "string" || !VALUE.test(value)) {
      throw new TypeError(`Invalid metadata value for key '${key}': expected a string of printable ASCII`);
    }
  }
}

/** Server features this client supports (the server's `supported-features` negotiation). */
const SUPPORTED_FEATURES = "follows-next-run-id";

/**
 * Validates an API key before any I/O.
 *
 * @throws {TypeError} If the key is not a non-empty string of printable ASCII.
 */
export function validateApiKey(apiKey: string | undefined): void {
  if (apiKey === undefined) return;
  if (typeof apiKey !== "string" || apiKey === "" || !VALUE.test(apiKey)) {
    throw new TypeError("Invalid API key: expected a non-empty string of printable ASCII");
  }
}

/** Returns the headers for one call, given the connection's current metadata and API key. */
export function callHeaders(
  perCall: HeadersInit | undefined,
  metadata: Readonly<Record<string, string>>,
  apiKey: string | undefined,
): Headers {
  const headers = new Headers(perCall);
  for (const [key, value] of Object.entries(metadata)) {
    if (!headers.has(key)) headers.set(key, value);
  }
  if (apiKey !== undefined && !headers.has("authorization")) headers.set("authorization", `Bearer ${apiKey}`);
  if (!headers.has("client-name")) headers.set("client-name", SDK_NAME);
  if (!headers.has("client-version")) headers.set("client-version", SDK_VERSION);
  // Tells the server that `result()` follows `newExecutionRunId` on completed, failed and timed-out
  // close events; without it the server disguises a retried or cron run's close as continue-as-new.
  if (!headers.has("supported-features")) headers.set("supported-features", SUPPORTED_FEATURES);
  return headers;
}
