/**
 * What went wrong while loading environment configuration, as a stable code callers can branch on.
 *
 * - `PROFILE_NOT_FOUND`: a profile named explicitly (in code or by `TEMPORAL_PROFILE`) is not in the file.
 * - `INVALID_TOML`: the file is not valid TOML (the error carries `line` and `column`).
 * - `INVALID_CONFIG`: the TOML or the environment is well formed but wrong (a value of the wrong type,
 *   an unknown key in strict mode, a path and data for the same TLS item, an unreadable boolean, ...).
 * - `READ_FAILED`: a file that exists could not be read (permissions, a directory, ...).
 */
export const ClientConfigErrorCode = {
  ProfileNotFound: "PROFILE_NOT_FOUND",
  InvalidToml: "INVALID_TOML",
  InvalidConfig: "INVALID_CONFIG",
  ReadFailed: "READ_FAILED",
} as const;

/** One of the {@link ClientConfigErrorCode} values. */
export type ClientConfigErrorCode = (typeof ClientConfigErrorCode)[keyof typeof ClientConfigErrorCode];

/** Options of {@link ClientConfigError}. */
export interface ClientConfigErrorOptions extends ErrorOptions {
  /** 1-based line of a TOML syntax error. */
  line?: number;
  /** 1-based column of a TOML syntax error. */
  column?: number;
}

/**
 * The error every environment-configuration loader throws.
 *
 * @example Tell a missing profile from other problems
 * ```ts
 * import { ClientConfigError, loadClientConnectConfig } from "sandglass/client";
 *
 * try {
 *   await loadClientConnectConfig({ profile: "staging" });
 * } catch (err) {
 *   if (err instanceof ClientConfigError && err.code === "PROFILE_NOT_FOUND") console.error(err.message);
 *   else throw err;
 * }
 * ```
 */
export class ClientConfigError extends Error {
  override readonly name = "ClientConfigError";
  /** What kind of problem this is. */
  readonly code: ClientConfigErrorCode;
  /** 1-based line of a TOML syntax error, when `code` is `INVALID_TOML`. */
  readonly line: number | undefined;
  /** 1-based column of a TOML syntax error, when `code` is `INVALID_TOML`. */
  readonly column: number | undefined;

  constructor(code: ClientConfigErrorCode, message: string, options: ClientConfigErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.line = options.line;
    this.column = options.column;
  }
}
