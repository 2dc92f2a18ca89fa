/**
 * The on-disk cache of workflow bundles, so a worker process that starts again with unchanged
 * workflow code skips bundling and the first look at its modules. An entry holds the bundle, the
 * SHA-256 of every file that went into it (the workflow modules, the SDK's workflow runtime and
 * prelude, the bundler itself) and the sandbox's description of its workflow types; it is used
 * only while every one of those files still has its digest. Entries live in
 * `<sandglassCacheDir()>/bundles` (set `SANDGLASS_CACHE_DIR` to move it), one per workflows module
 * and options; the folder keeps the `MAX_DISK_ENTRIES` most recently used. A cache that cannot be
 * read or written is skipped: the bundle is built as if it were absent.
 * @module
 */

import process from "node:process";
import {
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  statSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { sandglassCacheDir } from "../common/cache_dir.ts";
import { esbuildVersion, sha256, unchangedSync, type WorkflowBundle } from "./bundler.ts";
import type { WorkflowsDescription } from "./protocol.ts";

/** What one cache entry holds. */
export interface DiskBundleEntry {
  readonly bundle: WorkflowBundle;
  /** SHA-256 (hex) of each input file, by absolute path. */
  readonly digests: ReadonlyMap<string, string>;
  /** The sandbox's description of the bundle's workflow types (only a successful one is kept). */
  readonly description: Extract<WorkflowsDescription, { ok: true }>;
}

/** Bumped when the entry's shape changes. */
const FORMAT = 1;

/**
 * Entries the folder keeps (a bundle is ~150 KB to 1 MB): storing one more removes the least
 * recently used, by modification time, which a read refreshes. Leftover temporary files of
 * interrupted writes go once they are an hour old.
 */
export const MAX_DISK_ENTRIES = 64;
const STALE_TEMPORARY_MS = 3_600_000;

interface StoredEntry {
  format: number;
  key: string;
  bundle: WorkflowBundle;
  digests: [string, string][];
  description: Extract<WorkflowsDescription, { ok: true }>;
}

/** The entry's file for a bundle cache key (the entry, runtime and interceptor paths) and this esbuild. */
function entryFile(key: string): string {
  return join(sandglassCacheDir(), "bundles", `${sha256(`${FORMAT}\0${esbuildVersion()}\0${key}`)}.json`);
}

/**
 * The cached bundle of `key`, if there is one and none of its input files changed since.
 *
 * @param key The bundler's cache key of the workflows module and its options.
 * @example
 * ```ts
 * const entry = readBundleFromDisk(bundleCacheKey("./workflows.ts"));
 * if (entry !== undefined) console.log(entry.description);
 * ```
 */
export function readBundleFromDisk(key: string): DiskBundleEntry | undefined {
  const file = entryFile(key);
  let stored: StoredEntry;
  try {
    stored = JSON.parse(readFileSync(file, "utf8")) as StoredEntry;
  } catch {
    return undefined;
  }
  if (stored.format !== FORMAT || stored.key !== key || stored.description?.ok !== true) return undefined;
  const digests = new Map(stored.digests);
  if (!unchangedSync(digests)) return undefined;
  touch(file);
  const bundle: WorkflowBundle = Object.freeze({
    ...stored.bundle,
    inputs: Object.freeze([...stored.bundle.inputs]),
  });
  return { bundle, digests, description: stored.description };
}

/**
 * Stores a bundle for {@linkcode readBundleFromDisk}; written to a temporary file and renamed, so
 * a concurrent reader sees the old entry or the new one, never half of one. Failures are ignored.
 *
 * @param key The bundler's cache key of the workflows module and its options.
 * @param entry The bundle, its input digests and its (successful) description.
 * @example
 * ```ts
 * writeBundleToDisk(key, { bundle, digests, description });
 * ```
 */
export function writeBundleToDisk(key: string, entry: DiskBundleEntry): void {
  const file = entryFile(key);
  const stored: StoredEntry = {
    format: FORMAT,
    key,
    bundle: entry.bundle,
    digests: [...entry.digests],
    description: entry.description,
  };
  const temporary = `${file}.${process.pid}.${Date.now().toString(36)}.tmp`;
  try {
    mkdirSync(join(file, ".."), { recursive: true });
    writeFileSync(temporary, JSON.stringify(stored));
    renameSync(temporary, file);
    evictBeyondLimit(join(file, ".."));
  } catch {
    // A read-only or full disk only costs the next start a build.
  }
}

/** Marks an entry as used now (best effort). */
function touch(file: string): void {
  try {
    const now = new Date();
    utimesSync(file, now, now);
  } catch {
    // Read-only cache: eviction order falls back to write order.
  }
}

/** Removes the least recently used entries beyond `MAX_DISK_ENTRIES`, and stale temporary files. */
function evictBeyondLimit(dir: string): void {
  const entries: { file: string; usedMs: number }[] = [];
  for (const name of readdirSync(dir)) {
    const file = join(dir, name);
    let usedMs: number;
    try {
      usedMs = statSync(file).mtimeMs;
    } catch {
      continue; // removed meanwhile
    }
    if (name.endsWith(".json")) entries.push({ file, usedMs });
    else if (name.endsWith(".tmp") && Date.now() - usedMs > STALE_TEMPORARY_MS) remove(file);
  }
  entries.sort((a, b) => b.usedMs - a.usedMs);
  for (const { file } of entries.slice(MAX_DISK_ENTRIES)) remove(file);
}

function remove(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // Another process removed it first.
  }
}
