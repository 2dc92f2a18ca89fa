import { stringify } from "smol-toml";
import {
  type ClientConfig,
  type ClientConfigProfile,
  type ClientConfigTLS,
  type ConfigSource,
  normalizeGrpcMetaKey,
} from "./client_config.ts";
import { ClientConfigError, ClientConfigErrorCode } from "./client_config_error.ts";

/**
 * Writes a configuration back as TOML in the format {@link parseClientConfig} reads: one
 * `[profile.<name>]` table per profile, unset fields left out, gRPC metadata keys normalised.
 * A TLS section is kept even when empty, because its presence turns TLS on.
 *
 * @param config The profiles to write.
 * @returns The TOML document.
 * @throws {ClientConfigError} `INVALID_CONFIG` if certificate or key data given as bytes is not UTF-8
 *   text (TOML can only hold text: use a path instead).
 *
 * @example Round trip
 * ```ts
 * import { clientConfigToToml, parseClientConfig } from "sandglass/client";
 *
 * const toml = clientConfigToToml({ profiles: { prod: { address: "prod.example:7233", apiKey: "k" } } });
 * console.log(parseClientConfig(toml).profiles.prod?.apiKey); // "k"
 * ```
 */
export function clientConfigToToml(config: ClientConfig): string {
  const profile = Object.fromEntries(
    Object.entries(config.profiles).map(([name, p]) => [name, profileToTable(name, p)]),
  );
  return stringify({ profile });
}

function profileToTable(name: string, p: ClientConfigProfile): Record<string, unknown> {
  const table: Record<string, unknown> = {};
  if (p.address !== undefined) table["address"] = p.address;
  if (p.namespace !== undefined) table["namespace"] = p.namespace;
  if (p.apiKey !== undefined) table["api_key"] = p.apiKey;
  if (p.tls !== undefined) table["tls"] = tlsToTable(name, p.tls);
  if (p.codec !== undefined) {
    const codec: Record<string, unknown> = {};
    if (p.codec.endpoint !== undefined) codec["endpoint"] = p.codec.endpoint;
    if (p.codec.auth !== undefined) codec["auth"] = p.codec.auth;
    table["codec"] = codec;
  }
  const meta = Object.entries(p.grpcMeta ?? {});
  if (meta.length > 0) {
    table["grpc_meta"] = Object.fromEntries(meta.map(([k, v]) => [normalizeGrpcMetaKey(k), v]));
  }
  return table;
}

function tlsToTable(profileName: string, tls: ClientConfigTLS): Record<string, unknown> {
  const table: Record<string, unknown> = {};
  if (tls.disabled !== undefined) table["disabled"] = tls.disabled;
  if (tls.serverName !== undefined) table["server_name"] = tls.serverName;
  putSource(table, profileName, "server_ca_cert", tls.serverRootCACert);
  putSource(table, profileName, "client_cert", tls.clientCert);
  putSource(table, profileName, "client_key", tls.clientPrivateKey);
  if (tls.disableHostVerification === true) table["disable_host_verification"] = true;
  return table;
}

function putSource(
  table: Record<string, unknown>,
  profileName: string,
  item: string,
  source: ConfigSource | undefined,
): void {
  if (source === undefined) return;
  if ("path" in source) {
    table[`${item}_path`] = source.path;
    return;
  }
  if (typeof source.data === "string") {
    table[`${item}_data`] = source.data;
    return;
  }
  try {
    table[`${item}_data`] = new TextDecoder("utf-8", { fatal: true }).decode(source.data);
  } catch (cause) {
    throw new ClientConfigError(
      ClientConfigErrorCode.InvalidConfig,
      `Cannot write ${item}_data of profile '${profileName}' as TOML: the bytes are not UTF-8 text; ` +
        `save them to a file and set ${item}_path instead`,
      { cause },
    );
  }
}
