/**
 * HTTP CONNECT proxies: validating the option, and opening a tunnel through the proxy on which
 * the connection then speaks HTTP/2 (over TLS when TLS is on), as sdk-core's
 * `HttpConnectProxyOptions` and the Python SDK's `HttpConnectProxyConfig` do.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { connect as netConnect, type Socket } from "node:net";
import { Code, ConnectError } from "@connectrpc/connect";
import { parseAddress } from "./address.ts";

/**
 * An HTTP CONNECT proxy between this process and the Temporal Service. The connection opens a
 * TCP connection to the proxy, asks it to `CONNECT` to the server's `host:port`, and speaks
 * gRPC (with TLS end to end, if on) through the tunnel.
 *
 * @example
 * ```ts
 * const connection = await Connection.connect({
 *   address: "my-ns.a1b2c.tmprl.cloud:7233",
 *   apiKey: process.env.TEMPORAL_API_KEY,
 *   httpConnectProxy: { targetHost: "proxy.internal:3128", basicAuth: { username: "u", password: "p" } },
 * });
 * ```
 */
export interface HttpConnectProxyOptions {
  /** `host:port` of the proxy (no scheme; the proxy is spoken to in plain HTTP/1.1). */
  targetHost: string;
  /** Credentials sent as `Proxy-Authorization: Basic ...`. Default: none. */
  basicAuth?: { username: string; password: string };
}

/** A validated proxy option. */
export interface ResolvedHttpConnectProxy {
  /** Host of the proxy (IPv6 without brackets). */
  readonly host: string;
  /** Port of the proxy. */
  readonly port: number;
  /** `host:port` of the proxy, for messages. */
  readonly authority: string;
  /** The `Proxy-Authorization` header value, if credentials were given. */
  readonly authorization: string | undefined;
}

/** The most bytes of response head accepted from a proxy before giving up on it. */
const MAX_RESPONSE_HEAD = 16 * 1024;

/** How long a proxy may take to answer CONNECT before the attempt fails (and is retried). */
const HANDSHAKE_TIMEOUT_MS = 30_000;

/**
 * Validates the proxy option before any I/O.
 *
 * @throws {TypeError} If the option is not an object, `targetHost` is not `host:port`, or the
 *   credentials are not strings (or the user name is empty or holds a `:`).
 */
