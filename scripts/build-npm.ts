/**
 * `npm run build`: the npm package in dist/. tsc compiles the sources to JavaScript with declarations
 * (relative `.ts` imports rewritten to `.js`, so Node needs no type stripping in node_modules). esbuild
 * then bundles that output, one entry per subpath, into dist/_host/ with shared chunks (see
 * `bundleHost`), and dist/package.json maps the same subpaths as deno.json to those entries (types:
 * the declarations beside the compiled files). Publish with `npm publish dist`; JSR publishes the
 * TypeScript sources as they are (`deno publish`).
 */
import { spawnSync } from "node:child_process";
import { copyFileSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleHost, HOST_DIR } from "./lib/bundle_host.ts";

const root = fileURLToPath(new URL("..", import.meta.url));
const dist = join(root, "dist");

interface PackageJson {
  exports: Record<string, string>;
  scripts?: unknown;
  devDependencies?: unknown;
  optionalDependencies?: unknown;
  allowScripts?: unknown;
  [key: string]: unknown;
}

rmSync(dist, { recursive: true, force: true });
const tsc = spawnSync(join(root, "node_modules", ".bin", "tsc"), ["-p", "tsconfig.build.json"], {
  cwd: root,
  stdio: "inherit",
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

const pkg = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as PackageJson;
const entries = await bundleHost(
  dist,
  Object.fromEntries(
    Object.entries(pkg.exports).map(([subpath, file]) => [subpath, file.replace(/\.ts$/, ".js")]),
  ),
);
const exports = Object.fromEntries(
  Object.entries(pkg.exports).map(([subpath, file]) => [
    subpath,
    { types: file.replace(/\.ts$/, ".d.ts"), default: `./${HOST_DIR}/${entries[subpath]}` },
  ]),
);
const { scripts: _s, devDependencies: _d, optionalDependencies: _o, allowScripts: _a, ...published } = pkg;
writeFileSync(join(dist, "package.json"), JSON.stringify({ ...published, exports }, null, 2) + "\n");
for (const file of ["README.md", "LICENSE"]) {
  try {
    copyFileSync(join(root, file), join(dist, file));
  } catch {
    // optional
  }
}
console.log(`build: wrote ${dist} (${Object.keys(exports).length} subpaths)`);
