import {
  type ClientConfigProfile,
  type ClientConfigTLS,
  type ConfigSource,
  type EnvVars,
  normalizeGrpcMetaKey,
} from "./client_config.ts";
import { ClientConfigError, ClientConfigErrorCode } from "./client_config_error.ts";

const TLS_VARS = [
  "TEMPORAL_TLS",
  "TEMPORAL_TLS_CLIENT_CERT_PATH",
  "TEMPORAL_TLS_CLIENT_CERT_DATA",
  "TEMPORAL_TLS_CLIENT_KEY_PATH",
  "TEMPORAL_TLS_CLIENT_KEY_DATA",
  "TEMPORAL_TLS_SERVER_CA_CERT_PATH",
  "TEMPORAL_TLS_SERVER_CA_CERT_DATA",
  "TEMPORAL_TLS_SERVER_NAME",
  "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION",
] as const;

const GRPC_META_PREFIX = "TEMPORAL_GRPC_META_";

/**
 * Applies `TEMPORAL_*` environment variables on top of a profile, field by field; the profile passed
 * in is not changed. A variable that is set wins, even when empty, except `TEMPORAL_GRPC_META_<NAME>`,
 * where an empty value removes the header `<name>` (lower case, `_` to `-`). Any set `TEMPORAL_TLS*`
 * variable creates a TLS section, which turns TLS on unless `TEMPORAL_TLS` is false.
 *
 * Variables: `TEMPORAL_ADDRESS`, `TEMPORAL_NAMESPACE`, `TEMPORAL_API_KEY`, `TEMPORAL_TLS` (true/false/1/0),
 * `TEMPORAL_TLS_CLIENT_CERT_PATH|_DATA`, `TEMPORAL_TLS_CLIENT_KEY_PATH|_DATA`,
 * `TEMPORAL_TLS_SERVER_CA_CERT_PATH|_DATA`, `TEMPORAL_TLS_SERVER_NAME`,
 * `TEMPORAL_TLS_DISABLE_HOST_VERIFICATION`, `TEMPORAL_CODEC_ENDPOINT`, `TEMPORAL_CODEC_AUTH`,
 * `TEMPORAL_GRPC_META_<NAME>`.
 *
 * @param profile The profile loaded from the file (or `{}`).
 * @param env The environment, e.g. `process.env`.
 * @returns A new profile with the environment applied.
 * @throws {ClientConfigError} `INVALID_CONFIG` when a path and data variable are both set for one TLS
 *   item, when a variable sets a path (or data) where the profile already has data (or a path), or when a
 *   boolean variable is not one of true, false, 1, 0.
 *
 * @example
 * ```ts
 * import { applyEnvToProfile } from "sandglass/client";
 *
 * const profile = applyEnvToProfile({ address: "localhost:7233" }, { TEMPORAL_ADDRESS: "prod:7233" });
 * console.log(profile.address); // "prod:7233"
 * ```
 */
export function applyEnvToProfile(profile: ClientConfigProfile, env: EnvVars): ClientConfigProfile {
  const out: ClientConfigProfile = { ...profile };
  const address = env["TEMPORAL_ADDRESS"];
  if (address !== undefined) out.address = address;
  const namespace = env["TEMPORAL_NAMESPACE"];
  if (namespace !== undefined) out.namespace = namespace;
  const apiKey = env["TEMPORAL_API_KEY"];
  if (apiKey !== undefined) out.apiKey = apiKey;

  if (out.tls !== undefined || TLS_VARS.some((name) => env[name] !== undefined)) {
    out.tls = applyTls({ ...out.tls }, env);
  }

  const endpoint = env["TEMPORAL_CODEC_ENDPOINT"];
  const auth = env["TEMPORAL_CODEC_AUTH"];
  if (out.codec !== undefined || endpoint !== undefined || auth !== undefined) {
    out.codec = { ...out.codec };
    if (endpoint !== undefined) out.codec.endpoint = endpoint;
    if (auth !== undefined) out.codec.auth = auth;
  }

  const meta: Record<string, string> = Object.fromEntries(Object.entries(out.grpcMeta ?? {}));
  let metaChanged = false;
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith(GRPC_META_PREFIX) || name === GRPC_META_PREFIX || value === undefined) continue;
    metaChanged = true;
    const key = normalizeGrpcMetaKey(name.slice(GRPC_META_PREFIX.length));
    if (value === "") delete meta[key];
    else Object.defineProperty(meta, key, { value, enumerable: true, writable: true, configurable: true });
  }
  if (metaChanged) {
    if (Object.keys(meta).length > 0) out.grpcMeta = meta;
    else delete out.grpcMeta;
  }
  return out;
}

function applyTls(tls: ClientConfigTLS, env: EnvVars): ClientConfigTLS {
  const enabled = envBoolean(env, "TEMPORAL_TLS");
  if (enabled !== undefined) tls.disabled = !enabled;
  const ca = envSource(env, "SERVER_CA_CERT", "server CA certificate", tls.serverRootCACert);
  if (ca !== undefined) tls.serverRootCACert = ca;
  const cert = envSource(env, "CLIENT_CERT", "client certificate", tls.clientCert);
  if (cert !== undefined) tls.clientCert = cert;
  const key = envSource(env, "CLIENT_KEY", "client key", tls.clientPrivateKey);
  if (key !== undefined) tls.clientPrivateKey = key;
  const serverName = env["TEMPORAL_TLS_SERVER_NAME"];
  if (serverName !== undefined) tls.serverName = serverName;
  const skipVerify = envBoolean(env, "TEMPORAL_TLS_DISABLE_HOST_VERIFICATION");
  if (skipVerify === true) tls.disableHostVerification = true;
  else if (skipVerify === false) delete tls.disableHostVerification;
  return tls;
}

function envSource(
  env: EnvVars,
  item: string,
  label: string,
  current: ConfigSource | undefined,
): ConfigSource | undefined {
  const pathVar = `TEMPORAL_TLS_${item}_PATH`;
  const dataVar = `TEMPORAL_TLS_${item}_DATA`;
  const path = env[pathVar];
  const data = env[dataVar];
  if (path !== undefined && data !== undefined) {
    throw invalid(`Cannot set both ${pathVar} and ${dataVar}: unset one of them`);
  }
  if (path !== undefined) {
    if (current !== undefined && "data" in current) {
      throw invalid(
        `Cannot use ${pathVar}: the profile already gives the ${label} as data; ` +
          `remove one of the two or set ${dataVar} instead`,
      );
    }
    return { path };
  }
  if (data !== undefined) {
    if (current !== undefined && "path" in current) {
      throw invalid(
        `Cannot use ${dataVar}: the profile already gives the ${label} as a path; ` +
          `remove one of the two or set ${pathVar} instead`,
      );
    }
    return { data };
  }
  return undefined;
}

function envBoolean(env: EnvVars, name: string): boolean | undefined {
  const raw = env[name];
  if (raw === undefined) return undefined;
  switch (raw.toLowerCase()) {
    case "true":
    case "1":
      return true;
    case "false":
    case "0":
      return false;
    default:
      throw invalid(`Invalid ${name} '${raw}': expected true, false, 1 or 0`);
  }
}

function invalid(message: string): ClientConfigError {
  return new ClientConfigError(ClientConfigErrorCode.InvalidConfig, message);
}
