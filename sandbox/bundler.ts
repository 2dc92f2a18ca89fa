/**
 * The workflow bundler: turns a workflows module (path or `file:` URL) into the three scripts the
 * isolate evaluates — the prelude (deterministic globals, hardening, run driver), the SDK's
 * workflow runtime (evaluated once per context and frozen) and a factory that instantiates the
 * user's modules afresh for each run. Host-only
 * imports are refused with the importing file and line. Bundles are cached by the content hash
 * of every input file.
 * @module
 */

import { BUNDLE_SUPPORTED } from "./protocol.ts";
import type * as esbuild from "esbuild";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { builtinModules, createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

/** One bundle: the scripts the isolate evaluates, with the source map of the workflow code. */
export interface WorkflowBundle {
  /** SHA-256 (hex) of the prelude and the workflow code. */
  readonly hash: string;
  /** Script evaluated first in each context; its completion value is the prelude's entry object. */
  readonly prelude: string;
  /**
   * Script evaluated once per context after the prelude: the SDK's workflow runtime and the
   * `sandglass/workflow` API, shared by every run of the context and frozen by the prelude. Its
   * completion value is the {@linkcode SharedRuntime}-shaped namespace handed to `code`'s factory.
   */
  readonly runtime: string;
  /** File name the runtime script is evaluated under (appears in stack traces). */
  readonly runtimeFilename: string;
  /** Source map (v3 JSON) of `runtime`, with absolute source paths. */
  readonly runtimeSourceMap: string;
  /**
   * Script whose completion value is the factory that instantiates the user's modules for one run;
   * it takes the shared runtime namespace, which `sandglass/workflow` imports resolve to.
   */
  readonly code: string;
  /** File name the workflow code is evaluated under (appears in stack traces). */
  readonly filename: string;
  /** Source map (v3 JSON) of `code`, with absolute source paths. */
  readonly sourceMap: string;
  /** Absolute paths of the files that went into the bundle. */
  readonly inputs: readonly string[];
}

/** Options of {@linkcode bundleWorkflows}. */
export interface BundleOptions {
  /**
   * The in-isolate runtime module exporting `createRuntime`.
   * Default: Sandglass's runtime (`sandbox/workflow/internal/runtime.ts`). Internal; for tests.
   */
  runtimeModule: string | URL;
  /** Reuse an earlier bundle when no input file changed (compared by content hash). Default: true. */
  cache: boolean;
  /**
   * Workflow interceptor modules (paths or `file:` URLs), each exporting an `interceptors()`
   * factory the runtime calls per run, in this order. Default: none.
   */
  interceptorModules: readonly (string | URL)[];
}

/** Bundling failed: the message lists each problem with its file, line and column. */
export class WorkflowBundleError extends Error {
  override readonly name = "WorkflowBundleError";
  /** The individual problems, each `file:line:column: text`. */
  readonly problems: readonly string[];
  /** @param problems One line per problem. */
  constructor(problems: readonly string[], options?: ErrorOptions) {
    super(`Cannot bundle the workflow code:\n${problems.map((p) => `  ${p}`).join("\n")}`, options);
    this.problems = problems;
  }
}

const SANDBOX_DIR = path.dirname(fileURLToPath(import.meta.url));
const ROOT_DIR = path.dirname(SANDBOX_DIR);
/** `.ts` when running from source (Deno, Bun, Node 24, JSR); `.js` in the npm package's compiled dist/. */
const EXT = import.meta.url.endsWith(".js") ? ".js" : ".ts";
/** Package subpaths workflow code may import, and the files they resolve to. */
const SANDBOX_SUBPATHS: Record<string, string> = {
  workflow: path.join(SANDBOX_DIR, "workflow", `mod${EXT}`),
  common: path.join(ROOT_DIR, "common", `mod${EXT}`),
};
const DEFAULT_RUNTIME = path.join(SANDBOX_DIR, "workflow", "internal", `runtime${EXT}`);
/** This module and the esbuild options it shares with the runtime: a change to either changes every bundle. */
const BUNDLER_FILES = [fileURLToPath(import.meta.url), path.join(SANDBOX_DIR, `protocol${EXT}`)];
const HOST_ONLY_DIRS = ["client", "worker", "testing"].map((d) => path.join(ROOT_DIR, d) + path.sep);
const HOST_ONLY_FILES = [
  "mod",
  "common/mod",
  "common/protobuf_payload_converter",
  "common/payload_bytes",
  "common/gzip_codec",
  "common/aes_gcm_codec",
].map((f) => path.join(ROOT_DIR, f + EXT));
const GLOBAL_NAME = "__sandglassWorkflows";
const RUNTIME_GLOBAL_NAME = "__sandglassRuntime";
/** The factory's parameter: the shared runtime namespace (see `WorkflowBundle.runtime`). */
const SHARED_PARAMETER = "__sandglassShared";
const SHARED_NAMESPACE = "sandglass-shared";
const ENTRY_NAME = "sandglass-workflow-entry.js";
const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, m.split("/")[0]!]));
const SANDGLASS_SPECIFIER = /^(?:sandglass|@sandglass\/sdk)(?:\/(.*))?$/;

