import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdir, readdir } from "node:fs/promises";
import { join } from "node:path";
import process from "node:process";
import { locateTestServer, TEST_SERVER_VERSION } from "../../testing/mod.ts";
import { scratchDir, writeScript } from "./_helpers.ts";

test("locateTestServer uses a native executable from the path option", async () => {
  const dir = await scratchDir("ts-option");
  try {
    const path = await writeScript(join(dir.path, "temporal-test-server"), "");
    const server = await locateTestServer({ path, env: { TEMPORAL_TEST_SERVER_PATH: "/nonexistent" } });
    assert.deepEqual(server, { kind: "native", path, version: TEST_SERVER_VERSION, source: "option" });
  } finally {
    await dir.cleanup();
  }
});

test("locateTestServer runs a folder of jars from TEMPORAL_TEST_SERVER_PATH with Java", async () => {
  const dir = await scratchDir("ts-env");
  try {
    const java = await writeScript(join(dir.path, "jdk", "bin", "java"), "");
    const lib = join(dir.path, "lib");
    await mkdir(lib);
    const server = await locateTestServer({
      env: { TEMPORAL_TEST_SERVER_PATH: lib, JAVA_HOME: join(dir.path, "jdk"), PATH: "" },
    });
    assert.deepEqual(server, {
      kind: "java",
      java,
      classpath: join(lib, "*"),
      version: TEST_SERVER_VERSION,
      source: "env",
    });
  } finally {
    await dir.cleanup();
  }
});

test("locateTestServer rejects a path that is neither an executable nor a folder", async () => {
  await assert.rejects(
    locateTestServer({ path: "/nonexistent/test-server" }),
    /Test server '\/nonexistent\/test-server' from the path option is neither an executable file nor a folder of jars/,
  );
});

test("locateTestServer fails fast when the download host cannot be reached, and says what to install", async () => {
  const dir = await scratchDir("ts-nothing");
  try {
    await mkdir(join(dir.path, "bin"));
    const started = Date.now();
    const error = await locateTestServer({
      // `.invalid` never resolves (RFC 2606), like any host on a machine without network.
      downloadBaseUrl: "https://sandglass.invalid",
      env: { PATH: join(dir.path, "bin"), SANDGLASS_CACHE_DIR: join(dir.path, "cache") },
    }).then(() => undefined, (e: unknown) => e);
    const elapsed = Date.now() - started;
    assert.ok(error instanceof Error);
    assert.match(error.message, /^Cannot find the Temporal test server 1\.38\.0/);
    assert.match(
      error.message,
      /- download: Request to 'https:\/\/sandglass\.invalid\/temporal-test-server\/v1\.38\.0\?/,
    );
    assert.match(error.message, /- build: Java is not installed/);
    assert.match(
      error.message,
      /install a Java runtime \(8 or later\) and Maven .* set TEMPORAL_TEST_SERVER_PATH/,
    );
    assert.ok(elapsed < 15_000, `took ${elapsed} ms`);
  } finally {
    await dir.cleanup();
  }
});

test("locateTestServer fetches the jars with Maven into the cache, once for concurrent callers", {
  timeout: 600_000,
}, async () => {
  const dir = await scratchDir("ts-maven");
  try {
    const progress: string[] = [];
    const options = {
      cacheDir: dir.path,
      download: false,
      env: { ...process.env, TEMPORAL_TEST_SERVER_PATH: "" },
      onProgress: (line: string) => progress.push(line),
    };
    const [first, second] = await Promise.all([locateTestServer(options), locateTestServer(options)]);
    const lib = join(dir.path, "temporal-test-server", TEST_SERVER_VERSION, "lib");
    for (const server of [first, second]) {
      assert.equal(server.kind, "java");
      assert.equal(server.kind === "java" && server.classpath, join(lib, "*"));
    }
    assert.deepEqual([first.source, second.source].sort(), ["build", "cache"]);
    assert.equal(progress.filter((line) => line.includes("with Maven")).length, 1);
    const jars = await readdir(lib);
    assert.ok(jars.includes(`temporal-test-server-${TEST_SERVER_VERSION}.jar`), jars.join(", "));
    assert.ok(jars.some((jar) => jar.startsWith("grpc-netty-shaded-")), jars.join(", "));

    const again = await locateTestServer(options);
    assert.equal(again.source, "cache");
  } finally {
    await dir.cleanup();
  }
});
