import process from "node:process";
import type { ClientConfig, ConfigSource, EnvVars } from "./client_config.ts";
import { ClientConfigError, ClientConfigErrorCode } from "./client_config_error.ts";
import { defaultConfigFilePath } from "./default_config_file_path.ts";
import { parseClientConfig } from "./parse_client_config.ts";
import { readFileIfExists } from "./read_config_source.ts";

/** Options of {@link loadClientConfig}. */
export interface LoadClientConfigOptions {
  /**
   * Path of the TOML file. Default: `TEMPORAL_CONFIG_FILE` if set and not empty, else
   * {@link defaultConfigFilePath}. A file that does not exist gives no profiles, not an error.
   */
  configFile?: string;
  /** The file as a path or as its contents; an alternative to `configFile` (pass one of them). */
  configSource?: ConfigSource;
  /** Load no file at all. Default `false`. */
  disableFile?: boolean;
  /** Reject keys the format does not define. Default `false` (unknown keys are ignored). */
  strict?: boolean;
  /** Environment to read `TEMPORAL_*` variables from. Default `process.env`. */
  env?: EnvVars;
  /** Operating system for the default file location. Default `process.platform`. */
  platform?: string;
  /** Home directory for the default file location when `HOME` is unset. Default `os.homedir()`. */
  homeDir?: string;
}

/** A parsed configuration and where it came from. @internal */
export interface LoadedConfigFile {
  config: ClientConfig;
  /** For messages: `config file '/x.toml'`, `config data`, or `no config file` */
  origin: string;
  /** `false` when the file does not exist (or no file could be located, or file loading is off). */
  found: boolean;
}

/**
 * Loads every profile of the configuration file, without applying environment overrides (the
 * environment is used only to locate the file via `TEMPORAL_CONFIG_FILE`). To get one profile with the
 * environment applied, use {@link loadClientConfigProfile}.
 *
 * @param options Which file, strict mode, and the environment and platform to use.
 * @returns The profiles by name; none if the file does not exist.
 * @throws {ClientConfigError} for malformed TOML, invalid values, or a file that exists but cannot be read.
 *
 * @example List the profiles of the default file
 * ```ts
 * import { loadClientConfig } from "sandglass/client";
 *
 * const { profiles } = await loadClientConfig();
 * console.log(Object.keys(profiles));
 * ```
 */
export async function loadClientConfig(options: LoadClientConfigOptions = {}): Promise<ClientConfig> {
  return (await loadConfigFile(options)).config;
}

/** Locates, reads and parses the file. @internal */
export async function loadConfigFile(options: LoadClientConfigOptions): Promise<LoadedConfigFile> {
  if (options.configFile !== undefined && options.configSource !== undefined) {
    throw new ClientConfigError(
      ClientConfigErrorCode.InvalidConfig,
      `Cannot use both configFile '${options.configFile}' and configSource: pass one of them`,
    );
  }
  const none: LoadedConfigFile = { config: { profiles: {} }, origin: "no config file", found: false };
  if (options.disableFile) return none;
  const strict = options.strict ?? false;

  const source: ConfigSource | undefined = options.configSource ??
    (options.configFile !== undefined ? { path: options.configFile } : undefined);
  if (source !== undefined && "data" in source) {
    return {
      config: parseClientConfig(source.data, { strict, origin: "config data" }),
      origin: "config data",
      found: true,
    };
  }

  let path = source?.path;
  if (path === undefined) {
    const env = options.env ?? process.env;
    const fromEnv = env["TEMPORAL_CONFIG_FILE"];
    path = fromEnv !== undefined && fromEnv !== ""
      ? fromEnv
      : defaultConfigFilePath({ platform: options.platform, env, homeDir: options.homeDir });
  }
  if (path === undefined) return none;

  const origin = `config file '${path}'`;
  const bytes = await readFileIfExists(path, "config file");
  if (bytes === undefined) return { config: { profiles: {} }, origin, found: false };
  return { config: parseClientConfig(bytes, { strict, origin }), origin, found: true };
}
