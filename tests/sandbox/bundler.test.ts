import { test } from "node:test";
import assert from "node:assert/strict";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bundleWorkflows, stopBundler, WorkflowBundleError } from "../../sandbox/bundler.ts";
import { SourceMapper } from "../../sandbox/source_map.ts";

const RUNTIME = new URL("./fixtures/runtime.ts", import.meta.url);
const FIXTURES = fileURLToPath(new URL("./fixtures/", import.meta.url));

test("bundling a module refuses a Node built-in import, naming the importing file and line", async () => {
  try {
    await assert.rejects(
      bundleWorkflows(new URL("./fixtures/host_only/imports_fs.ts", import.meta.url), {
        runtimeModule: RUNTIME,
      }),
      (error: unknown) => {
        assert.ok(error instanceof WorkflowBundleError);
        assert.match(
          error.message,
          /host_only\/imports_fs\.ts:1:\d+: The Node built-in 'node:fs' cannot be imported by workflow code: .*do that work in an activity/,
        );
        return true;
      },
    );
  } finally {
    await stopBundler();
  }
});

test("bundling refuses host-only Sandglass imports in nested files, naming file and line", async () => {
  try {
    await assert.rejects(
      bundleWorkflows(new URL("./fixtures/host_only/imports_client.ts", import.meta.url), {
        runtimeModule: RUNTIME,
      }),
      /host_only\/nested\.ts:3:\d+: 'sandglass\/client' is host-only and cannot be imported by workflow code/,
    );
  } finally {
    await stopBundler();
  }
});

test("bundles are cached by the content of their inputs and rebuilt when one changes", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "sandglass-bundle-"));
  try {
    const entry = path.join(dir, "workflows.ts");
    await writeFile(entry, `export async function a(): Promise<number> { return 1; }\n`);
    const first = await bundleWorkflows(entry, { runtimeModule: RUNTIME });
    const again = await bundleWorkflows(entry, { runtimeModule: RUNTIME });
    assert.equal(again, first, "unchanged inputs return the cached bundle");
    assert.ok(first.inputs.includes(entry));
    assert.match(first.code, /^\(function \(__sandglassShared\) \{ "use strict";\n/);

    await writeFile(entry, `export async function a(): Promise<number> { return 2; }\n`);
    const changed = await bundleWorkflows(entry, { runtimeModule: RUNTIME });
    assert.notEqual(changed.hash, first.hash);
    assert.equal(changed.prelude, first.prelude);
    const fresh = await bundleWorkflows(pathToUrl(entry), { runtimeModule: RUNTIME, cache: false });
    assert.equal(fresh.hash, changed.hash, "same content, same hash, from a URL too");
  } finally {
    await rm(dir, { recursive: true, force: true });
    await stopBundler();
  }
});

test("the source map points bundle positions at the user's TypeScript lines", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "sandglass-map-"));
  try {
    await cp(path.join(FIXTURES, "hello_workflows.ts"), path.join(dir, "workflows.ts"));
    const bundle = await bundleWorkflows(path.join(dir, "workflows.ts"), { runtimeModule: RUNTIME });
    const lines = bundle.code.split("\n");
    const generated = lines.findIndex((l) => l.includes("Hello, ${name}!")) + 1;
    const column = lines[generated - 1]!.indexOf("return") + 1;
    const mapper = new SourceMapper(bundle.sourceMap, 1);
    const pos = mapper.lookup(generated, column);
    assert.ok(pos !== undefined);
    assert.equal(path.basename(pos.file), "workflows.ts");
    const source = await readFile(path.join(dir, "workflows.ts"), "utf8");
    const expectedLine = source.split("\n").findIndex((l) => l.includes("Hello, ${name}!")) + 1;
    assert.equal(pos.line, expectedLine);
    assert.match(
      mapper.rewrite(`at hello (${bundle.filename}:${generated}:${column})`, bundle.filename),
      new RegExp(`at hello \\(.*workflows\\.ts:${expectedLine}:\\d+\\)`),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
    await stopBundler();
  }
});

test("a non-file URL is refused with a clear error", async () => {
  await assert.rejects(
    bundleWorkflows("https://example.com/workflows.ts"),
    /Unsupported workflows module URL 'https:\/\/example\.com\/workflows\.ts'/,
  );
});

function pathToUrl(file: string): URL {
  return new URL(`file://${file}`);
}
