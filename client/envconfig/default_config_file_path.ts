import { homedir } from "node:os";
import { posix, win32 } from "node:path";
import process from "node:process";
import type { EnvVars } from "./client_config.ts";

/** Options of {@link defaultConfigFilePath}; each defaults to the running process's value. */
export interface DefaultConfigFilePathOptions {
  /** Operating system, as `process.platform` names it (`"linux"`, `"darwin"`, `"win32"`, ...). */
  platform?: string;
  /** Environment to read `XDG_CONFIG_HOME`, `HOME` and `APPDATA` from. Default `process.env`. */
  env?: EnvVars;
  /** Home directory to use when `HOME` is unset. Default `os.homedir()`. */
  homeDir?: string;
}

/**
 * The path where Temporal SDKs and the Temporal CLI look for the configuration file when neither code
 * nor `TEMPORAL_CONFIG_FILE` names one: `<user config dir>/temporalio/temporal.toml`, where the user
 * config dir is
 * - Linux and other Unix: `$XDG_CONFIG_HOME` if it is an absolute path, else `$HOME/.config`;
 * - macOS: `$HOME/Library/Application Support`;
 * - Windows: `%APPDATA%`.
 *
 * @param options Platform, environment and home directory to use instead of the process's.
 * @returns The path, or `undefined` when the platform's config directory cannot be determined
 *   (Windows without `APPDATA`, no home directory).
 *
 * @example
 * ```ts
 * import { defaultConfigFilePath } from "sandglass/client";
 *
 * defaultConfigFilePath({ platform: "linux", env: { HOME: "/home/ada" } });
 * // "/home/ada/.config/temporalio/temporal.toml"
 * ```
 */
export function defaultConfigFilePath(options: DefaultConfigFilePathOptions = {}): string | undefined {
  const platform = options.platform ?? process.platform;
  const env = options.env ?? process.env;
  const home = () => nonEmpty(env["HOME"]) ?? nonEmpty(options.homeDir ?? safeHomedir());
  if (platform === "win32") {
    const appData = nonEmpty(env["APPDATA"]);
    return appData === undefined ? undefined : win32.join(appData, "temporalio", "temporal.toml");
  }
  let configDir: string | undefined;
  if (platform === "darwin") {
    const h = home();
    configDir = h === undefined ? undefined : posix.join(h, "Library", "Application Support");
  } else {
    const xdg = nonEmpty(env["XDG_CONFIG_HOME"]);
    if (xdg !== undefined && posix.isAbsolute(xdg)) configDir = xdg;
    else {
      const h = home();
      configDir = h === undefined ? undefined : posix.join(h, ".config");
    }
  }
  return configDir === undefined ? undefined : posix.join(configDir, "temporalio", "temporal.toml");
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === "" ? undefined : value;
}

function safeHomedir(): string | undefined {
  try {
    return homedir();
  } catch {
    return undefined;
  }
}
