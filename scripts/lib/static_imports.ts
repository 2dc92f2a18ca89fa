/**
 * What a module loads when it is imported: the files reachable from an entry point through static
 * `import` statements (dynamic `import()` is where loading stops), read from esbuild's metafile.
 * The gate uses it to keep `sandglass/client` cheap to import: the gRPC transport, the protobuf
 * runtime and the generated descriptors must be loaded by `Connection.connect`, not by the import.
 */
import { buildSync } from "esbuild";

/** Files reachable from `entry` (a path relative to `cwd`) through static imports only. */
export function staticImportClosure(entry: string, cwd: string): string[] {
  const { metafile } = buildSync({
    entryPoints: [entry],
    absWorkingDir: cwd,
    bundle: true,
    write: false,
    splitting: true,
    format: "esm",
    platform: "node",
    outdir: "out",
    metafile: true,
    logLevel: "silent",
  });
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    for (const edge of metafile.inputs[file]?.imports ?? []) {
      if (edge.kind === "import-statement" && !edge.external) stack.push(edge.path);
    }
  }
  return [...seen].sort();
}

/** The files of the closure that are heavy to load (gen/, @bufbuild/protobuf, @connectrpc/*). */
export function heavyStaticImports(entry: string, cwd: string): string[] {
  return staticImportClosure(entry, cwd).filter((file) =>
    file.startsWith("gen/") || file.includes("node_modules/@bufbuild/") ||
    file.includes("node_modules/@connectrpc/")
  );
}
