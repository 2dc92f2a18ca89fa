/**
 * Recognises failures to reach the server (as opposed to errors the server returned) and
 * describes them in words, e.g. "connection refused".
 *
 * @module
 */

const SOCKET_ERRORS: Readonly<Record<string, string>> = {
  ECONNREFUSED: "connection refused",
  ECONNRESET: "connection reset by peer",
  ENOTFOUND: "host not found",
  EAI_AGAIN: "host name lookup failed temporarily",
  ETIMEDOUT: "connection timed out",
  EHOSTUNREACH: "host unreachable",
  ENETUNREACH: "network unreachable",
  EPIPE: "connection closed by peer",
  ERR_HTTP2_SESSION_ERROR: "HTTP/2 session error",
  ERR_HTTP2_GOAWAY_SESSION: "the server closed the HTTP/2 session",
  ERR_HTTP2_ERROR: "HTTP/2 protocol error (is the server speaking gRPC over HTTP/2, and TLS set right?)",
};

const TLS_CODE = /CERT|SSL|TLS|EPROTO|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME/;

/**
 * If `reason` (or an error in its `cause` chain) is a socket, DNS or TLS error of this process
 * (recognised by its `code` property, never by message text, so that a server's message that
 * mentions a socket error of its own is not mistaken for one), returns a short description such
 * as `"connection refused"`; otherwise `undefined`.
 *
 * @example
 * ```ts
 * describeTransportFailure(Object.assign(new Error("x"), { code: "ECONNREFUSED" })); // "connection refused"
 * ```
 */
export function describeTransportFailure(reason: unknown): string | undefined {
  const seen = new Set<unknown>();
  let current = reason;
  while (typeof current === "object" && current !== null && !seen.has(current)) {
    seen.add(current);
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string") {
      const known = SOCKET_ERRORS[code];
      if (known !== undefined) return known;
      if (TLS_CODE.test(code)) {
        return `TLS handshake failed (${code}: ${(current as { message?: string }).message ?? ""})`;
      }
    }
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}
