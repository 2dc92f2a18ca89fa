/**
 * The host half of the npm build: bundles tsc's output in dist/ into dist/_host/, one ESM entry per
 * package subpath plus shared chunks (esbuild code splitting, so a dynamic import such as the
 * client's RPC runtime stays lazy and every entry shares one copy of each module).
 *
 * Why: Node loads an ES module graph file by file, about 1.5 ms per file here. The worker's graph
 * with `@bufbuild/protobuf`, Connect-RPC and the generated API is some 250 files; bundled, the same
 * code loads in a third of the time (`npm run bench:import`, `bench:worker`'s start-up row).
 *
 * - Bundled: our compiled modules and the pure-JavaScript dependencies whose graphs are large
 *   (`BUNDLED`). Their licences are collected into `_host/THIRD_PARTY_LICENSES.md`.
 * - External: esbuild (a native binary, and the bundler's cache key names its version),
 *   quickjs-emscripten (its WebAssembly file is located through module resolution), optional peers
 *   such as `@opentelemetry/api` (the user's copy must be the one we use), and Node's built-ins.
 * - The compiled files stay in dist/ beside the bundle: the workflow runtime (sandbox/workflow/) is
 *   bundled again at run time for QuickJS, threads start from files (the bundling thread, the
 *   activity thread entry), and the bundler hashes its own files for its cache. A bundled module
 *   that finds such files through `import.meta.url` gets its original file's URL instead of the
 *   chunk's (`originalUrlPlugin`), so relative lookups land where they did before bundling.
 * @module
 */
import { readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, sep } from "node:path";
import * as esbuild from "esbuild";

/** The folder of dist/ that holds the bundle. */
export const HOST_DIR = "_host";

/** npm packages copied into the bundle (pure JavaScript, many modules each). */
const BUNDLED = ["@bufbuild/protobuf", "@connectrpc/connect", "@connectrpc/connect-node", "smol-toml"];

function packageName(specifier: string): string {
  const parts = specifier.split("/");
  return specifier.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
}

/** Bare imports of packages not in `BUNDLED` stay imports. */
const externalPackagesPlugin: esbuild.Plugin = {
  name: "sandglass-external-packages",
  setup(build) {
    build.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith("node:")) return { path: args.path, external: true };
      return BUNDLED.includes(packageName(args.path)) ? undefined : { path: args.path, external: true };
    });
  },
};

/** Gives each of our modules its compiled file's `import.meta.url` (see the module doc). */
function originalUrlPlugin(dist: string, outdir: string): esbuild.Plugin {
  return {
    name: "sandglass-original-url",
    setup(build) {
      build.onLoad({ filter: /\.js$/ }, (args) => {
        if (!args.path.startsWith(dist + sep) || args.path.includes(`${sep}node_modules${sep}`)) {
          return undefined;
        }
        const code = readFileSync(args.path, "utf8");
        if (!code.includes("import.meta.url")) return undefined;
        const fromChunk = relative(outdir, args.path).split(sep).join("/");
        return {
          contents: code.replaceAll(
            "import.meta.url",
            `new URL(${JSON.stringify(fromChunk)}, import.meta.url).href`,
          ),
          loader: "js",
          resolveDir: dirname(args.path),
        };
      });
    },
  };
}

/** The comment block a file starts with (the licence header of each module, where a package has no licence file). */
function leadingComment(file: string): string | undefined {
  const lines: string[] = [];
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.startsWith("//")) break;
    lines.push(line.replace(/^\/\/ ?/, ""));
  }
  const text = lines.join("\n").trim();
  return /licen[cs]e|copyright/i.test(text) ? text : undefined;
}

/**
 * Writes the licence of each bundled package that `inputs` come from: its licence file, or else the
 * distinct licence headers of its bundled modules (bundling drops those comments from the code).
 */
function writeLicenses(root: string, outdir: string, inputs: string[]): void {
  const packages = new Map<string, { dir: string; files: string[] }>();
  for (const input of inputs) {
    const at = input.lastIndexOf("node_modules/");
    if (at < 0) continue;
    const name = packageName(input.slice(at + "node_modules/".length));
    const entry = packages.get(name) ??
      { dir: join(root, input.slice(0, at), "node_modules", name), files: [] };
    entry.files.push(join(root, input));
    packages.set(name, entry);
  }
  const sections = [...packages].sort(([a], [b]) => a.localeCompare(b)).map(([name, { dir, files }]) => {
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as {
      version: string;
      license?: string;
    };
    const file = readdirSync(dir).find((f) => /^licen[cs]e/i.test(f));
    const texts = file !== undefined
      ? [readFileSync(join(dir, file), "utf8").trim()]
      : [...new Set(files.map(leadingComment).filter((t): t is string => t !== undefined))];
    if (texts.length === 0) {
      throw new Error(`build: ${name} is bundled but has neither a licence file nor headers`);
    }
    const body = texts.map((text) => `\`\`\`\n${text}\n\`\`\`\n`).join("\n");
    return `## ${name} ${manifest.version}\n\nLicence: ${manifest.license ?? "see below"}\n\n${body}`;
  });
  writeFileSync(
    join(outdir, "THIRD_PARTY_LICENSES.md"),
    `# Third-party code in this folder\n\nThese packages are bundled into the files of \`${HOST_DIR}/\`.\n\n${
      sections.join("\n")
    }`,
  );
}

/**
 * Bundles the compiled subpath entries (`subpath` -> file under `dist`, e.g. `"./client"` ->
 * `"./client/mod.js"`) into `dist/_host/`, and returns each subpath's file name there.
 */
export async function bundleHost(
  dist: string,
  subpaths: Record<string, string>,
): Promise<Record<string, string>> {
  const outdir = join(dist, HOST_DIR);
  const names: Record<string, string> = {};
  const entryPoints: Record<string, string> = {};
  for (const [subpath, file] of Object.entries(subpaths)) {
    const name = subpath === "." ? "mod" : subpath.slice(2).replaceAll("/", "_");
    names[subpath] = `${name}.js`;
    entryPoints[name] = join(dist, file);
  }
  const result = await esbuild.build({
    entryPoints,
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node22",
    entryNames: "[name]",
    chunkNames: "chunk-[hash]",
    sourcemap: "linked",
    metafile: true,
    logLevel: "warning",
    plugins: [externalPackagesPlugin, originalUrlPlugin(dist, outdir)],
  });
  writeLicenses(dirname(dist), outdir, Object.keys(result.metafile.inputs));
  return names;
}
