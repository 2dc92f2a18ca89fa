/**
 * The HTTP/2 session manager of a connection: Connect-RPC's `Http2SessionManager`, plus a guard
 * so that a session that reports an error after Connect-RPC has let go of it cannot crash the
 * process with an unhandled `'error'` event. Deno's `node:http2` does that when a TLS 1.3 server
 * rejects the client (e.g. mutual TLS without a client certificate): the call fails properly,
 * then the abandoned session emits the same error once more.
 *
 * @module
 */
import type {
  ClientHttp2Session,
  ClientHttp2Stream,
  ClientSessionRequestOptions,
  OutgoingHttpHeaders,
} from "node:http2";
import { isIP } from "node:net";
import type { Duplex } from "node:stream";
import { connect as tlsConnect } from "node:tls";
import { Http2SessionManager } from "@connectrpc/connect-node";
import type { Http2SessionOptions } from "@connectrpc/connect-node";
import type { SecureClientSessionOptions } from "node:http2";
import { openHttpConnectTunnel, pendingTunnel } from "./http_connect_proxy.ts";
import type { ResolvedHttpConnectProxy } from "./http_connect_proxy.ts";

const guarded = new WeakSet<ClientHttp2Session>();

function ignoreLateErrors(session: ClientHttp2Session): void {
  if (guarded.has(session)) return;
  guarded.add(session);
  // Connect-RPC keeps its own error listener while it uses the session; this one only stops an
  // error after that from being unhandled.
  session.on("error", () => {});
}

/** A session manager for one connection; see the module documentation. */
export class SessionManager {
  readonly #inner: Http2SessionManager;
  #tunnelFailure: unknown;

  /** The origin this manager connects to. */
  get authority(): string {
    return this.#inner.authority;
  }

  /**
   * @param baseUrl `http://host:port` or `https://host:port`.
   * @param keepAlive Ping options of Connect-RPC's manager.
   * @param nodeOptions Options for `http2.connect` (TLS material, server name).
   * @param proxy An HTTP CONNECT proxy to reach the server through. Default: none.
   */
  constructor(
    baseUrl: string,
    keepAlive: Http2SessionOptions,
    nodeOptions?: SecureClientSessionOptions,
    proxy?: ResolvedHttpConnectProxy,
  ) {
    let options = nodeOptions;
    if (proxy !== undefined) {
      const url = new URL(baseUrl);
      options = {
        ...nodeOptions,
        createConnection: () => this.#openTunnel(proxy, url, nodeOptions ?? {}),
      };
    }
    this.#inner = new Http2SessionManager(baseUrl, keepAlive, options);
  }

  /**
   * A stream for `http2.connect` that becomes the tunnel through the proxy once it is open (with
   * TLS on top, end to end with the server, if the URL is `https:`).
   */
  #openTunnel(proxy: ResolvedHttpConnectProxy, url: URL, tlsOptions: SecureClientSessionOptions): Duplex {
    this.#tunnelFailure = undefined;
    // The URL drops a scheme's default port; the proxy needs it.
    const target = `${url.hostname}:${url.port || (url.protocol === "https:" ? "443" : "80")}`;
    const opening = openHttpConnectTunnel(proxy, target).then((socket): Promise<Duplex> | Duplex => {
      if (url.protocol !== "https:") return socket;
      const host = url.hostname.replace(/^\[|\]$/g, "");
      const servername = tlsOptions.servername ?? (isIP(host) === 0 ? host : undefined);
      return new Promise<Duplex>((resolve, reject) => {
        const secure = tlsConnect({
          ...tlsOptions,
          socket,
          ALPNProtocols: ["h2"],
          ...(servername === undefined ? {} : { servername }),
        });
        secure.once("secureConnect", () => {
          secure.off("error", reject);
          resolve(secure);
        });
        secure.once("error", reject);
      });
    });
    return pendingTunnel(opening, (error) => (this.#tunnelFailure = error));
  }

  /** Opens a stream, connecting first if needed. */
  async request(
    method: string,
    path: string,
    headers: OutgoingHttpHeaders,
    options: Omit<ClientSessionRequestOptions, "signal">,
  ): Promise<ClientHttp2Stream> {
    let stream: ClientHttp2Stream;
    try {
      stream = await this.#inner.request(method, path, headers, options);
    } catch (error) {
      // The runtime's HTTP/2 layer may hide why the tunnel failed (e.g. as a reset socket): the
      // proxy's own answer is the better error.
      const tunnelFailure = this.#tunnelFailure;
      this.#tunnelFailure = undefined;
      throw tunnelFailure ?? error;
    }
    ignoreLateErrors(stream.session as ClientHttp2Session);
    return stream;
  }

  /** Tells the keep-alive logic that the connection is alive. */
  notifyResponseByteRead(stream: ClientHttp2Stream): void {
    this.#inner.notifyResponseByteRead(stream);
  }

  /** Closes the connection and every stream on it. */
  abort(reason?: Error): void {
    this.#inner.abort(reason);
  }
}