function toPath(source: string | URL): string {
  if (source instanceof URL || /^[a-z][a-z0-9+.-]*:\/\//i.test(source)) {
    const url = new URL(source);
    if (url.protocol !== "file:") {
      throw new WorkflowBundleError([
        `Unsupported workflows module URL '${url.href}': expected a file: URL or a path`,
      ]);
    }
    return fileURLToPath(url);
  }
  return path.resolve(source);
}

function displayPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}

function hostOnlyMessage(specifier: string): string | undefined {
  const sandglass = SANDGLASS_SPECIFIER.exec(specifier);
  if (sandglass !== null) {
    if (sandglass[1] !== undefined && sandglass[1] in SANDBOX_SUBPATHS) return undefined;
    return `'${specifier}' is host-only and cannot be imported by workflow code: import the workflow API from 'sandglass/workflow', and use clients or I/O from activities`;
  }
  const bare = specifier.startsWith("node:") ? specifier.slice(5) : specifier;
  if (specifier.startsWith("node:") || NODE_BUILTINS.has(bare) || NODE_BUILTINS.has(bare.split("/")[0]!)) {
    return `The Node built-in '${specifier}' cannot be imported by workflow code: workflows have no file system, network or process access; do that work in an activity`;
  }
  return undefined;
}

/**
 * The esbuild plugin that maps `sandglass/workflow` and refuses host-only bare imports (esbuild
 * attaches the importing file and line to each refusal). Only bare specifiers reach it, so relative
 * imports cost no round trip; those are checked after the build by {@linkcode hostOnlyInputs}.
 */
function sandboxImports(): esbuild.Plugin {
  return {
    name: "sandglass-sandbox-imports",
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        const refusal = hostOnlyMessage(args.path);
        if (refusal !== undefined) return { errors: [{ text: refusal }] };
        const sandglass = SANDGLASS_SPECIFIER.exec(args.path);
        if (sandglass !== null) return { path: SANDBOX_SUBPATHS[sandglass[1]!]! };
        return undefined;
      });
    },
  };
}

/**
 * Resolves the workflow API (`sandglass/workflow`, or a relative import of its `mod.ts`) in user
 * code to the runtime instance shared by the context, instead of bundling a copy per run. Other
 * SDK files imported directly get their own per-run copy, which never touches the shared state.
 */
