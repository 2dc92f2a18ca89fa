/**
 * Bundling without returning to the event loop, for constructors such as `new Worker(...)` that
 * must report a bad workflows module at once. esbuild's own `buildSync` refuses plugins, so the
 * bundle is built by `bundleWorkflows` in a helper thread while this thread waits on a shared
 * flag (`Atomics.wait`); Node, Deno and Bun all allow that on the main thread. The same thread
 * then loads the modules once in a QuickJS sandbox to list their workflow types, and stores
 * bundle and description in the on-disk cache. A bundle whose input files are unchanged comes
 * from the process-wide cache, or from the disk cache, without starting a thread.
 * @module
 */

import { readBundleFromDisk } from "./bundle_disk_cache.ts";
import {
  bundleCacheKey,
  type BundleOptions,
  cachedBundleSync,
  rememberBundle,
  type WorkflowBundle,
  WorkflowBundleError,
} from "./bundler.ts";
import type { WorkflowsDescription } from "./protocol.ts";
import { runThreadSync, SyncThreadError } from "./sync_thread.ts";

/** What the helper thread receives. */
interface BundleThreadData {
  /** URLs of `bundler.ts`, `host.ts` and `bundle_disk_cache.ts` (`.js` in dist/), which the thread imports. */
  bundler: string;
  host: string;
  /** The bundle's cache key (`bundleCacheKey`), under which the thread stores it on disk. */
  key: string;
  diskCache: string;
  workflows: string;
  options: { runtimeModule?: string; interceptorModules: string[]; cache: boolean };
}

/** What the helper thread replies. */
type BundleThreadReply =
  | { ok: true; bundle: WorkflowBundle; digests: [string, string][]; description?: WorkflowsDescription }
  | { ok: false; name: string; message: string; stack: string; problems?: string[] };

/** `.ts` when running from source; `.js` in the npm package's compiled dist/. */
const EXT = import.meta.url.endsWith(".js") ? ".js" : ".ts";
const BUNDLER_URL = new URL(`./bundler${EXT}`, import.meta.url).href;
const HOST_URL = new URL(`./host${EXT}`, import.meta.url).href;
const DISK_CACHE_URL = new URL(`./bundle_disk_cache${EXT}`, import.meta.url).href;

/**
 * The helper thread's program (`BundleThreadData` in, `BundleThreadReply` out; see
 * `runThreadSync`): bundles, stops esbuild, loads the modules in a QuickJS sandbox for their
 * workflow types (their top-level code runs there, under the sandbox's time and memory limits),
 * stores a successful result on disk and replies. It is JavaScript in a `data:` URL, not a file of
 * its own: Deno type-checks a TypeScript thread entry every time a thread starts under
 * `deno test` (seconds), and the npm build only ships compiled TypeScript.
 */
const THREAD_PROGRAM = `
let result;
try {
  const { bundleWithDigests, stopBundler } = await import(workerData.bundler);
  let built;
  try {
    built = await bundleWithDigests(workerData.workflows, workerData.options);
  } finally {
    await stopBundler();
  }
  const { bundle, digests } = built;
  let description;
  try {
    const { createWorkflowHost } = await import(workerData.host);
    const host = await createWorkflowHost({ bundle });
    try {
      description = await host.describeWorkflows();
    } finally {
      host.dispose();
    }
  } catch {
    // No verdict here: the worker's own sandbox gives it before polling.
  }
  if (workerData.options.cache && description?.ok === true) {
    const { writeBundleToDisk } = await import(workerData.diskCache);
    writeBundleToDisk(workerData.key, { bundle, digests, description });
  }
  result = { ok: true, bundle, digests: [...digests], description };
} catch (error) {
  result = {
    ok: false,
    name: typeof error?.name === "string" ? error.name : "Error",
    message: typeof error?.message === "string" ? error.message : String(error),
    stack: typeof error?.stack === "string" ? error.stack : "",
    ...(Array.isArray(error?.problems) ? { problems: error.problems.map(String) } : {}),
  };
}
reply(result);
`;

/** A bundle with the sandbox's description of its workflow types. */
export interface DescribedBundle {
  readonly bundle: WorkflowBundle;
  /**
   * The workflow types the modules define, or why they cannot be loaded or registered;
   * `undefined` when the sandbox could not be asked here (the worker's sandbox answers later).
   */
  readonly description: WorkflowsDescription | undefined;
}

/** Descriptions of the bundles built or read in this process. */
const descriptions = new WeakMap<WorkflowBundle, WorkflowsDescription | undefined>();

/**
 * Bundles a workflows module like `bundleWorkflows`, synchronously, and loads its modules once in
 * a QuickJS sandbox (in the bundling thread) to list their workflow types.
 *
 * @param workflows Path or `file:` URL of the module whose exports are the workflows.
 * @param options See `BundleOptions`; `cache: false` also bypasses the disk cache.
 * @returns The bundle and its description (from the process-wide or the disk cache when no input
 *   file changed).
 * @throws {WorkflowBundleError} When an import cannot be resolved or is host-only.
 * @example
 * ```ts
 * const { bundle, description } = bundleAndDescribeSync(new URL("./workflows.ts", import.meta.url));
 * if (description?.ok) console.log(description.types);
 * ```
 */
export function bundleAndDescribeSync(
  workflows: string | URL,
  options: Partial<BundleOptions> = {},
): DescribedBundle {
  const key = bundleCacheKey(workflows, options);
  if (options.cache !== false) {
    const cached = cachedBundleSync(key);
    if (cached !== undefined && descriptions.has(cached)) {
      return { bundle: cached, description: descriptions.get(cached) };
    }
    const stored = readBundleFromDisk(key);
    if (stored !== undefined) {
      rememberBundle(key, stored.bundle, stored.digests);
      descriptions.set(stored.bundle, stored.description);
      return { bundle: stored.bundle, description: stored.description };
    }
  }
  const reply = runThread({
    bundler: BUNDLER_URL,
    host: HOST_URL,
    diskCache: DISK_CACHE_URL,
    key,
    workflows: String(workflows instanceof URL ? workflows.href : workflows),
    options: {
      ...(options.runtimeModule === undefined ? {} : { runtimeModule: String(options.runtimeModule) }),
      interceptorModules: (options.interceptorModules ?? []).map((m) =>
        String(m instanceof URL ? m.href : m)
      ),
      cache: options.cache !== false,
    },
  });
  if (!reply.ok) {
    const error = reply.problems !== undefined
      ? new WorkflowBundleError(reply.problems)
      : new Error(`Cannot bundle the workflow code: ${reply.name}: ${reply.message}`);
    if (reply.stack !== "") error.stack = reply.stack;
    throw error;
  }
  const bundle: WorkflowBundle = Object.freeze({
    ...reply.bundle,
    inputs: Object.freeze([...reply.bundle.inputs]),
  });
  descriptions.set(bundle, reply.description);
  if (options.cache !== false) rememberBundle(key, bundle, new Map(reply.digests));
  return { bundle, description: reply.description };
}

function runThread(data: BundleThreadData): BundleThreadReply {
  try {
    return runThreadSync<BundleThreadReply>("the bundling thread", THREAD_PROGRAM, data);
  } catch (error) {
    if (!(error instanceof SyncThreadError)) throw error;
    throw new Error(`Cannot bundle the workflow code: ${error.message}`);
  }
}
