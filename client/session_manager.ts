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
import { Http2SessionManager } from "@connectrpc/connect-node";
import type { Http2SessionOptions } from "@connectrpc/connect-node";
import type { SecureClientSessionOptions } from "node:http2";

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

  /** The origin this manager connects to. */
  get authority(): string {
    return this.#inner.authority;
  }

  /**
   * @param baseUrl `http://host:port` or `https://host:port`.
   * @param keepAlive Ping options of Connect-RPC's manager.
   * @param nodeOptions Options for `http2.connect` (TLS material, server name).
   */
  constructor(baseUrl: string, keepAlive: Http2SessionOptions, nodeOptions?: SecureClientSessionOptions) {
    this.#inner = new Http2SessionManager(baseUrl, keepAlive, nodeOptions);
  }

  /** Opens a stream, connecting first if needed. */
  async request(
    method: string,
    path: string,
    headers: OutgoingHttpHeaders,
    options: Omit<ClientSessionRequestOptions, "signal">,
  ): Promise<ClientHttp2Stream> {
    const stream = await this.#inner.request(method, path, headers, options);
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
