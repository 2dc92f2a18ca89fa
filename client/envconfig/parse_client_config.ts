import { parse, TomlError } from "smol-toml";
import {
  type ClientConfig,
  type ClientConfigCodec,
  type ClientConfigProfile,
  type ClientConfigTLS,
  type ConfigSource,
  normalizeGrpcMetaKey,
} from "./client_config.ts";
import { ClientConfigError, ClientConfigErrorCode } from "./client_config_error.ts";
import { describeValue, keyPath } from "./describe.ts";

/** Options of {@link parseClientConfig}. */
export interface ParseClientConfigOptions {
  /** Reject keys the format does not define. Default `false` (unknown keys are ignored). */
  strict?: boolean;
  /**
   * How to name the document in error messages, e.g. `config file '/etc/temporal.toml'`.
   * Default `config data`.
   */
  origin?: string;
}

type Table = Record<string, unknown>;

const PROFILE_KEYS = ["address", "namespace", "api_key", "tls", "codec", "grpc_meta"] as const;
const TLS_KEYS = [
  "disabled",
  "server_name",
  "server_ca_cert_path",
  "server_ca_cert_data",
  "client_cert_path",
  "client_cert_data",
  "client_key_path",
  "client_key_data",
  "disable_host_verification",
] as const;
const CODEC_KEYS = ["endpoint", "auth"] as const;

/**
 * Parses the TOML of a Temporal client configuration file (`[profile.<name>]` tables) into profiles.
 * Types are checked in every mode; `strict` also rejects unknown keys. gRPC metadata keys are
 * normalised (lower case, `_` to `-`). Empty `*_data` strings count as unset.
 *
 * @param toml The document, as text or UTF-8 bytes.
 * @param options Strict mode and the name used in error messages.
 * @returns Every profile of the document (none for an empty document).
 * @throws {ClientConfigError} `INVALID_TOML` with line and column for a syntax error, `INVALID_CONFIG`
 *   for a value of the wrong type, an unknown key in strict mode, or a TLS path and data for one item.
 *
 * @example Parse a document
 * ```ts
 * import { parseClientConfig } from "sandglass/client";
 *
 * const config = parseClientConfig('[profile.default]\naddress = "localhost:7233"\n');
 * console.log(config.profiles.default?.address); // "localhost:7233"
 * ```
 */
export function parseClientConfig(
  toml: string | Uint8Array,
  options: ParseClientConfigOptions = {},
): ClientConfig {
  const origin = options.origin ?? "config data";
  const strict = options.strict ?? false;
  const text = typeof toml === "string" ? toml : decodeUtf8(toml, origin);
  if (text.trim() === "") return { profiles: {} };

  let doc: Table;
  try {
    doc = parse(text) as Table;
  } catch (err) {
    if (err instanceof TomlError) {
      const reason = err.message.split("\n")[0]!.replace(/^Invalid TOML document: /, "");
      const block = err.codeblock ? `\n${err.codeblock.replace(/\n+$/, "")}` : "";
      throw new ClientConfigError(
        ClientConfigErrorCode.InvalidToml,
        `Cannot parse TOML in ${origin} at line ${err.line}, column ${err.column}: ${reason}${block}`,
        { cause: err, line: err.line, column: err.column },
      );
    }
    throw err;
  }

  const ctx: Context = { origin, strict };
  checkKeys(ctx, doc, [], ["profile"]);
  const profilesTable = doc["profile"];
  if (profilesTable === undefined) return { profiles: {} };
  const profiles = asTable(ctx, profilesTable, ["profile"]);
  return {
    profiles: Object.fromEntries(
      Object.entries(profiles).map(([name, value]) => [name, parseProfile(ctx, name, value)]),
    ),
  };
}

interface Context {
  origin: string;
  strict: boolean;
}

function parseProfile(ctx: Context, name: string, value: unknown): ClientConfigProfile {
  const at = ["profile", name];
  const table = asTable(ctx, value, at);
  checkKeys(ctx, table, at, PROFILE_KEYS);
  const profile: ClientConfigProfile = {};
  const address = optString(ctx, table, at, "address");
  if (address !== undefined) profile.address = address;
  const namespace = optString(ctx, table, at, "namespace");
  if (namespace !== undefined) profile.namespace = namespace;
  const apiKey = optString(ctx, table, at, "api_key");
  if (apiKey !== undefined) profile.apiKey = apiKey;
  if (table["tls"] !== undefined) profile.tls = parseTls(ctx, name, table["tls"]);
  if (table["codec"] !== undefined) profile.codec = parseCodec(ctx, name, table["codec"]);
  if (table["grpc_meta"] !== undefined) {
    const metaAt = [...at, "grpc_meta"];
    const meta = asTable(ctx, table["grpc_meta"], metaAt);
    const entries = Object.keys(meta).map((k) => [normalizeGrpcMetaKey(k), optString(ctx, meta, metaAt, k)!]);
    if (entries.length > 0) profile.grpcMeta = Object.fromEntries(entries);
  }
  return profile;
}

