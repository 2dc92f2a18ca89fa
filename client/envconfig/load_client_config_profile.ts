import process from "node:process";
import { applyEnvToProfile } from "./apply_env_to_profile.ts";
import { type ClientConfigProfile, DEFAULT_PROFILE } from "./client_config.ts";
import { ClientConfigError, ClientConfigErrorCode } from "./client_config_error.ts";
import { quoteList } from "./describe.ts";
import { type LoadClientConfigOptions, loadConfigFile } from "./load_client_config.ts";

/** Options of {@link loadClientConfigProfile} and {@link loadClientConnectConfig}. */
export interface LoadClientConfigProfileOptions extends LoadClientConfigOptions {
  /**
   * Profile to load. Default: `TEMPORAL_PROFILE` if set and not empty, else `default`. A profile named
   * here or by `TEMPORAL_PROFILE` must exist in the file; a missing `default` profile is not an error.
   */
  profile?: string;
  /**
   * Do not apply `TEMPORAL_*` variables (nor read `TEMPORAL_PROFILE`). `TEMPORAL_CONFIG_FILE` still
   * locates the file unless `configFile` or `configSource` is given, as in the other Temporal SDKs.
   * Default `false`. Cannot be combined with `disableFile`.
   */
  disableEnv?: boolean;
}

/**
 * Loads one profile: first from the TOML file (unless `disableFile`), then with `TEMPORAL_*`
 * environment variables applied on top, field by field (unless `disableEnv`). Settings given in code
 * override both: set them on the result.
 *
 * @param options Which file and profile, strict mode, what to disable, and the environment to use.
 * @returns The merged profile (empty if nothing is configured).
 * @throws {ClientConfigError} `PROFILE_NOT_FOUND` for a named profile that is not in the file (the
 *   message lists the available ones), `INVALID_TOML`, `INVALID_CONFIG` (also when both `disableFile`
 *   and `disableEnv` are set), `READ_FAILED`.
 *
 * @example Load the `prod` profile (from TOML text here; usually `configFile: "./temporal.toml"`)
 * ```ts
 * import { loadClientConfigProfile } from "sandglass/client";
 *
 * const profile = await loadClientConfigProfile({
 *   profile: "prod",
 *   configSource: { data: '[profile.prod]\naddress = "prod.example:7233"\nnamespace = "orders"\n' },
 * });
 * console.log(profile.address, profile.namespace);
 * ```
 */
export async function loadClientConfigProfile(
  options: LoadClientConfigProfileOptions = {},
): Promise<ClientConfigProfile> {
  if (options.disableFile && options.disableEnv) {
    throw new ClientConfigError(
      ClientConfigErrorCode.InvalidConfig,
      "Cannot disable both file and environment loading: nothing would be loaded; drop disableFile or disableEnv",
    );
  }
  const env = options.env ?? process.env;

  let profile: ClientConfigProfile = {};
  if (!options.disableFile) {
    const loaded = await loadConfigFile({ ...options, env });
    let name = nonEmpty(options.profile);
    let namedBy = "";
    if (name === undefined && !options.disableEnv) {
      name = nonEmpty(env["TEMPORAL_PROFILE"]);
      namedBy = " (from TEMPORAL_PROFILE)";
    }
    const profiles = loaded.config.profiles;
    const wanted = name ?? DEFAULT_PROFILE;
    if (Object.hasOwn(profiles, wanted)) {
      profile = profiles[wanted]!;
    } else if (name !== undefined) {
      const available = Object.keys(profiles);
      const detail = !loaded.found
        ? loaded.origin === "no config file"
          ? "no config file could be located"
          : `${loaded.origin} does not exist`
        : available.length === 0
        ? `${loaded.origin} has no profiles`
        : `available profiles in ${loaded.origin}: ${quoteList(available)}`;
      throw new ClientConfigError(
        ClientConfigErrorCode.ProfileNotFound,
        `Profile '${name}'${namedBy} not found: ${detail}`,
      );
    }
  }

  return options.disableEnv ? profile : applyEnvToProfile(profile, env);
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}
