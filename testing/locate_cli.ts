import { mkdir, mkdtemp, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import process from "node:process";
import { sandglassCacheDir } from "../common/cache_dir.ts";
import { DEFAULT_DOWNLOAD_BASE_URL, downloadExecutable } from "./_download.ts";
import { withFileLock } from "./_file_lock.ts";
import { describeError, LocateAttempts, writeProgress } from "./_locate_attempts.ts";
import { runCommand, tail } from "./_run_command.ts";
import { isExecutableFile, which } from "./_which.ts";

/** The Temporal CLI release Sandglass is tested against and locates by default. */
export const TEMPORAL_CLI_VERSION = "1.5.1";

const GO_PACKAGE = "github.com/temporalio/cli/cmd/temporal";
const GO_VERSION_VARIABLE = "github.com/temporalio/cli/temporalcli.Version";

/** Options for {@linkcode locateTemporalCli}. Every field is optional. */
export interface LocateTemporalCliOptions {
  /** Path to a Temporal CLI executable to use as is (any version); no other source is tried. */
  path?: string;
  /**
   * Accept a `temporal` found on `PATH` whatever its version. By default only the pinned
   * {@linkcode TEMPORAL_CLI_VERSION} is accepted there, and another version is passed over.
   */
  allowAnyVersion?: boolean;
  /** Cache root (default {@linkcode sandglassCacheDir}). The CLI lives in `<root>/temporal-cli/<version>/`. */
  cacheDir?: string;
  /** Try downloading from temporal.download like the official SDKs do (default `true`). */
  download?: boolean;
  /** Base URL of the download service (default `https://temporal.download`). */
  downloadBaseUrl?: string;
  /** How long the download service may take to answer, in milliseconds (default 5000). */
  downloadTimeoutMs?: number;
  /** Try building with `go install` when Go is installed (default `true`). */
  build?: boolean;
  /** Environment to read `TEMPORAL_CLI_PATH`, `PATH` and the cache variables from (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Receives progress lines, e.g. that a build started (default: written to stderr). */
  onProgress?: (message: string) => void;
}

/** Where a located executable came from. */
export type LocatedSource = "option" | "env" | "path" | "cache" | "download" | "build";

/** A Temporal CLI that {@linkcode locateTemporalCli} found. */
export interface LocatedTemporalCli {
  /** Absolute or PATH-resolved path of the executable. */
  path: string;
  /** Version the executable reports (or the pinned version for cached, downloaded and built ones). */
  version: string;
  /** Which step of the search found it. */
  source: LocatedSource;
}

/**
 * Finds the Temporal CLI, fetching it if needed. In order: the `path` option; the
 * `TEMPORAL_CLI_PATH` environment variable; `temporal` on `PATH` if it reports version
 * {@linkcode TEMPORAL_CLI_VERSION} (or any version with `allowAnyVersion`); the cache folder;
 * a download from temporal.download (fails within `downloadTimeoutMs` when offline); a build
 * with `go install` into the cache (minutes the first time; one progress line on stderr). A lock
 * file keeps concurrent processes from downloading or building at the same time.
 *
 * @param options How to search; see {@linkcode LocateTemporalCliOptions}.
 * @returns The executable's path, version and source.
 * @throws {Error} When every source fails; the message lists each attempt and what to install.
 *
 * @example Locate the CLI without building it
 * ```ts
 * import { locateTemporalCli } from "sandglass/testing";
 *
 * const cli = await locateTemporalCli({ build: false });
 * console.log(cli.path, cli.version, cli.source);
 * ```
 */
export async function locateTemporalCli(options: LocateTemporalCliOptions = {}): Promise<LocatedTemporalCli> {
  const env = options.env ?? process.env;
  const attempts = new LocateAttempts(`the Temporal CLI ${TEMPORAL_CLI_VERSION}`);

  if (options.path !== undefined) {
    return {
      path: options.path,
      version: await explicitVersion(options.path, "the path option"),
      source: "option",
    };
  }
  const fromEnv = env["TEMPORAL_CLI_PATH"];
  if (fromEnv) {
    return { path: fromEnv, version: await explicitVersion(fromEnv, "TEMPORAL_CLI_PATH"), source: "env" };
  }
  attempts.add("TEMPORAL_CLI_PATH", "not set");

  const onPath = await which("temporal", env);
  if (onPath === undefined) {
    attempts.add("PATH", "no 'temporal' executable found");
  } else {
    try {
      const version = await cliVersion(onPath);
      if (version === TEMPORAL_CLI_VERSION || options.allowAnyVersion) {
        return { path: onPath, version, source: "path" };
      }
      attempts.add(
        "PATH",
        `'${onPath}' is version ${version}, not ${TEMPORAL_CLI_VERSION}; pass allowAnyVersion: true to use it anyway`,
      );
    } catch (error) {
      attempts.add("PATH", describeError(error));
    }
  }

  const folder = join(options.cacheDir ?? sandglassCacheDir(env), "temporal-cli", TEMPORAL_CLI_VERSION);
  const cached = join(folder, process.platform === "win32" ? "temporal.exe" : "temporal");
  const inCache = (): Promise<boolean> => isExecutableFile(cached);
  if (await inCache()) return { path: cached, version: TEMPORAL_CLI_VERSION, source: "cache" };
  attempts.add("cache", `'${cached}' does not exist`);

  const download = options.download ?? true;
  const build = options.build ?? true;
  const progress = options.onProgress ?? writeProgress;
  if (download || build) {
    const found = await withFileLock(`${folder}.lock`, async () => {
      if (await inCache()) return "cache" as const;
      if (download) {
        try {
          await downloadExecutable({
            artifact: "cli",
            version: `v${TEMPORAL_CLI_VERSION}`,
            destination: cached,
            baseUrl: options.downloadBaseUrl ?? DEFAULT_DOWNLOAD_BASE_URL,
            timeoutMs: options.downloadTimeoutMs ?? 5_000,
            format: "tar.gz",
          });
          return "download" as const;
        } catch (error) {
          attempts.add("download", describeError(error));
        }
      } else {
        attempts.add("download", "disabled by the download option");
      }
      if (build) {
        try {
          await goInstall(folder, cached, env, progress);
          return "build" as const;
        } catch (error) {
          attempts.add("build", describeError(error));
        }
      } else {
        attempts.add("build", "disabled by the build option");
      }
      return undefined;
    }, {
      timeoutMs: 30 * 60_000,
      staleMs: 60 * 60_000,
      onWait: (holder) =>
        progress(`Sandglass: waiting for ${holder} to fetch the Temporal CLI into '${folder}'`),
    });
    if (found) return { path: cached, version: TEMPORAL_CLI_VERSION, source: found };
  }

  throw attempts.error(
    `install Go >= 1.25 (https://go.dev/dl/) so Sandglass can build the Temporal CLI, ` +
      `or install the Temporal CLI ${TEMPORAL_CLI_VERSION} ` +
      `(https://github.com/temporalio/cli/releases/tag/v${TEMPORAL_CLI_VERSION}) and set TEMPORAL_CLI_PATH to it`,
  );
}

/** The version an explicitly chosen executable reports; any version is accepted. */
async function explicitVersion(path: string, origin: string): Promise<string> {
  if (!(await isExecutableFile(path))) {
    throw new Error(`Temporal CLI '${path}' from ${origin} is not an executable file`);
  }
  try {
    return await cliVersion(path);
  } catch (error) {
    throw new Error(`Temporal CLI '${path}' from ${origin} is unusable: ${describeError(error)}`, {
      cause: error,
    });
  }
}

/** Runs `temporal --version` and returns e.g. `1.5.1` from `temporal version 1.5.1 (Server ...)`. */
async function cliVersion(path: string): Promise<string> {
  const result = await runCommand(path, ["--version"], { timeoutMs: 30_000 });
  const match = /^temporal version (\S+)/m.exec(result.stdout);
  if (result.code !== 0 || !match?.[1]) {
    throw new Error(
      `'${path} --version' did not print a Temporal CLI version (exit code ${result.code}): ` +
        `'${tail(result.stdout + result.stderr, 3)}'`,
    );
  }
  return match[1];
}

/** Builds the pinned CLI with `go install`, stamping the version like the release build does. */
async function goInstall(
  folder: string,
  destination: string,
  env: Record<string, string | undefined>,
  progress: (message: string) => void,
): Promise<void> {
  try {
    await runCommand("go", ["version"], { env, timeoutMs: 60_000 });
  } catch (error) {
    throw new Error(`Go is not installed ('go' cannot be run: ${describeError(error)})`, { cause: error });
  }
  await mkdir(folder, { recursive: true });
  const scratch = await mkdtemp(join(folder, ".build-"));
  try {
    progress(
      `Sandglass: building the Temporal CLI ${TEMPORAL_CLI_VERSION} with 'go install' into '${folder}' ` +
        `(the first build takes several minutes)`,
    );
    const result = await runCommand(
      "go",
      [
        "install",
        `-ldflags=-s -w -X ${GO_VERSION_VARIABLE}=${TEMPORAL_CLI_VERSION}`,
        `${GO_PACKAGE}@v${TEMPORAL_CLI_VERSION}`,
      ],
      { env: { ...env, GOBIN: scratch }, timeoutMs: 60 * 60_000 },
    );
    if (result.code !== 0) {
      throw new Error(`'go install ${GO_PACKAGE}@v${TEMPORAL_CLI_VERSION}' failed:\n${tail(result.stderr)}`);
    }
    const built = join(scratch, process.platform === "win32" ? "temporal.exe" : "temporal");
    await rename(built, destination);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
