import type { ClientConfigProfile, ClientConfigTLS } from "./client_config.ts";
import { ClientConfigError, ClientConfigErrorCode } from "./client_config_error.ts";
import { readConfigSource } from "./read_config_source.ts";

/** TLS settings for `Client.connect`, with certificate and key contents loaded. */
export interface ClientConnectTLSConfig {
  /** PEM of the CA that signed the server's certificate; default: the system's trust store. */
  serverRootCACert?: Uint8Array;
  /** PEM of the client certificate for mutual TLS (always together with `clientPrivateKey`). */
  clientCert?: Uint8Array;
  /** PEM of the client private key for mutual TLS (always together with `clientCert`). */
  clientPrivateKey?: Uint8Array;
  /** Server name to use for SNI and to verify the certificate against. */
  serverName?: string;
}

/**
 * The connection options of `Client.connect` that environment configuration can set. Only configured
 * fields are present, so the object can be spread under options given in code.
 */
export interface ClientConnectConfig {
  /** `host:port` of the Temporal Service. */
  address?: string;
  /** Namespace. */
  namespace?: string;
  /** API key, sent as `authorization: Bearer <key>`. */
  apiKey?: string;
  /** `true` (TLS with system defaults), TLS settings, or `false` when TLS is explicitly disabled. */
  tls?: boolean | ClientConnectTLSConfig;
  /** gRPC metadata sent with every call. */
  rpcMetadata?: Record<string, string>;
}

/**
 * Turns a profile into `Client.connect` options, reading certificate and key files. TLS is on when the
 * profile has a TLS section that is not disabled, or an API key and no TLS section; it is `false` when
 * disabled explicitly. Empty strings count as unset.
 *
 * @param profile A profile from {@link loadClientConfigProfile} (or built in code).
 * @returns The options, with only configured fields present.
 * @throws {ClientConfigError} `INVALID_CONFIG` when only one of client certificate and key is set,
 *   `READ_FAILED` when a certificate or key file cannot be read.
 *
 * @example
 * ```ts
 * import { toClientConnectConfig } from "sandglass/client";
 *
 * const options = await toClientConnectConfig({ address: "ns.acct.tmprl.cloud:7233", apiKey: "key" });
 * // { address: "ns.acct.tmprl.cloud:7233", apiKey: "key", tls: true }
 * ```
 */
export async function toClientConnectConfig(profile: ClientConfigProfile): Promise<ClientConnectConfig> {
  const out: ClientConnectConfig = {};
  if (profile.address) out.address = profile.address;
  if (profile.namespace) out.namespace = profile.namespace;
  if (profile.apiKey) out.apiKey = profile.apiKey;
  if (profile.tls !== undefined) out.tls = await toTls(profile.tls);
  else if (profile.apiKey) out.tls = true;
  const meta = Object.entries(profile.grpcMeta ?? {});
  if (meta.length > 0) out.rpcMetadata = Object.fromEntries(meta);
  return out;
}

async function toTls(tls: ClientConfigTLS): Promise<boolean | ClientConnectTLSConfig> {
  if (tls.disabled === true) return false;
  const hasCert = tls.clientCert !== undefined;
  const hasKey = tls.clientPrivateKey !== undefined;
  if (hasCert !== hasKey) {
    throw new ClientConfigError(
      ClientConfigErrorCode.InvalidConfig,
      `Invalid TLS config: a client ${
        hasCert ? "certificate is set without a client key" : "key is set without a client certificate"
      }; ` +
        "mutual TLS needs both (client_cert_* and client_key_*, or TEMPORAL_TLS_CLIENT_CERT_* and TEMPORAL_TLS_CLIENT_KEY_*)",
    );
  }
  const out: ClientConnectTLSConfig = {};
  if (tls.serverRootCACert !== undefined) {
    out.serverRootCACert = await readConfigSource(tls.serverRootCACert, "TLS server CA certificate");
  }
  if (tls.clientCert !== undefined && tls.clientPrivateKey !== undefined) {
    out.clientCert = await readConfigSource(tls.clientCert, "TLS client certificate");
    out.clientPrivateKey = await readConfigSource(tls.clientPrivateKey, "TLS client key");
  }
  if (tls.serverName) out.serverName = tls.serverName;
  return Object.keys(out).length === 0 ? true : out;
}
