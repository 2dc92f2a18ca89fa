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
import { Code, ConnectError } from "@connectrpc/connect";
import { openHttpConnectTunnel } from "./http_connect_tunnel.ts";
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
  readonly #proxy: ResolvedHttpConnectProxy | undefined;
  readonly #url: URL;
  readonly #tlsOptions: SecureClientSessionOptions;
  /** A tunnel opened ahead of the next `http2.connect`, which must get its socket synchronously. */
  #spare: Duplex | undefined;
  #opening: Promise<void> | undefined;
  #lastRequestFailed = false;
  readonly #aborted = new AbortController();

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
    this.#proxy = proxy;
    this.#url = new URL(baseUrl);
    this.#tlsOptions = nodeOptions ?? {};
    const options = proxy === undefined ? nodeOptions : {
      ...nodeOptions,
      createConnection: () => this.#takeSpare(proxy),
    };
    this.#inner = new Http2SessionManager(baseUrl, keepAlive, options);
  }

  /** Opens a stream, connecting first if needed. */
  async request(
    method: string,
    path: string,
    headers: OutgoingHttpHeaders,
    options: Omit<ClientSessionRequestOptions, "signal">,
  ): Promise<ClientHttp2Stream> {
    if (this.#proxy !== undefined) await this.#prepareTunnel(this.#proxy);
    let stream: ClientHttp2Stream;
    try {
      stream = await this.#inner.request(method, path, headers, options);
    } catch (error) {
      this.#lastRequestFailed = true;
      throw error;
    }
    this.#lastRequestFailed = false;
    ignoreLateErrors(stream.session as ClientHttp2Session);
    return stream;
  }

  /**
   * Through a proxy, opens the tunnel (and TLS on it) before Connect-RPC's manager connects, when
   * it will: it has no connection, or the last request failed (e.g. the server went away).
   */
  async #prepareTunnel(proxy: ResolvedHttpConnectProxy): Promise<void> {
    if (this.#spare !== undefined) return;
    const state = this.#inner.state();
    if (state !== "closed" && state !== "error" && !this.#lastRequestFailed) return;
    this.#opening ??= this.#openTunnel(proxy).then((socket) => {
      this.#spare = socket;
    }).finally(() => {
      this.#opening = undefined;
    });
    await this.#opening;
  }

  #takeSpare(proxy: ResolvedHttpConnectProxy): Duplex {
    const spare = this.#spare;
    this.#spare = undefined;
    if (spare === undefined) {
      // Connect-RPC reconnects on its own only after a GOAWAY or a failed keep-alive check; that
      // attempt fails (UNAVAILABLE, retried) and the retry opens a tunnel first.
      throw new ConnectError(
        `The tunnel through the HTTP CONNECT proxy at '${proxy.authority}' is not open yet; try again`,
        Code.Unavailable,
      );
    }
    return spare;
  }

  /** A tunnel through the proxy, with TLS (end to end with the server) if the URL is `https:`. */
  async #openTunnel(proxy: ResolvedHttpConnectProxy): Promise<Duplex> {
    const url = this.#url;
    // The URL drops a scheme's default port; the proxy needs it.
    const target = `${url.hostname}:${url.port || (url.protocol === "https:" ? "443" : "80")}`;
    const socket = await openHttpConnectTunnel(proxy, target, this.#aborted.signal);
    if (url.protocol !== "https:") return socket;
    const host = url.hostname.replace(/^\[|\]$/g, "");
    const servername = this.#tlsOptions.servername ?? (isIP(host) === 0 ? host : undefined);
    return await new Promise<Duplex>((resolve, reject) => {
      const secure = tlsConnect({
        ...this.#tlsOptions,
        socket,
        ALPNProtocols: ["h2"],
        ...(servername === undefined ? {} : { servername }),
      });
      const onError = (error: Error) => {
        secure.destroy();
        reject(error);
      };
      secure.once("secureConnect", () => {
        secure.off("error", onError);
        resolve(secure);
      });
      secure.once("error", onError);
    });
  }

  /** Tells the keep-alive logic that the connection is alive. */
  notifyResponseByteRead(stream: ClientHttp2Stream): void {
    this.#inner.notifyResponseByteRead(stream);
  }

  /** Closes the connection and every stream on it. */
  abort(reason?: Error): void {
    this.#aborted.abort(reason ?? new ConnectError("connection aborted", Code.Canceled));
    this.#spare?.destroy();
    this.#spare = undefined;
    this.#opening?.then(() => {
      this.#spare?.destroy();
      this.#spare = undefined;
    }, () => {});
    this.#inner.abort(reason);
  }
}