function parseTls(ctx: Context, profileName: string, value: unknown): ClientConfigTLS {
  const at = ["profile", profileName, "tls"];
  const table = asTable(ctx, value, at);
  checkKeys(ctx, table, at, TLS_KEYS);
  const tls: ClientConfigTLS = {};
  const disabled = optBoolean(ctx, table, at, "disabled");
  if (disabled !== undefined) tls.disabled = disabled;
  const serverName = optString(ctx, table, at, "server_name");
  if (serverName !== undefined) tls.serverName = serverName;
  const ca = source(ctx, table, at, profileName, "server_ca_cert");
  if (ca) tls.serverRootCACert = ca;
  const cert = source(ctx, table, at, profileName, "client_cert");
  if (cert) tls.clientCert = cert;
  const key = source(ctx, table, at, profileName, "client_key");
  if (key) tls.clientPrivateKey = key;
  if (optBoolean(ctx, table, at, "disable_host_verification") === true) tls.disableHostVerification = true;
  return tls;
}

function parseCodec(ctx: Context, profileName: string, value: unknown): ClientConfigCodec {
  const at = ["profile", profileName, "codec"];
  const table = asTable(ctx, value, at);
  checkKeys(ctx, table, at, CODEC_KEYS);
  const codec: ClientConfigCodec = {};
  const endpoint = optString(ctx, table, at, "endpoint");
  if (endpoint !== undefined) codec.endpoint = endpoint;
  const auth = optString(ctx, table, at, "auth");
  if (auth !== undefined) codec.auth = auth;
  return codec;
}

function source(
  ctx: Context,
  table: Table,
  at: string[],
  profileName: string,
  item: string,
): ConfigSource | undefined {
  const path = optString(ctx, table, at, `${item}_path`);
  const data = optString(ctx, table, at, `${item}_data`);
  if (path !== undefined && data !== undefined) {
    throw invalid(
      `Cannot specify both ${item}_path and ${item}_data in profile '${profileName}' of ${ctx.origin}: ` +
        `keep one of them`,
    );
  }
  if (path !== undefined) return { path };
  if (data !== undefined && data !== "") return { data };
  return undefined;
}

function checkKeys(ctx: Context, table: Table, at: string[], allowed: readonly string[]): void {
  if (!ctx.strict) return;
  for (const key of Object.keys(table)) {
    if (allowed.includes(key)) continue;
    const where = at.length === 0 ? "at the top level" : `in [${keyPath(at)}]`;
    const hint = at.length === 2 && key.startsWith("tls_")
      ? ` (TLS settings go in a [${keyPath([...at, "tls"])}] table as '${key.slice(4)}')`
      : "";
    throw invalid(
      `Unknown key '${keyPath([...at, key])}' in ${ctx.origin}${hint}: ` +
        `expected ${where} only ${allowed.join(", ")}`,
    );
  }
}

function asTable(ctx: Context, value: unknown, at: string[]): Table {
  if (typeof value === "object" && value !== null && !Array.isArray(value) && isPlain(value)) {
    return value as Table;
  }
  throw invalid(`Invalid '${keyPath(at)}' in ${ctx.origin}: expected a table, got ${describeValue(value)}`);
}

function optString(ctx: Context, table: Table, at: string[], key: string): string | undefined {
  const value = table[key];
  if (value === undefined || typeof value === "string") return value;
  throw invalid(
    `Invalid '${keyPath([...at, key])}' in ${ctx.origin}: expected a string, got ${describeValue(value)}`,
  );
}

function optBoolean(ctx: Context, table: Table, at: string[], key: string): boolean | undefined {
  const value = table[key];
  if (value === undefined || typeof value === "boolean") return value;
  throw invalid(
    `Invalid '${keyPath([...at, key])}' in ${ctx.origin}: expected true or false, got ${
      describeValue(value)
    }`,
  );
}

function isPlain(value: object): boolean {
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function decodeUtf8(bytes: Uint8Array, origin: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch (cause) {
    throw new ClientConfigError(
      ClientConfigErrorCode.InvalidToml,
      `Cannot read ${origin}: it is not UTF-8 text`,
      { cause },
    );
  }
}

function invalid(message: string): ClientConfigError {
  return new ClientConfigError(ClientConfigErrorCode.InvalidConfig, message);
}
