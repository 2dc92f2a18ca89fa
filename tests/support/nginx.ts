/**
 * A real TLS-terminating gRPC proxy for the tests: nginx (Debian's `nginx-light` or `nginx`) in
 * front of a Temporal server, with two TLS listeners (one asking for no client certificate, one
 * requiring a client certificate signed by the test CA) and an access log recording the
 * `authorization` header of every call. Everything nginx writes stays in a temporary folder.
 *
 * @example
 * ```ts
 * import { startGrpcTlsProxy } from "../support/nginx.ts";
 *
 * await using proxy = await startGrpcTlsProxy({ upstream: "127.0.0.1:7233", certs, dir });
 * // proxy.tlsAddress, proxy.mtlsAddress, await proxy.accessLog()
 * ```
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { mkdir, mkdtemp, readFile, writeFile } from "node:fs/promises";
import { connect } from "node:net";
import { join } from "node:path";
import process from "node:process";
import { killOnExit } from "../../testing/_exit_cleanup.ts";
import { findFreePort } from "../../testing/free_port.ts";
import type { TestCertificates } from "./certs.ts";

/** Options of {@linkcode startGrpcTlsProxy}. */
export interface GrpcTlsProxyOptions {
  /** `host:port` of the plaintext gRPC server behind the proxy. */
  upstream: string;
  /** Server certificate for both listeners; its CA verifies clients on the mutual-TLS one. */
  certs: TestCertificates;
  /** Existing folder for the configuration, logs and temporary files. */
  dir: string;
}

/** One call seen by the proxy. */
export interface ProxyAccessLogEntry {
  /** Port of the listener that took the call. */
  port: number;
  /** gRPC method path, e.g. `/temporal.api.workflowservice.v1.WorkflowService/GetSystemInfo`. */
  path: string;
  /** HTTP status the proxy answered with (400 for a missing client certificate). */
  status: number;
  /** The `authorization` header as received, or `undefined` if there was none. */
  authorization: string | undefined;
}

/** A running nginx; stop it with `stop()` or `await using`. */
export interface GrpcTlsProxy extends AsyncDisposable {
  /** `127.0.0.1:port` of the listener with TLS and no client certificate check. */
  readonly tlsAddress: string;
  /** `127.0.0.1:port` of the listener that requires a client certificate signed by the test CA. */
  readonly mtlsAddress: string;
  /** Calls logged so far, oldest first. */
  accessLog(): Promise<ProxyAccessLogEntry[]>;
  /** Stops nginx and waits for it to exit; safe to call twice. */
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 10_000;
const MAX_ATTEMPTS = 3;

/**
 * Finds nginx, writes a configuration for free ports and starts it in the foreground
 * (`daemon off`, a single process), then waits until both listeners accept connections. nginx is
 * killed if this process exits without stopping it.
 *
 * @throws {Error} If nginx is not installed (the message says which package to install), lacks
 *   the HTTP/2 or gRPC modules, or does not start (the message quotes its error log).
 */
export async function startGrpcTlsProxy(options: GrpcTlsProxyOptions): Promise<GrpcTlsProxy> {
  const nginx = await locateNginx();
  const version = await nginxVersion(nginx);
  let lastError: Error | undefined;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const prefix = await mkdtemp(join(options.dir, "nginx-"));
    const tlsPort = await findFreePort();
    let mtlsPort = await findFreePort();
    while (mtlsPort === tlsPort) mtlsPort = await findFreePort();
    const config = nginxConfig({ ...options, prefix, tlsPort, mtlsPort, version });
    await writeFile(join(prefix, "nginx.conf"), config);
    for (const folder of ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"]) {
      await mkdir(join(prefix, "temp", folder), { recursive: true });
    }
    const errorLog = join(prefix, "error.log");
    const child = await spawnNginx(nginx, prefix, errorLog);
    try {
      await waitForPorts(child, [tlsPort, mtlsPort]);
    } catch (error) {
      await stopChild(child);
      const log = (await readFile(errorLog, "utf8").catch(() => "")).trim();
      lastError = new Error(
        `nginx (${nginx}) did not start: ${(error as Error).message}. Its error log '${errorLog}':\n${
          log || "(empty)"
        }`,
        { cause: error },
      );
      if (/Address already in use/.test(log)) continue;
      throw lastError;
    }
    const accessLogPath = join(prefix, "access.log");
    let stopping: Promise<void> | undefined;
    const stop = () => (stopping ??= stopChild(child));
    return {
      tlsAddress: `127.0.0.1:${tlsPort}`,
      mtlsAddress: `127.0.0.1:${mtlsPort}`,
      accessLog: async () => parseAccessLog(await readFile(accessLogPath, "utf8").catch(() => "")),
      stop,
      [Symbol.asyncDispose]: stop,
    };
  }
  throw lastError ?? new Error("nginx did not start");
}

/** nginx from `SANDGLASS_TEST_NGINX`, the `PATH`, or `/usr/sbin` (root's `PATH` only, on Debian). */
async function locateNginx(): Promise<string> {
  const given = process.env["SANDGLASS_TEST_NGINX"];
  const candidates = given ? [given] : [
    ...(process.env["PATH"] ?? "").split(":").filter(Boolean).map((folder) => join(folder, "nginx")),
    "/usr/sbin/nginx",
    "/usr/local/sbin/nginx",
    "/usr/local/nginx/sbin/nginx",
  ];
  for (const candidate of candidates) {
    if (await runs(candidate)) return candidate;
  }
  throw new Error(
    given
      ? `Cannot run nginx at SANDGLASS_TEST_NGINX '${given}': expected an nginx binary`
      : "nginx is not installed: the TLS proxy tests need it. Install it with " +
        "'apt-get install -y nginx-light' (Debian/Ubuntu), or set SANDGLASS_TEST_NGINX to an nginx binary",
  );
}

