/**
 * `npm run check`'s look at the built npm package (after `npm run build`), on Node, without a server:
 * every subpath of dist/package.json loads, and the bundled host code still finds the files it loads
 * at run time (the bundling thread and its workflow runtime, the activity thread entry, the tracing
 * workflow module), which bundling would break if a module's `import.meta.url` pointed at its chunk,
 * and protobuf messages made with the user's own copy of `@bufbuild/protobuf` still convert with the
 * copy bundled into the package.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { create, equals } from "@bufbuild/protobuf";
import { DurationSchema } from "@bufbuild/protobuf/wkt";
import type * as ActivityApi from "../worker/activity/mod.ts";
import type * as Common from "../common/mod.ts";
import type * as Root from "../mod.ts";
import type * as Otel from "../worker/otel/mod.ts";

const dist = new URL("../dist/", import.meta.url);
const { exports } = JSON.parse(readFileSync(new URL("package.json", dist), "utf8")) as {
  exports: Record<string, { types: string; default: string }>;
};
const load = (subpath: string) => import(new URL(exports[subpath]!.default, dist).href);
for (const [subpath, target] of Object.entries(exports)) {
  await load(subpath);
  if (!existsSync(new URL(target.types, dist))) throw new Error(`dist: ${subpath} has no ${target.types}`);
}

const dir = mkdtempSync(join(tmpdir(), "sandglass-dist-smoke-"));
process.env["SANDGLASS_CACHE_DIR"] = join(dir, "cache");
try {
  const { Client, Worker } = (await load(".")) as typeof Root;
  const { runInThread } = (await load("./activity")) as typeof ActivityApi;
  const { TRACING_WORKFLOW_MODULE } = (await load("./otel")) as typeof Otel;
  const { createProtobufPayloadConverter } = (await load("./common")) as typeof Common;

  const converter = createProtobufPayloadConverter([DurationSchema]);
  const duration = create(DurationSchema, { seconds: 5n, nanos: 7 });
  const payload = converter.toPayload(duration);
  const encoding = new TextDecoder().decode(payload.metadata["encoding"]);
  if (encoding !== "json/protobuf" || !equals(DurationSchema, duration, converter.fromPayload(payload))) {
    throw new Error(
      "dist: a message of the user's @bufbuild/protobuf does not round-trip through the bundled one",
    );
  }

  writeFileSync(join(dir, "square.mjs"), "export const square = (n) => n * n;\n");
  const squared = await runInThread(pathToFileURL(join(dir, "square.mjs")), "square", [7]);
  if (squared !== 49) throw new Error(`dist: runInThread returned ${String(squared)}`);

  writeFileSync(
    join(dir, "workflows.ts"),
    'import { sleep } from "sandglass/workflow";\nexport async function smoke(): Promise<void> { await sleep(1); }\n',
  );
  const client = await Client.connect("127.0.0.1:1", { lazy: true });
  // The constructor bundles in its thread and loads the bundle in QuickJS there; with the tracing
  // module as a workflow interceptor module, it also bundles that file from dist/.
  new Worker(client, {
    taskQueue: "dist-smoke",
    workflowsPath: pathToFileURL(join(dir, "workflows.ts")),
    interceptors: { workflowModules: [TRACING_WORKFLOW_MODULE] },
  });
  await client.connection.close();
  console.log(
    `dist: ${
      Object.keys(exports).length
    } subpaths load; bundling, threads, tracing module and user protobuf messages work`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
