import type { ConfigSource } from "./client_config.ts";
import { ClientConfigError, ClientConfigErrorCode } from "./client_config_error.ts";

/**
 * Reads a {@link ConfigSource} into bytes: a path is read from disk (relative paths against the
 * current directory), string data is UTF-8 encoded, bytes are returned as they are.
 *
 * @param source Where the data is.
 * @param label What the data is, for error messages (e.g. `TLS client certificate`).
 * @returns The bytes.
 * @throws {ClientConfigError} `READ_FAILED` if the file cannot be read.
 *
 * @example
 * ```ts
 * import { readConfigSource } from "sandglass/client";
 *
 * const bytes = await readConfigSource({ data: "-----BEGIN CERTIFICATE-----" }, "CA certificate");
 * ```
 */
export async function readConfigSource(source: ConfigSource, label: string): Promise<Uint8Array> {
  if ("path" in source) {
    try {
      return await readBytes(source.path);
    } catch (cause) {
      throw new ClientConfigError(
        ClientConfigErrorCode.ReadFailed,
        `Cannot read ${label} file '${source.path}': ${reason(cause)}`,
        { cause },
      );
    }
  }
  return typeof source.data === "string" ? new TextEncoder().encode(source.data) : source.data;
}

/**
 * Reads a file, or returns `undefined` if it does not exist.
 *
 * @throws {ClientConfigError} `READ_FAILED` for any other failure (permissions, a directory, ...).
 */
export async function readFileIfExists(path: string, label: string): Promise<Uint8Array | undefined> {
  try {
    return await readBytes(path);
  } catch (cause) {
    if (isNotFound(cause)) return undefined;
    throw new ClientConfigError(
      ClientConfigErrorCode.ReadFailed,
      `Cannot read ${label} '${path}': ${reason(cause)}`,
      { cause },
    );
  }
}

function isNotFound(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === "ENOENT" || code === "ENOTDIR";
}

function reason(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  const message = err instanceof Error ? err.message : String(err);
  return typeof code === "string" && !message.includes(code) ? `${code}: ${message}` : message;
}

/** Reads a file; `node:fs` is loaded on first use, so importing the client does not pay for it. */
async function readBytes(path: string): Promise<Uint8Array> {
  const { readFile } = await import("node:fs/promises");
  return new Uint8Array(await readFile(path));
}
