import { test } from "node:test";
import assert from "node:assert/strict";
import { execFile, spawn } from "node:child_process";
import { createServer, type Server } from "node:http";
import { createServer as createTcpServer, type Socket } from "node:net";
import { access, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import process from "node:process";
import { promisify } from "node:util";
import { locateTemporalCli, TEMPORAL_CLI_VERSION } from "../../testing/mod.ts";
import { scratchDir, writeScript } from "./_helpers.ts";

const pinned = `temporal version ${TEMPORAL_CLI_VERSION} (Server 1.29.1, UI 2.42.1)`;
const older = "temporal version 1.4.0 (Server 1.28.0, UI 2.39.0)";

test("locateTemporalCli uses the path option as given, whatever version it reports", async () => {
  const dir = await scratchDir("cli-option");
  try {
    const path = await writeScript(join(dir.path, "my-temporal"), older);
    const cli = await locateTemporalCli({ path, env: { TEMPORAL_CLI_PATH: "/nonexistent", PATH: "" } });
    assert.deepEqual(cli, { path, version: "1.4.0", source: "option" });
  } finally {
    await dir.cleanup();
  }
});

test("locateTemporalCli rejects a path option that is not an executable file", async () => {
  await assert.rejects(
    locateTemporalCli({ path: "/nonexistent/temporal", env: { PATH: "" } }),
    /Temporal CLI '\/nonexistent\/temporal' from the path option is not an executable file/,
  );
});

test("locateTemporalCli prefers TEMPORAL_CLI_PATH to temporal on PATH", async () => {
  const dir = await scratchDir("cli-env");
  try {
    const fromEnv = await writeScript(join(dir.path, "env", "temporal"), older);
    await writeScript(join(dir.path, "bin", "temporal"), pinned);
    const cli = await locateTemporalCli({ env: { TEMPORAL_CLI_PATH: fromEnv, PATH: join(dir.path, "bin") } });
    assert.deepEqual(cli, { path: fromEnv, version: "1.4.0", source: "env" });
  } finally {
    await dir.cleanup();
  }
});

test("locateTemporalCli uses temporal on PATH when it is the pinned version", async () => {
  const dir = await scratchDir("cli-path");
  try {
    const onPath = await writeScript(join(dir.path, "bin", "temporal"), pinned);
    const cli = await locateTemporalCli({
      env: { PATH: `${join(dir.path, "empty")}:${join(dir.path, "bin")}` },
      cacheDir: join(dir.path, "cache"),
      download: false,
      build: false,
    });
    assert.deepEqual(cli, { path: onPath, version: TEMPORAL_CLI_VERSION, source: "path" });
  } finally {
    await dir.cleanup();
  }
});

test("locateTemporalCli passes over another version on PATH and says how to accept it", async () => {
  const dir = await scratchDir("cli-wrong-version");
  try {
    const onPath = await writeScript(join(dir.path, "bin", "temporal"), older);
    const error = await locateTemporalCli({
      env: { PATH: join(dir.path, "bin") },
      cacheDir: join(dir.path, "cache"),
      download: false,
      build: false,
    }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof Error);
    assert.match(error.message, /^Cannot find the Temporal CLI 1\.5\.1/);
    assert.ok(
      error.message.includes(
        `'${onPath}' is version 1.4.0, not 1.5.1; pass allowAnyVersion: true to use it anyway`,
      ),
      error.message,
    );
    assert.match(
      error.message,
      /install Go >= 1\.25 .* or install the Temporal CLI 1\.5\.1 .* set TEMPORAL_CLI_PATH/,
    );

    const accepted = await locateTemporalCli({ env: { PATH: join(dir.path, "bin") }, allowAnyVersion: true });
    assert.deepEqual(accepted, { path: onPath, version: "1.4.0", source: "path" });
  } finally {
    await dir.cleanup();
  }
});

test("locateTemporalCli finds the CLI in the cache folder, named by version", async () => {
  const dir = await scratchDir("cli-cache");
  try {
    const cached = await writeScript(
      join(dir.path, "temporal-cli", TEMPORAL_CLI_VERSION, "temporal"),
      pinned,
    );
    const viaOption = await locateTemporalCli({
      env: { PATH: "" },
      cacheDir: dir.path,
      download: false,
      build: false,
    });
    assert.deepEqual(viaOption, { path: cached, version: TEMPORAL_CLI_VERSION, source: "cache" });
    const viaEnv = await locateTemporalCli({
      env: { PATH: "", SANDGLASS_CACHE_DIR: dir.path },
      download: false,
      build: false,
    });
    assert.equal(viaEnv.path, cached);
  } finally {
    await dir.cleanup();
  }
});

test("locateTemporalCli gives up on an unresponsive download service within downloadTimeoutMs", async () => {
  const dir = await scratchDir("cli-blackhole");
  // Accepts connections and never answers, like a network that drops packets.
  const sockets = new Set<Socket>();
  const blackhole = createTcpServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => blackhole.listen(0, "127.0.0.1", resolve));
  const { port } = blackhole.address() as { port: number };
  try {
    const started = Date.now();
    const error = await locateTemporalCli({
      env: { PATH: "" },
      cacheDir: dir.path,
      downloadBaseUrl: `http://127.0.0.1:${port}`,
      downloadTimeoutMs: 300,
      build: false,
    }).then(() => undefined, (e: unknown) => e);
    const elapsed = Date.now() - started;
    assert.ok(error instanceof Error);
    assert.match(
      error.message,
      new RegExp(
        `- download: Request to 'http://127\\.0\\.0\\.1:${port}/cli/v1\\.5\\.1\\?[^']*' failed: no answer within 300 ms`,
      ),
    );
    assert.ok(elapsed < 10_000, `took ${elapsed} ms`);
    await assert.rejects(access(join(dir.path, "temporal-cli", TEMPORAL_CLI_VERSION, "temporal")));
  } finally {
    for (const socket of sockets) socket.destroy();
    await new Promise((resolve) => blackhole.close(resolve));
    await dir.cleanup();
  }
});

