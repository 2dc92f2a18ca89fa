import { mkdir, mkdtemp, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import process from "node:process";
import { sandglassCacheDir } from "../common/cache_dir.ts";
import { DEFAULT_DOWNLOAD_BASE_URL, downloadExecutable } from "./_download.ts";
import { withFileLock } from "./_file_lock.ts";
import { describeError, LocateAttempts, writeProgress } from "./_locate_attempts.ts";
import type { LocatedSource } from "./locate_cli.ts";
import { runCommand, tail } from "./_run_command.ts";
import { isExecutableFile, which } from "./_which.ts";

/** The `io.temporal:temporal-test-server` release Sandglass locates by default. */
export const TEST_SERVER_VERSION = "1.38.0";

/** Main class of the Java test server. */
export const TEST_SERVER_MAIN_CLASS = "io.temporal.testserver.TestServer";

const COMPLETE_MARKER = ".complete";

/** Options for {@linkcode locateTestServer}. Every field is optional. */
export interface LocateTestServerOptions {
  /**
   * A native test server executable, or a folder of jars (the test server and its dependencies)
   * to run with Java; no other source is tried.
   */
  path?: string;
  /** Cache root (default {@linkcode sandglassCacheDir}); the server lives in `<root>/temporal-test-server/<version>/`. */
  cacheDir?: string;
  /** Try downloading the native build from temporal.download like the official SDKs do (default `true`). */
  download?: boolean;
  /** Base URL of the download service (default `https://temporal.download`). */
  downloadBaseUrl?: string;
  /** How long the download service may take to answer, in milliseconds (default 5000). */
  downloadTimeoutMs?: number;
  /** Try fetching the jars from Maven Central with `mvn` when Maven and Java are installed (default `true`). */
  build?: boolean;
  /** Environment to read `TEMPORAL_TEST_SERVER_PATH`, `JAVA_HOME`, `PATH` and the cache variables from (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Receives progress lines, e.g. that a Maven fetch started (default: written to stderr). */
  onProgress?: (message: string) => void;
}

/** A time-skipping test server that {@linkcode locateTestServer} found: a native executable or a Java classpath. */
export type LocatedTestServer =
  | {
    kind: "native";
    /** Path of the executable. */
    path: string;
    version: string;
    source: LocatedSource;
  }
  | {
    kind: "java";
    /** Path of the `java` launcher. */
    java: string;
    /** Class path to pass to `java -cp` (a folder wildcard such as `<lib>/*`). */
    classpath: string;
    version: string;
    source: LocatedSource;
  };

/**
 * Finds the Temporal time-skipping test server, fetching it if needed. In order: the `path`
 * option; the `TEMPORAL_TEST_SERVER_PATH` environment variable; the cache folder (a native
 * executable or a folder of jars); a download of the native build from temporal.download (fails
 * within `downloadTimeoutMs` when offline); the jars of `io.temporal:temporal-test-server`
 * {@linkcode TEST_SERVER_VERSION} fetched with Maven into the cache and run with Java. A lock file
 * keeps concurrent processes from fetching at the same time.
 *
 * @param options How to search; see {@linkcode LocateTestServerOptions}.
 * @returns A native executable or a `{ java, classpath }` pair.
 * @throws {Error} When every source fails; the message lists each attempt and what to install.
 *
 * @example Locate the test server
 * ```ts
 * import { locateTestServer } from "sandglass/testing";
 *
 * const server = await locateTestServer();
 * console.log(server.kind === "native" ? server.path : server.classpath);
 * ```
 */
export async function locateTestServer(options: LocateTestServerOptions = {}): Promise<LocatedTestServer> {
  const env = options.env ?? process.env;
  const attempts = new LocateAttempts(`the Temporal test server ${TEST_SERVER_VERSION}`);

  if (options.path !== undefined) return await explicit(options.path, "the path option", "option", env);
  const fromEnv = env["TEMPORAL_TEST_SERVER_PATH"];
  if (fromEnv) return await explicit(fromEnv, "TEMPORAL_TEST_SERVER_PATH", "env", env);
  attempts.add("TEMPORAL_TEST_SERVER_PATH", "not set");

  const folder = join(
    options.cacheDir ?? sandglassCacheDir(env),
    "temporal-test-server",
    TEST_SERVER_VERSION,
  );
  const native = join(
    folder,
    process.platform === "win32" ? "temporal-test-server.exe" : "temporal-test-server",
  );
  const lib = join(folder, "lib");
  const fromCache = async (source: LocatedSource): Promise<LocatedTestServer | undefined> => {
    if (await isExecutableFile(native)) {
      return { kind: "native", path: native, version: TEST_SERVER_VERSION, source };
    }
    if (await exists(join(lib, COMPLETE_MARKER))) {
      const java = await findJava(env);
      if (java) {
        return { kind: "java", java, classpath: join(lib, "*"), version: TEST_SERVER_VERSION, source };
      }
      attempts.add("cache", `jars in '${lib}' need Java, but no 'java' was found in JAVA_HOME or on PATH`);
    }
    return undefined;
  };
  const cached = await fromCache("cache");
  if (cached) return cached;
  attempts.add("cache", `neither '${native}' nor the jars in '${lib}' exist`);

  const download = options.download ?? true;
  const build = options.build ?? true;
  const progress = options.onProgress ?? writeProgress;
  if (download || build) {
    const found = await withFileLock(`${folder}.lock`, async () => {
      const cachedMeanwhile = await fromCache("cache");
      if (cachedMeanwhile) return cachedMeanwhile;
      if (download) {
        try {
          await downloadExecutable({
            artifact: "temporal-test-server",
            version: `v${TEST_SERVER_VERSION}`,
            destination: native,
            baseUrl: options.downloadBaseUrl ?? DEFAULT_DOWNLOAD_BASE_URL,
            timeoutMs: options.downloadTimeoutMs ?? 5_000,
          });
          return await fromCache("download");
        } catch (error) {
          attempts.add("download", describeError(error));
        }
      } else {
        attempts.add("download", "disabled by the download option");
      }
      if (build) {
        try {
          await mavenFetch(folder, lib, env, progress);
          return await fromCache("build");
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
        progress(`Sandglass: waiting for ${holder} to fetch the test server into '${folder}'`),
    });
    if (found) return found;
  }

  throw attempts.error(
    `install a Java runtime (8 or later) and Maven so Sandglass can fetch io.temporal:temporal-test-server ` +
      `${TEST_SERVER_VERSION} from Maven Central, or download the native test server ` +
      `(https://github.com/temporalio/sdk-java/releases/tag/v${TEST_SERVER_VERSION}) ` +
      `and set TEMPORAL_TEST_SERVER_PATH to it`,
  );
}

async function explicit(
  path: string,
  origin: string,
  source: LocatedSource,
  env: Record<string, string | undefined>,
): Promise<LocatedTestServer> {
  if (await isExecutableFile(path)) return { kind: "native", path, version: TEST_SERVER_VERSION, source };
  const info = await stat(path).catch(() => undefined);
  if (info?.isDirectory()) {
    const java = await findJava(env);
    if (!java) {
      throw new Error(`Test server jars '${path}' from ${origin} need Java, but no 'java' was found`);
    }
    return { kind: "java", java, classpath: join(path, "*"), version: TEST_SERVER_VERSION, source };
  }
  throw new Error(`Test server '${path}' from ${origin} is neither an executable file nor a folder of jars`);
}

async function findJava(env: Record<string, string | undefined>): Promise<string | undefined> {
  const home = env["JAVA_HOME"];
  if (home) {
    const candidate = join(home, "bin", process.platform === "win32" ? "java.exe" : "java");
    if (await isExecutableFile(candidate)) return candidate;
  }
  return await which("java", env);
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined)) !== undefined;
}

function pom(): string {
  return `<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>dev.sandglass</groupId>
  <artifactId>temporal-test-server-classpath</artifactId>
  <version>${TEST_SERVER_VERSION}</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>io.temporal</groupId>
      <artifactId>temporal-test-server</artifactId>
      <version>${TEST_SERVER_VERSION}</version>
    </dependency>
  </dependencies>
</project>
`;
}

/** Copies the test server and its dependencies from Maven into `<folder>/lib`. */
async function mavenFetch(
  folder: string,
  lib: string,
  env: Record<string, string | undefined>,
  progress: (message: string) => void,
): Promise<void> {
  if (!(await findJava(env))) throw new Error("Java is not installed (no 'java' in JAVA_HOME or on PATH)");
  const mvn = await which("mvn", env);
  if (!mvn) throw new Error("Maven is not installed (no 'mvn' on PATH)");
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, "pom.xml"), pom());
  const scratch = await mkdtemp(join(folder, ".lib-"));
  try {
    progress(
      `Sandglass: fetching io.temporal:temporal-test-server ${TEST_SERVER_VERSION} with Maven into '${lib}'`,
    );
    const result = await runCommand(
      mvn,
      ["-q", "-B", "dependency:copy-dependencies", `-DoutputDirectory=${scratch}`],
      { cwd: folder, env, timeoutMs: 30 * 60_000 },
    );
    if (result.code !== 0) {
      throw new Error(`'mvn dependency:copy-dependencies' failed:\n${tail(result.stdout + result.stderr)}`);
    }
    await writeFile(join(scratch, COMPLETE_MARKER), `${new Date().toISOString()}\n`);
    await rm(lib, { recursive: true, force: true });
    await rename(scratch, lib);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}