function runs(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile(path, ["-v"], { timeout: 10_000 }, (error) => resolve(error === null));
  });
}

/** `[major, minor, patch]` from `nginx -v` (which prints to stderr). */
function nginxVersion(nginx: string): Promise<[number, number, number]> {
  return new Promise((resolve, reject) => {
    execFile(nginx, ["-v"], { timeout: 10_000 }, (error, stdout, stderr) => {
      const match = /nginx\/(\d+)\.(\d+)\.(\d+)/.exec(`${stdout}${stderr}`);
      if (error !== null || match === null) {
        reject(new Error(`Cannot read the version of nginx '${nginx}': ${String(stderr).trim()}`));
        return;
      }
      resolve([Number(match[1]), Number(match[2]), Number(match[3])]);
    });
  });
}

interface ConfigInput extends GrpcTlsProxyOptions {
  prefix: string;
  tlsPort: number;
  mtlsPort: number;
  version: [number, number, number];
}

function nginxConfig(input: ConfigInput): string {
  const { prefix, certs, upstream } = input;
  const [major, minor] = input.version;
  // `http2 on;` exists from nginx 1.25.1; before it, HTTP/2 is a flag of `listen`.
  const modernHttp2 = major > 1 || (major === 1 && minor >= 25);
  const listen = (port: number) =>
    modernHttp2 ? `listen 127.0.0.1:${port} ssl;\n    http2 on;` : `listen 127.0.0.1:${port} ssl http2;`;
  const quote = (path: string) => JSON.stringify(path);
  const proxy = `
    ssl_certificate ${quote(certs.server.certPath)};
    ssl_certificate_key ${quote(certs.server.keyPath)};
    location / {
      grpc_pass grpc://${upstream};
      # Long polls last up to 70 s.
      grpc_read_timeout 300s;
      grpc_send_timeout 300s;
    }`;
  return `# Written by tests/support/nginx.ts for one test run.
daemon off;
master_process off;
worker_processes 1;
pid ${quote(join(prefix, "nginx.pid"))};
error_log ${quote(join(prefix, "error.log"))} warn;
events { worker_connections 512; }
http {
  client_body_temp_path ${quote(join(prefix, "temp", "client_body"))};
  proxy_temp_path ${quote(join(prefix, "temp", "proxy"))};
  fastcgi_temp_path ${quote(join(prefix, "temp", "fastcgi"))};
  uwsgi_temp_path ${quote(join(prefix, "temp", "uwsgi"))};
  scgi_temp_path ${quote(join(prefix, "temp", "scgi"))};
  log_format sandglass escape=json '$server_port\t$uri\t$status\t$http_authorization';
  access_log ${quote(join(prefix, "access.log"))} sandglass;
  server {
    ${listen(input.tlsPort)}
${proxy}
  }
  server {
    ${listen(input.mtlsPort)}
    ssl_client_certificate ${quote(certs.ca.certPath)};
    ssl_verify_client on;
${proxy}
  }
}
`;
}

async function spawnNginx(nginx: string, prefix: string, errorLog: string): Promise<ChildProcess> {
  const fd = openSync(errorLog, "a");
  let child: ChildProcess;
  try {
    // `-e` keeps nginx from opening its default error log under /var before reading the config.
    child = spawn(nginx, ["-p", prefix, "-c", join(prefix, "nginx.conf"), "-e", errorLog], {
      stdio: ["ignore", fd, fd],
    });
  } finally {
    closeSync(fd);
  }
  await new Promise<void>((resolve, reject) => {
    child.once("spawn", resolve);
    child.once("error", (error) => reject(new Error(`Cannot start nginx '${nginx}': ${error.message}`)));
  });
  child.unref();
  killOnExit(child);
  return child;
}

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

async function waitForPorts(child: ChildProcess, ports: readonly number[]): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (const port of ports) {
    for (;;) {
      if (hasExited(child)) throw new Error(`it exited (code ${child.exitCode}, signal ${child.signalCode})`);
      if (await accepts(port)) break;
      if (Date.now() > deadline) throw new Error(`port ${port} did not accept within ${READY_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: "127.0.0.1", port });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => {
      socket.destroy();
      resolve(false);
    });
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (hasExited(child)) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  // SIGTERM is nginx's fast shutdown; SIGKILL if it lingers.
  child.kill("SIGTERM");
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), 5_000)));
  if (await Promise.race([exited.then(() => false), late])) child.kill("SIGKILL");
  clearTimeout(timer);
  await exited;
}

function parseAccessLog(text: string): ProxyAccessLogEntry[] {
  const entries: ProxyAccessLogEntry[] = [];
  for (const line of text.split("\n")) {
    if (line === "") continue;
    const [port, path, status, authorization] = line.split("\t");
    entries.push({
      port: Number(port),
      path: path ?? "",
      status: Number(status),
      authorization: authorization ? authorization : undefined,
    });
  }
  return entries;
}
