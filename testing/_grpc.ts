import type { DescService } from "@bufbuild/protobuf";
import { type Client, createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";

/**
 * Calls `fn` with a plaintext gRPC client for `service` at `address` (host:port), then closes
 * the HTTP/2 connection so that nothing is left open. When `signal` aborts, the connection is
 * closed at once and the call rejects, even if the peer never answers the HTTP/2 handshake.
 */
export async function withGrpcClient<S extends DescService, T>(
  address: string,
  service: S,
  signal: AbortSignal,
  fn: (client: Client<S>) => Promise<T>,
): Promise<T> {
  const baseUrl = `http://${address}`;
  const sessionManager = new Http2SessionManager(baseUrl);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason ?? new Error("Aborted"));
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    return await Promise.race([
      fn(createClient(service, createGrpcTransport({ baseUrl, sessionManager }))),
      aborted,
    ]);
  } finally {
    if (onAbort) signal.removeEventListener("abort", onAbort);
    sessionManager.abort();
  }
}
