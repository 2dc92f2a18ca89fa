import type { LoadClientConfigProfileOptions } from "./load_client_config_profile.ts";
import { loadClientConfigProfile } from "./load_client_config_profile.ts";
import { type ClientConnectConfig, toClientConnectConfig } from "./to_client_connect_config.ts";

/**
 * Loads a profile from the TOML file and `TEMPORAL_*` environment variables and returns it as
 * `Client.connect` options (`address`, `namespace`, `apiKey`, `tls`, `rpcMetadata`), with certificate
 * and key files read. Precedence, field by field: code (spread your options after the result) >
 * environment > file.
 *
 * @param options Which file and profile (`configFile`, `configSource`, `profile`), `strict`,
 *   `disableFile`/`disableEnv`, and `env`/`platform`/`homeDir` to use instead of the process's.
 * @returns The options, with only configured fields present.
 * @throws {ClientConfigError} see {@link loadClientConfigProfile} and {@link toClientConnectConfig}.
 *
 * @example Load the `staging` profile and override its address in code
 * ```ts
 * import { loadClientConnectConfig } from "sandglass/client";
 *
 * const config = await loadClientConnectConfig({
 *   profile: "staging",
 *   // usually: configFile: "./config.toml"
 *   configSource: { data: '[profile.staging]\naddress = "localhost:9999"\napi_key = "my-key"\n' },
 * });
 * const options = { ...config, address: "localhost:7233" }; // code wins over file and environment
 * ```
 */
export async function loadClientConnectConfig(
  options: LoadClientConfigProfileOptions = {},
): Promise<ClientConnectConfig> {
  return toClientConnectConfig(await loadClientConfigProfile(options));
}