function sharedRuntimeImports(): esbuild.Plugin {
  return {
    name: "sandglass-shared-runtime",
    setup(build) {
      // `mod.js` too: SDK modules bundled from the npm package's dist/ (e.g. the tracing module) import it so.
      build.onResolve({ filter: /(?:^|\/)mod\.[jt]s$|^(?:sandglass|@sandglass\/sdk)\/workflow$/ }, (args) => {
        const target = SANDGLASS_SPECIFIER.test(args.path)
          ? SANDBOX_SUBPATHS.workflow
          : path.resolve(args.resolveDir, args.path);
        if (target !== SANDBOX_SUBPATHS.workflow) return undefined;
        return { path: "workflow", namespace: SHARED_NAMESPACE };
      });
      build.onLoad({ filter: /^workflow$/, namespace: SHARED_NAMESPACE }, () => ({
        contents: `module.exports = ${SHARED_PARAMETER}.workflow;`,
        loader: "js",
      }));
    },
  };
}

function isHostOnly(file: string): boolean {
  return HOST_ONLY_DIRS.some((dir) => file.startsWith(dir)) || HOST_ONLY_FILES.includes(file);
}

/** Problems for relative imports that reached host-only Sandglass files, with importer and line. */
async function hostOnlyInputs(metafile: esbuild.Metafile, workingDir: string): Promise<string[]> {
  const problems: string[] = [];
  for (const [input, info] of Object.entries(metafile.inputs)) {
    for (const imported of info.imports) {
      const target = path.resolve(workingDir, imported.path);
      if (!isHostOnly(target)) continue;
      const importer = path.resolve(workingDir, input);
      let line = 1;
      try {
        const text = await readFile(importer, "utf8");
        const index = text.indexOf(imported.original ?? imported.path);
        if (index >= 0) line = text.slice(0, index).split("\n").length;
      } catch {
        // Keep line 1 when the importer cannot be read back.
      }
      problems.push(
        `${displayPath(importer)}:${line}: '${
          imported.original ?? imported.path
        }' resolves to host-only Sandglass code (${
          displayPath(target)
        }) and cannot be imported by workflow code`,
      );
    }
  }
  return problems;
}

const BASE_OPTIONS: esbuild.BuildOptions = {
  bundle: true,
  write: false,
  format: "iife",
  platform: "neutral",
  mainFields: ["module", "main"],
  target: "es2023",
  charset: "utf8",
  legalComments: "none",
  logLevel: "silent",
  sourcemap: "external",
  sourcesContent: false,
  // Async functions are lowered to generators so every await goes through Promise.prototype.then, where the
  // workflow runtime carries the current cancellation scope across awaits (QuickJS has no async context).
  supported: BUNDLE_SUPPORTED,
};

/**
 * For the SDK's own scripts (prelude and runtime), which every new isolate parses and runs: the first
 * isolate of a process evaluates them in about 110 ms minified against 165 ms as written.
 * Names are kept (error names and stack frames read them); source maps still point at the sources. The
 * user's workflow code is left as written.
 */
const SDK_SCRIPT_MINIFY: esbuild.BuildOptions = { minifyWhitespace: true, minifySyntax: true };

function problemsOf(error: unknown, workingDir: string): string[] | undefined {
  const failure = error as { errors?: esbuild.Message[] };
  if (!Array.isArray(failure.errors)) return undefined;
  return failure.errors.map((m) => {
    const loc = m.location;
    const where = loc === null
      ? ""
      : `${displayPath(path.resolve(workingDir, loc.file))}:${loc.line}:${loc.column + 1}: `;
    return `${where}${m.text}`;
  });
}

/**
 * esbuild's API, loaded on first use: a worker whose bundle comes from the disk cache never needs it
 * (its JavaScript is ~10 ms of a Node start).
 */
let esbuildApi: Promise<typeof esbuild> | undefined;
function loadEsbuild(): Promise<typeof esbuild> {
  esbuildApi ??= import("esbuild");
  return esbuildApi;
}

let installedEsbuildVersion: string | undefined;

/** The installed esbuild's version, read without loading it (bundle caches are keyed by it). */
export function esbuildVersion(): string {
  installedEsbuildVersion ??=
    (createRequire(import.meta.url)("esbuild/package.json") as { version: string }).version;
  return installedEsbuildVersion;
}

