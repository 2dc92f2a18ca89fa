/**
 * Where a configuration file or a TLS certificate or key comes from: a file path, or the data itself
 * (a string of PEM or TOML text, or raw bytes).
 *
 * @example
 * ```ts
 * import type { ConfigSource } from "sandglass/client";
 *
 * const fromFile: ConfigSource = { path: "/etc/temporal/certs/client.pem" };
 * const inline: ConfigSource = { data: "-----BEGIN CERTIFICATE-----\n..." };
 * ```
 */
export type ConfigSource = { path: string } | { data: string | Uint8Array };

/** The TLS settings of a profile, as the file and the environment state them. */
export interface ClientConfigTLS {
  /**
   * `true` turns TLS off, `false` turns it on; unset lets the other settings decide (a TLS section or an
   * API key turns it on). TOML `disabled`, env `TEMPORAL_TLS` (inverted).
   */
  disabled?: boolean;
  /** Server name for SNI and certificate checks. TOML `server_name`, env `TEMPORAL_TLS_SERVER_NAME`. */
  serverName?: string;
  /** CA certificate to verify the server with. TOML `server_ca_cert_path`/`server_ca_cert_data`. */
  serverRootCACert?: ConfigSource;
  /** Client certificate for mutual TLS. TOML `client_cert_path`/`client_cert_data`. */
  clientCert?: ConfigSource;
  /** Client private key for mutual TLS. TOML `client_key_path`/`client_key_data`. */
  clientPrivateKey?: ConfigSource;
  /**
   * Skip verifying the server's host name. TOML `disable_host_verification`,
   * env `TEMPORAL_TLS_DISABLE_HOST_VERIFICATION`. Kept and written back, but not applied by
   * {@link toClientConnectConfig} (the official SDKs do not apply it either).
   */
  disableHostVerification?: boolean;
}

/** A remote payload codec endpoint, as tools such as the Temporal CLI and UI use it. */
export interface ClientConfigCodec {
  /** URL of the codec server. TOML `endpoint`, env `TEMPORAL_CODEC_ENDPOINT`. */
  endpoint?: string;
  /** Value of the `Authorization` header sent to it. TOML `auth`, env `TEMPORAL_CODEC_AUTH`. */
  auth?: string;
}

/** One named set of connection settings, as loaded from the file and/or the environment. */
export interface ClientConfigProfile {
  /** `host:port` of the Temporal Service. TOML `address`, env `TEMPORAL_ADDRESS`. */
  address?: string;
  /** Namespace. TOML `namespace`, env `TEMPORAL_NAMESPACE`. */
  namespace?: string;
  /** API key; turns TLS on unless TLS is disabled. TOML `api_key`, env `TEMPORAL_API_KEY`. */
  apiKey?: string;
  /** TLS settings; their presence turns TLS on unless `disabled` is true. */
  tls?: ClientConfigTLS;
  /** Remote codec settings. */
  codec?: ClientConfigCodec;
  /**
   * gRPC metadata sent with every call. Keys are lower-cased with `_` replaced by `-` when read from
   * TOML (`grpc_meta`) or the environment (`TEMPORAL_GRPC_META_<NAME>`).
   */
  grpcMeta?: Record<string, string>;
}

/** All profiles of a configuration file, by name. */
export interface ClientConfig {
  /** Profiles by name (`[profile.<name>]` in TOML). */
  profiles: Record<string, ClientConfigProfile>;
}

/** The profile used when none is named in code or by `TEMPORAL_PROFILE`. */
export const DEFAULT_PROFILE = "default";

/** The environment as the loaders read it: `process.env` or a plain record. */
export type EnvVars = Record<string, string | undefined>;

/** Normalises a gRPC metadata key the way every Temporal SDK does: lower case, `_` becomes `-`. */
export function normalizeGrpcMetaKey(key: string): string {
  return key.toLowerCase().replaceAll("_", "-");
}
