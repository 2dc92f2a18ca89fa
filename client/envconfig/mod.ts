/**
 * Environment configuration: Temporal client settings from a TOML file of profiles and `TEMPORAL_*`
 * environment variables, as every Temporal SDK and the Temporal CLI read them.
 *
 * @example
 * ```ts
 * import { loadClientConnectConfig } from "sandglass/client";
 *
 * const options = await loadClientConnectConfig(); // profile "default", file + environment
 * ```
 *
 * @module
 */
export { applyEnvToProfile } from "./apply_env_to_profile.ts";
export {
  type ClientConfig,
  type ClientConfigCodec,
  type ClientConfigProfile,
  type ClientConfigTLS,
  type ConfigSource,
  DEFAULT_PROFILE,
  type EnvVars,
} from "./client_config.ts";
export {
  ClientConfigError,
  ClientConfigErrorCode,
  type ClientConfigErrorOptions,
} from "./client_config_error.ts";
export { clientConfigToToml } from "./client_config_to_toml.ts";
export { defaultConfigFilePath, type DefaultConfigFilePathOptions } from "./default_config_file_path.ts";
export { loadClientConfig, type LoadClientConfigOptions } from "./load_client_config.ts";
export {
  loadClientConfigProfile,
  type LoadClientConfigProfileOptions,
} from "./load_client_config_profile.ts";
export { loadClientConnectConfig } from "./load_client_connect_config.ts";
export { parseClientConfig, type ParseClientConfigOptions } from "./parse_client_config.ts";
export { readConfigSource } from "./read_config_source.ts";
export {
  type ClientConnectConfig,
  type ClientConnectTLSConfig,
  toClientConnectConfig,
} from "./to_client_connect_config.ts";
