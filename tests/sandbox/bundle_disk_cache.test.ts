import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { MAX_DISK_ENTRIES, readBundleFromDisk, writeBundleToDisk } from "../../sandbox/bundle_disk_cache.ts";
import { bundleAndDescribeSync } from "../../sandbox/bundle_sync.ts";
import { bundleCacheKey } from "../../sandbox/bundler.ts";

const API = fileURLToPath(new URL("../../sandbox/workflow/mod.ts", import.meta.url));

/** Runs `fn` with the cache in a fresh folder and a workflows module written to a temp dir. */
async function withCacheDir(fn: (cacheDir: string, file: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), "sandglass-disk-cache-"));
  const previous = process.env["SANDGLASS_CACHE_DIR"];
  process.env["SANDGLASS_CACHE_DIR"] = join(dir, "cache");
  try {
    await fn(join(dir, "cache"), join(dir, "workflows.ts"));
  } finally {
    if (previous === undefined) delete process.env["SANDGLASS_CACHE_DIR"];
    else process.env["SANDGLASS_CACHE_DIR"] = previous;
    await rm(dir, { recursive: true, force: true });
  }
}

const module = (name: string) =>
  `import { sleep } from ${
    JSON.stringify(API)
  };\nexport async function ${name}(): Promise<void> { await sleep(1); }\n`;

test("a bundle and its workflow types are stored on disk and read back while no input changed", async () => {
  await withCacheDir(async (cacheDir, file) => {
    await writeFile(file, module("greet"));
    const built = bundleAndDescribeSync(file);
    assert.deepEqual(built.description, { ok: true, types: ["greet"], dynamic: false });
    assert.equal((await readdir(join(cacheDir, "bundles"))).length, 1);

    const stored = readBundleFromDisk(bundleCacheKey(file));
    assert.ok(stored !== undefined, "the entry is read back");
    assert.equal(stored.bundle.hash, built.bundle.hash);
    assert.equal(stored.bundle.code, built.bundle.code);
    assert.deepEqual(stored.description, built.description);
    assert.ok(stored.digests.has(file), "the workflows module's digest is recorded");
    assert.ok(
      [...stored.digests.keys()].some((f) => /[/\\]sandbox[/\\]prelude\.[jt]s$/.test(f)),
      "the prelude's digest is recorded",
    );
  });
});

test("a changed workflows module is not read from the disk cache, and is bundled again", async () => {
  await withCacheDir(async (_cacheDir, file) => {
    await writeFile(file, module("greet"));
    const first = bundleAndDescribeSync(file);
    await writeFile(file, module("welcome"));
    assert.equal(readBundleFromDisk(bundleCacheKey(file)), undefined);

    const second = bundleAndDescribeSync(file);
    assert.notEqual(second.bundle.hash, first.bundle.hash);
    assert.deepEqual(second.description, { ok: true, types: ["welcome"], dynamic: false });
    assert.equal(readBundleFromDisk(bundleCacheKey(file))?.bundle.hash, second.bundle.hash);
  });
});

test("an unreadable disk cache entry is ignored", async () => {
  await withCacheDir(async (cacheDir, file) => {
    await writeFile(file, module("greet"));
    bundleAndDescribeSync(file);
    const [entry] = await readdir(join(cacheDir, "bundles"));
    await writeFile(join(cacheDir, "bundles", entry!), "{ not json");
    assert.equal(readBundleFromDisk(bundleCacheKey(file)), undefined);
  });
});

test("cache: false neither reads nor writes the disk cache", async () => {
  await withCacheDir(async (cacheDir, file) => {
    await writeFile(file, module("greet"));
    const built = bundleAndDescribeSync(file, { cache: false });
    assert.deepEqual(built.description, { ok: true, types: ["greet"], dynamic: false });
    await assert.rejects(readdir(join(cacheDir, "bundles")), { code: "ENOENT" });
  });
});

test("the disk cache keeps the most recently used entries, and removes the rest and stale temporary files", async () => {
  await withCacheDir(async (cacheDir, file) => {
    await writeFile(file, module("greet"));
    bundleAndDescribeSync(file);
    const own = bundleCacheKey(file);
    const entry = readBundleFromDisk(own)!;
    const bundles = join(cacheDir, "bundles");
    const keys = Array.from({ length: MAX_DISK_ENTRIES - 1 }, (_, i) => `key-${i}`);
    for (const key of keys) writeBundleToDisk(key, entry);
    const hourAgo = Date.now() / 1000 - 3600;
    for (const name of await readdir(bundles)) await utimes(join(bundles, name), hourAgo, hourAgo);
    await writeFile(join(bundles, "interrupted.json.1.x.tmp"), "{");
    await utimes(join(bundles, "interrupted.json.1.x.tmp"), hourAgo - 60, hourAgo - 60);
    // Reading an entry marks it used: every entry but key-0 and key-1 is used after them.
    for (const key of [...keys.slice(2), own]) {
      assert.ok(readBundleFromDisk(key) !== undefined, key);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }

    writeBundleToDisk("new-a", entry);
    writeBundleToDisk("new-b", entry);
    const names = await readdir(bundles);
    assert.equal(names.filter((n) => n.endsWith(".json")).length, MAX_DISK_ENTRIES);
    assert.ok(!names.some((n) => n.endsWith(".tmp")), "the stale temporary file is removed");
    assert.equal(readBundleFromDisk("key-0"), undefined, "the least recently used entry is removed");
    assert.equal(readBundleFromDisk("key-1"), undefined, "the next least recently used entry is removed");
    for (const key of ["key-2", own, "new-a", "new-b"]) assert.ok(readBundleFromDisk(key) !== undefined, key);
  });
});
