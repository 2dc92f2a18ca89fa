/**
 * Where a subpath of the npm package built by `npm run build` lives in dist/, read from
 * dist/package.json's exports (the build decides: today the bundled `_host/` entries).
 * @module
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const DIST = new URL("../dist/", import.meta.url);

/** The file of `subpath` (`"."`, `"./client"`, ...) in dist/, or undefined before a build. */
export function distEntry(subpath: string): string | undefined {
  const manifest = new URL("package.json", DIST);
  if (!existsSync(manifest)) return undefined;
  const exports = (JSON.parse(readFileSync(manifest, "utf8")) as {
    exports: Record<string, { default: string }>;
  }).exports;
  const target = exports[subpath]?.default;
  return target === undefined ? undefined : fileURLToPath(new URL(target, DIST));
}
