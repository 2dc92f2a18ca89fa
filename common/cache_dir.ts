import { homedir } from "node:os";
import { join } from "node:path";
import process from "node:process";

/** Environment variables read by {@linkcode sandglassCacheDir}. */
export type CacheDirEnv = Readonly<Record<string, string | undefined>>;

/**
 * The per-user folder where Sandglass keeps the servers it downloads or builds, and its cache of
 * workflow bundles.
 *
 * In order: `$SANDGLASS_CACHE_DIR`; on Linux and other Unixes `$XDG_CACHE_HOME/sandglass` or
 * `~/.cache/sandglass`; on macOS `~/Library/Caches/sandglass`; on Windows
 * `%LOCALAPPDATA%\sandglass\cache`.
 *
 * @param env Environment to read (defaults to `process.env`).
 * @param platform Platform to resolve for (defaults to `process.platform`).
 * @returns An absolute folder path; the folder may not exist yet.
 *
 * @example Where the Temporal CLI is cached
 * ```ts
 * import { join } from "node:path";
 * import { sandglassCacheDir } from "sandglass/testing";
 *
 * console.log(join(sandglassCacheDir(), "temporal-cli", "1.5.1"));
 * ```
 */
export function sandglassCacheDir(
  env: CacheDirEnv = process.env,
  platform: string = process.platform,
): string {
  const explicit = env["SANDGLASS_CACHE_DIR"];
  if (explicit) return explicit;
  const home = env["HOME"] || env["USERPROFILE"] || homedir();
  if (platform === "win32") {
    const localAppData = env["LOCALAPPDATA"] || join(home, "AppData", "Local");
    return join(localAppData, "sandglass", "cache");
  }
  if (platform === "darwin") return join(home, "Library", "Caches", "sandglass");
  const xdg = env["XDG_CACHE_HOME"];
  return join(xdg ? xdg : join(home, ".cache"), "sandglass");
}
