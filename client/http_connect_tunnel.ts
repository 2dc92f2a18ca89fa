/**
 * The tunnel through an HTTP CONNECT proxy on which a connection speaks HTTP/2 (over TLS when
 * TLS is on). Loaded with the rest of the RPC stack when a connection is made.
 *
 * @module
 */
import { Buffer } from "node:buffer";
import { connect as netConnect, type Socket } from "node:net";
import { Code, ConnectError } from "@connectrpc/connect";
import type { ResolvedHttpConnectProxy } from "./http_connect_proxy.ts";

/** The most bytes of response head accepted from a proxy before giving up on it. */
const MAX_RESPONSE_HEAD = 16 * 1024;

/** How long a proxy may take to answer CONNECT before the attempt fails (and is retried). */
const HANDSHAKE_TIMEOUT_MS = 30_000;

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