test("locateTemporalCli downloads the archive temporal.download points to and caches its executable", async () => {
  const dir = await scratchDir("cli-download");
  const archiveDir = join(dir.path, "archive");
  await writeScript(join(archiveDir, "temporal"), pinned);
  await promisify(execFile)("tar", ["-czf", join(dir.path, "cli.tar.gz"), "-C", archiveDir, "temporal"]);
  const archive = await readFile(join(dir.path, "cli.tar.gz"));
  const requests: string[] = [];
  const server: Server = createServer((request, response) => {
    requests.push(request.url ?? "");
    const url = new URL(request.url ?? "/", "http://localhost");
    if (url.pathname === "/cli/v1.5.1") {
      response.setHeader("content-type", "application/json");
      response.end(
        JSON.stringify({ archiveUrl: "/archives/temporal_cli_1.5.1.tar.gz", fileToExtract: "temporal" }),
      );
    } else if (url.pathname === "/archives/temporal_cli_1.5.1.tar.gz") {
      response.end(archive);
    } else {
      response.statusCode = 404;
      response.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  try {
    const cacheDir = join(dir.path, "cache");
    const cli = await locateTemporalCli({
      env: { PATH: "" },
      cacheDir,
      downloadBaseUrl: `http://127.0.0.1:${port}`,
      build: false,
    });
    const expected = join(cacheDir, "temporal-cli", TEMPORAL_CLI_VERSION, "temporal");
    assert.deepEqual(cli, { path: expected, version: TEMPORAL_CLI_VERSION, source: "download" });
    const info = new URL(requests[0] ?? "", "http://localhost");
    assert.equal(info.pathname, "/cli/v1.5.1");
    assert.equal(info.searchParams.get("platform"), process.platform === "darwin" ? "darwin" : "linux");
    assert.equal(info.searchParams.get("arch"), process.arch === "arm64" ? "arm64" : "amd64");
    assert.equal(info.searchParams.get("format"), "tar.gz");
    const { stdout } = await promisify(execFile)(expected, ["--version"]);
    assert.equal(stdout.trim(), pinned);

    const again = await locateTemporalCli({
      env: { PATH: "" },
      cacheDir,
      downloadBaseUrl: "http://127.0.0.1:1",
    });
    assert.equal(again.source, "cache");
    assert.equal(requests.length, 2);
  } finally {
    await new Promise((resolve) => server.close(resolve));
    await dir.cleanup();
  }
});

test("locateTemporalCli says Go is missing when it cannot build", async () => {
  const dir = await scratchDir("cli-no-go");
  try {
    await mkdir(join(dir.path, "bin"));
    const error = await locateTemporalCli({
      env: { PATH: join(dir.path, "bin") },
      cacheDir: dir.path,
      download: false,
    }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof Error);
    assert.match(error.message, /- build: Go is not installed/);
    assert.match(error.message, /To fix it, install Go >= 1\.25/);
  } finally {
    await dir.cleanup();
  }
});

test("locateTemporalCli takes over a lock file left by a process that died", async () => {
  const dir = await scratchDir("cli-stale-lock");
  try {
    const dead = spawn(process.execPath, ["--version"], { stdio: "ignore" });
    await new Promise((resolve) => dead.once("exit", resolve));
    const folder = join(dir.path, "temporal-cli", TEMPORAL_CLI_VERSION);
    await mkdir(dirname(folder), { recursive: true });
    await writeFile(`${folder}.lock`, `${dead.pid}\n`);
    const progress: string[] = [];
    const error = await locateTemporalCli({
      env: { PATH: "" },
      cacheDir: dir.path,
      downloadBaseUrl: "http://127.0.0.1:1",
      build: false,
      onProgress: (line) => progress.push(line),
    }).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof Error);
    assert.match(error.message, /- download: Request to 'http:\/\/127\.0\.0\.1:1\/cli\/v1\.5\.1/);
    assert.deepEqual(progress, [], "it did not wait for the dead holder");
    await assert.rejects(access(`${folder}.lock`), "the lock is released");
  } finally {
    await dir.cleanup();
  }
});