export function resolveHttpConnectProxy(option: HttpConnectProxyOptions): ResolvedHttpConnectProxy {
  if (typeof option !== "object" || option === null) {
    throw new TypeError(
      `Invalid httpConnectProxy '${String(option)}': expected { targetHost: "host:port", basicAuth? }`,
    );
  }
  const { targetHost, basicAuth } = option;
  if (typeof targetHost !== "string" || targetHost.includes("://")) {
    throw new TypeError(
      `Invalid httpConnectProxy targetHost '${
        String(targetHost)
      }': expected the proxy's host:port, without a scheme`,
    );
  }
  let parsed;
  try {
    parsed = parseAddress(targetHost);
  } catch (error) {
    throw new TypeError(
      `Invalid httpConnectProxy targetHost '${targetHost}': expected the proxy's host:port`,
      { cause: error },
    );
  }
  if (!/:\d+$/.test(targetHost.trim())) {
    throw new TypeError(`Invalid httpConnectProxy targetHost '${targetHost}': the proxy's port is missing`);
  }
  let authorization: string | undefined;
  if (basicAuth !== undefined) {
    if (typeof basicAuth !== "object" || basicAuth === null) {
      throw new TypeError(
        `Invalid httpConnectProxy basicAuth '${String(basicAuth)}': expected { username, password }`,
      );
    }
    const { username, password } = basicAuth;
    if (typeof username !== "string" || username === "" || username.includes(":")) {
      throw new TypeError(
        `Invalid httpConnectProxy basicAuth username '${
          String(username)
        }': expected a non-empty string without ':'`,
      );
    }
    if (typeof password !== "string") {
      throw new TypeError("Invalid httpConnectProxy basicAuth password: expected a string");
    }
    if ([...(username + password)].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f)) {
      throw new TypeError("Invalid httpConnectProxy basicAuth: control characters are not allowed");
    }
    authorization = `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
  }
  return { host: parsed.host, port: parsed.port, authority: parsed.authority, authorization };
}

/**
 * Opens a TCP connection to the proxy and asks it to tunnel to `target` (`host:port`). Resolves
 * with the socket once the proxy answers `2xx`; any bytes after the answer's head stay readable.
 * `signal` (e.g. the connection closing) abandons the attempt and closes the socket.
 *
 * @throws {ConnectError} `UNAUTHENTICATED` for 407, `PERMISSION_DENIED` for 403, `UNAVAILABLE`
 *   for other answers and for a proxy that cannot be reached or hangs up; each message quotes
 *   the proxy's status line.
 */
export function openHttpConnectTunnel(
  proxy: ResolvedHttpConnectProxy,
  target: string,
  signal?: AbortSignal,
): Promise<Socket> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const socket = netConnect({ host: proxy.host, port: proxy.port });
    const onAbort = () => {
      cleanup();
      socket.destroy();
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      fail(
        new ConnectError(
          `The HTTP CONNECT proxy at '${proxy.authority}' did not answer CONNECT ${target} within ${
            HANDSHAKE_TIMEOUT_MS / 1000
          } s`,
          Code.Unavailable,
        ),
      );
    }, HANDSHAKE_TIMEOUT_MS);
    let head = Buffer.alloc(0);
    const fail = (error: ConnectError) => {
      cleanup();
      socket.destroy();
      reject(error);
    };
    const onError = (error: Error) => {
      const code = (error as { code?: unknown }).code;
      fail(
        new ConnectError(
          `Cannot reach the HTTP CONNECT proxy at '${proxy.authority}': ${
            typeof code === "string" ? code : error.message
          }`,
          Code.Unavailable,
          undefined,
          undefined,
          error,
        ),
      );
    };
    const onClose = () => {
      fail(
        new ConnectError(
          `The HTTP CONNECT proxy at '${proxy.authority}' closed the connection before answering CONNECT ${target}`,
          Code.Unavailable,
        ),
      );
    };
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) {
        if (head.length > MAX_RESPONSE_HEAD) {
          fail(
            new ConnectError(
              `The HTTP CONNECT proxy at '${proxy.authority}' sent an answer head over ${MAX_RESPONSE_HEAD} bytes`,
              Code.Unavailable,
            ),
          );
        }
        return;
      }
      const statusLine = head.subarray(0, head.indexOf("\r\n")).toString("latin1");
      const status = /^HTTP\/1\.[01] (\d{3})(?: |$)/.exec(statusLine)?.[1];
      if (status === undefined || !status.startsWith("2")) {
        fail(refusal(proxy, target, statusLine, status));
        return;
      }
      // Hold what follows (e.g. the server's first HTTP/2 frames) until the tunnel's user reads.
      socket.pause();
      cleanup();
      const rest = head.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      resolve(socket);
    };
    const cleanup = () => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      socket.off("data", onData);
      socket.off("error", onError);
      socket.off("close", onClose);
    };
    signal?.addEventListener("abort", onAbort);
    socket.on("data", onData);
    socket.on("error", onError);
    socket.on("close", onClose);
    socket.write(
      `CONNECT ${target} HTTP/1.1\r\nHost: ${target}\r\n` +
        (proxy.authorization === undefined ? "" : `Proxy-Authorization: ${proxy.authorization}\r\n`) +
        "\r\n",
    );
  });
}

function refusal(
  proxy: ResolvedHttpConnectProxy,
  target: string,
  statusLine: string,
  status: string | undefined,
): ConnectError {
  const quoted = statusLine.length > 200 ? `${statusLine.slice(0, 200)}...` : statusLine;
  const base =
    `The HTTP CONNECT proxy at '${proxy.authority}' refused the tunnel to '${target}': '${quoted}'`;
  if (status === "407") {
    const hint = proxy.authorization === undefined
      ? "; it requires credentials: set httpConnectProxy.basicAuth"
      : "; check httpConnectProxy.basicAuth";
    return new ConnectError(base + hint, Code.Unauthenticated);
  }
  if (status === "403") return new ConnectError(base, Code.PermissionDenied);
  return new ConnectError(base, Code.Unavailable);
}
