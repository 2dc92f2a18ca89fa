import assert from "node:assert/strict";
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import process from "node:process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { readBundleFromDisk } from "../../sandbox/bundle_disk_cache.ts";
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