async function build(
  options: esbuild.BuildOptions,
): Promise<esbuild.BuildResult & { outputFiles: esbuild.OutputFile[]; metafile: esbuild.Metafile }> {
  const esbuild = await loadEsbuild();
  try {
    return (await esbuild.build({ ...BASE_OPTIONS, ...options, metafile: true })) as esbuild.BuildResult & {
      outputFiles: esbuild.OutputFile[];
      metafile: esbuild.Metafile;
    };
  } catch (error) {
    const problems = problemsOf(error, options.absWorkingDir ?? process.cwd());
    if (problems === undefined) throw error;
    throw new WorkflowBundleError(problems, { cause: error });
  }
}

function stripSourceMapComment(code: string): string {
  return code.replace(/\n\/\/# sourceMappingURL=[^\n]*\n?$/, "\n");
}

interface PreludeScript {
  readonly script: string;
  readonly digests: ReadonlyMap<string, string>;
}

let preludePromise: Promise<PreludeScript> | undefined;

/** Builds the isolate prelude once per process. */
function preludeScript(): Promise<PreludeScript> {
  preludePromise ??= (async () => {
    const result = await build({
      entryPoints: [path.join(SANDBOX_DIR, `prelude${EXT}`)],
      outfile: "sandglass-prelude.js",
      globalName: "__sandglassPrelude",
      sourcemap: false,
      absWorkingDir: SANDBOX_DIR,
      // Not lowered: the prelude must see the real async intrinsics to replace and freeze them,
      // and it has no await for the scope wrapper to follow.
      supported: {},
      ...SDK_SCRIPT_MINIFY,
    });
    const js = result.outputFiles.find((f) => f.path.endsWith(".js"))!.text;
    return {
      script: `(function () {\n${js}\nreturn __sandglassPrelude.default;\n})()`,
      // The bundler's own files too: they decide how everything is built.
      digests: await digestsOf([...inputsOf(result.metafile, SANDBOX_DIR), ...BUNDLER_FILES]),
    };
  })();
  preludePromise.catch(() => (preludePromise = undefined));
  return preludePromise;
}

interface RuntimeScript {
  readonly script: string;
  readonly filename: string;
  readonly sourceMap: string;
  readonly digests: ReadonlyMap<string, string>;
}

const runtimeScripts = new Map<string, Promise<RuntimeScript>>();

/** Builds the shared runtime script for a runtime module (once per process while its files are unchanged). */
async function runtimeScript(runtime: string, useCache: boolean): Promise<RuntimeScript> {
  const cached = runtimeScripts.get(runtime);
  if (useCache && cached !== undefined) {
    const built = await cached.catch(() => undefined);
    if (built !== undefined && (await unchanged(built.digests))) return built;
  }
  const building = (async (): Promise<RuntimeScript> => {
    const result = await build({
      stdin: {
        contents: [
          `import * as runtime from ${JSON.stringify(runtime)};`,
          `import * as workflow from ${JSON.stringify(SANDBOX_SUBPATHS.workflow)};`,
          // Plain objects (module namespaces hide their values behind getters), frozen by the prelude.
          `export default { createRuntime: runtime.createRuntime, exitRun: runtime.exitRun, describeWorkflows: runtime.describeWorkflows, workflow: { ...workflow } };`,
        ].join("\n"),
        resolveDir: SANDBOX_DIR,
        sourcefile: "sandglass-runtime-entry.js",
        loader: "js",
      },
      outfile: path.join(SANDBOX_DIR, "sandglass-runtime.js"),
      absWorkingDir: SANDBOX_DIR,
      globalName: RUNTIME_GLOBAL_NAME,
      ...SDK_SCRIPT_MINIFY,
    });
    const js = result.outputFiles.find((f) => f.path.endsWith(".js"))!.text;
    const script = `(function () { "use strict";\n${
      stripSourceMapComment(js)
    }return ${RUNTIME_GLOBAL_NAME}.default;\n})()`;
    return {
      script,
      filename: `sandglass-runtime-${sha256(script).slice(0, 12)}.js`,
      sourceMap: sourceMapOf(result, SANDBOX_DIR),
      digests: await digestsOf(inputsOf(result.metafile, SANDBOX_DIR)),
    };
  })();
  runtimeScripts.set(runtime, building);
  building.catch(() => runtimeScripts.delete(runtime));
  return building;
}

function sourceMapOf(result: { outputFiles: esbuild.OutputFile[] }, workingDir: string): string {
  const mapText = result.outputFiles.find((f) => f.path.endsWith(".map"))!.text;
  const map = JSON.parse(mapText) as { sources: string[]; sourceRoot?: string };
  map.sources = map.sources.map((s) => path.resolve(workingDir, s));
  delete map.sourceRoot;
  return JSON.stringify(map);
}

function inputsOf(metafile: esbuild.Metafile, workingDir: string): string[] {
  return Object.keys(metafile.inputs)
    .filter((f) => !f.startsWith("<") && !f.startsWith(`${SHARED_NAMESPACE}:`) && !f.endsWith("-entry.js"))
    .map((f) => path.resolve(workingDir, f));
}

async function digestsOf(files: readonly string[]): Promise<Map<string, string>> {
  const digests = new Map<string, string>();
  await Promise.all(files.map(async (file) => digests.set(file, sha256(await readFile(file)))));
  return digests;
}

/** SHA-256 of `data`, in hex. Internal. */
export function sha256(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

interface CacheEntry {
  readonly digests: ReadonlyMap<string, string>;
  readonly bundle: WorkflowBundle;
}
const cache = new Map<string, CacheEntry>();

async function unchanged(digests: ReadonlyMap<string, string>): Promise<boolean> {
  for (const [file, digest] of digests) {
    let content: Uint8Array;
    try {
      content = await readFile(file);
    } catch {
      return false;
    }
    if (sha256(content) !== digest) return false;
  }
  return true;
}

/** Whether the files still have these digests, read synchronously. Internal. */
export function unchangedSync(digests: ReadonlyMap<string, string>): boolean {
  for (const [file, digest] of digests) {
    try {
      if (sha256(readFileSync(file)) !== digest) return false;
    } catch {
      return false;
    }
  }
  return true;
}

/** The cache key of a bundle: its entry, runtime and interceptor files. Internal. */
export function bundleCacheKey(workflows: string | URL, options: Partial<BundleOptions> = {}): string {
  const entry = toPath(workflows);
  const runtime = toPath(options.runtimeModule ?? DEFAULT_RUNTIME);
  return [entry, runtime, ...(options.interceptorModules ?? []).map(toPath)].join("\0");
}

/** The cached bundle of `key` if none of its input files changed (read synchronously). Internal. */
export function cachedBundleSync(key: string): WorkflowBundle | undefined {
  const cached = cache.get(key);
  return cached !== undefined && unchangedSync(cached.digests) ? cached.bundle : undefined;
}

/** Caches a bundle built elsewhere (e.g. in a helper thread) with its input digests. Internal. */
export function rememberBundle(
  key: string,
  bundle: WorkflowBundle,
  digests: ReadonlyMap<string, string>,
): void {
  cache.set(key, { digests, bundle });
}

/**
 * Bundles a workflows module for the sandbox.
 *
 * @param workflows Path or `file:` URL of the module whose exports are the workflow functions.
 * @param options See {@linkcode BundleOptions}.
 * @returns The bundle (cached by the content of its input files).
 * @throws {WorkflowBundleError} When an import cannot be resolved or is host-only.
 * @example Bundle a workflows module
 * ```ts
 * const bundle = await bundleWorkflows(new URL("./workflows.ts", import.meta.url));
 * console.log(bundle.hash);
 * ```
 */
export async function bundleWorkflows(
  workflows: string | URL,
  options: Partial<BundleOptions> = {},
): Promise<WorkflowBundle> {
  return (await bundleWithDigests(workflows, options)).bundle;
}

/**
 * {@linkcode bundleWorkflows}, also returning the SHA-256 of every input file (what the cache
 * compares). Internal: for bundling in a helper thread.
 */
export async function bundleWithDigests(
  workflows: string | URL,
  options: Partial<BundleOptions> = {},
): Promise<{ bundle: WorkflowBundle; digests: ReadonlyMap<string, string> }> {
  const entry = toPath(workflows);
  const runtime = toPath(options.runtimeModule ?? DEFAULT_RUNTIME);
  const interceptorPaths = (options.interceptorModules ?? []).map(toPath);
  const key = bundleCacheKey(workflows, options);
  const cached = cache.get(key);
  if (options.cache !== false && cached !== undefined && (await unchanged(cached.digests))) {
    return cached;
  }

  const absWorkingDir = path.dirname(entry);
  const useCache = options.cache !== false;
  // The three builds are independent: esbuild runs them in parallel. All are awaited even when one
  // fails, so none is left in flight (e.g. across `stopBundler()`).
  const [prelude, shared, result] = await allSettled([
    preludeScript(),
    runtimeScript(runtime, useCache),
    build({
      stdin: {
        contents: [
          `import * as workflows from ${JSON.stringify(entry)};`,
          ...interceptorPaths.map((file, i) => `import * as interceptor${i} from ${JSON.stringify(file)};`),
          `export { workflows };`,
          `export const interceptors = [${interceptorPaths.map((_, i) => `interceptor${i}`).join(", ")}];`,
        ].join("\n"),
        resolveDir: absWorkingDir,
        sourcefile: ENTRY_NAME,
        loader: "js",
      },
      outfile: path.join(absWorkingDir, "workflow-bundle.js"),
      absWorkingDir,
      globalName: GLOBAL_NAME,
      plugins: [sharedRuntimeImports(), sandboxImports()],
    }),
  ]);
  const refused = await hostOnlyInputs(result.metafile, absWorkingDir);
  if (refused.length > 0) throw new WorkflowBundleError(refused);
  const js = result.outputFiles.find((f) => f.path.endsWith(".js"))!.text;

  const code = `(function (${SHARED_PARAMETER}) { "use strict";\n${
    stripSourceMapComment(js)
  }return ${GLOBAL_NAME};\n})`;
  const hash = sha256(`${prelude.script}\0${shared.script}\0${code}`);
  const inputs = inputsOf(result.metafile, absWorkingDir);
  const digests = await digestsOf(inputs);
  for (const [file, digest] of [...shared.digests, ...prelude.digests]) digests.set(file, digest);

  const bundle: WorkflowBundle = Object.freeze({
    hash,
    prelude: prelude.script,
    runtime: shared.script,
    runtimeFilename: shared.filename,
    runtimeSourceMap: shared.sourceMap,
    code,
    filename: `workflow-bundle-${hash.slice(0, 12)}.js`,
    sourceMap: sourceMapOf(result, absWorkingDir),
    inputs: Object.freeze(inputs),
  });
  if (useCache) cache.set(key, { digests, bundle });
  return { bundle, digests };
}

/** Like `Promise.all`, but settles only after every promise did; rejects with the first failure. */
async function allSettled<T extends readonly unknown[]>(
  promises: { [K in keyof T]: Promise<T[K]> },
): Promise<T> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
  if (failed !== undefined) throw failed.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as unknown as T;
}

/** Number of lines the factory wrapper adds before the bundled code (for source mapping). */
export const BUNDLE_LINE_OFFSET = 1;

/**
 * Stops esbuild's helper process (it is restarted on the next build). Call before exiting in
 * environments that check for leaked child processes.
 */
export async function stopBundler(): Promise<void> {
  if (esbuildApi !== undefined) await (await esbuildApi).stop();
}
