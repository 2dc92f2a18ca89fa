import type { DescService } from "@bufbuild/protobuf";
import { type Client, createClient } from "@connectrpc/connect";
import { createGrpcTransport } from "@connectrpc/connect-node";
import {
  type ClientHttp2Session,
  type ClientHttp2Stream,
  connect,
  type OutgoingHttpHeaders,
} from "node:http2";

/**
 * One plaintext HTTP/2 connection for a short-lived check. Unlike connect-node's
 * Http2SessionManager it keeps an 'error' listener on the session for its whole life, so that an
 * error arriving after the connection is closed (Deno's http2 reports EPIPE that way when the
 * peer resets the connection) is dropped instead of crashing the process.
 */
class ProbeSession {
  readonly authority: string;
  #session: ClientHttp2Session | undefined;

  constructor(baseUrl: string) {
    this.authority = new URL(baseUrl).origin;
  }

  #open(): ClientHttp2Session {
    if (this.#session === undefined || this.#session.destroyed || this.#session.closed) {
      const session = connect(this.authority);
      session.on("error", () => {}); // Calls fail through their streams; see the class comment.
      this.#session = session;
    }
    return this.#session;
  }

  connect(): Promise<"open"> {
    this.#open();
    return Promise.resolve("open");
  }

  request(method: string, path: string, headers: OutgoingHttpHeaders): Promise<ClientHttp2Stream> {
    return Promise.resolve().then(() =>
      this.#open().request({ ...headers, ":method": method, ":path": path })
    );
  }

  notifyResponseByteRead(): void {}

  close(): void {
    this.#session?.destroy();
  }
}

/**
 * Calls `fn` with a plaintext gRPC client for `service` at `address` (host:port), then closes
 * the connection so that nothing is left open. When `signal` aborts, the connection is closed at
 * once and the call rejects, even if the peer never answers.
 */
export async function withGrpcClient<S extends DescService, T>(
  address: string,
  service: S,
  signal: AbortSignal,
  fn: (client: Client<S>) => Promise<T>,
): Promise<T> {
  const baseUrl = `http://${address}`;
  const session = new ProbeSession(baseUrl);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason ?? new Error("Aborted"));
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    const transport = createGrpcTransport({ baseUrl, sessionManager: session });
    return await Promise.race([fn(createClient(service, transport)), aborted]);
  } finally {
    if (onAbort) signal.removeEventListener("abort", onAbort);
    session.close();
  }
}
