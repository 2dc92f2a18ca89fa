/**
 * TLS settings for a connection and their translation to Node's HTTP/2 session options (which
 * Deno and Bun implement too).
 *
 * @module
 */
import type { SecureClientSessionOptions } from "node:http2";

/** PEM text, as a string or as its bytes. */
export type PEM = string | Uint8Array;

/**
 * TLS configuration. Without a root CA the runtime's trusted roots are used (enough for
 * Temporal Cloud); give a client certificate and key together for mutual TLS.
 *
 * @example
 * ```ts
 * const tls: TLSConfig = { clientCert: certPem, clientPrivateKey: keyPem };
 * ```
 */
export interface TLSConfig {
  /** Root CA certificate(s) that signed the server's certificate. Default: the system roots. */
  serverRootCACert?: PEM;
  /** Client certificate for mutual TLS (PEM). Requires `clientPrivateKey`. */
  clientCert?: PEM;
  /** Private key of the client certificate (PEM). Requires `clientCert`. */
  clientPrivateKey?: PEM;
  /** Name to verify the server's certificate against (and send as SNI). Default: the host. */
  serverName?: string;
}

/**
 * Validates TLS configuration before any I/O and returns the session options for
 * `http2.connect`.
 *
 * @throws {TypeError} If only one of client certificate and key is given, or a value is not PEM.
 */
export function tlsSessionOptions(tls: TLSConfig): SecureClientSessionOptions {
  if (typeof tls !== "object" || tls === null) {
    throw new TypeError(`Invalid tls '${String(tls)}': expected true, false or a TLS configuration object`);
  }
  const options: SecureClientSessionOptions = {};
  if ((tls.clientCert === undefined) !== (tls.clientPrivateKey === undefined)) {
    throw new TypeError("Invalid tls: clientCert and clientPrivateKey must be given together for mutual TLS");
  }
  if (tls.serverRootCACert !== undefined) options.ca = pemText(tls.serverRootCACert, "serverRootCACert");
  if (tls.clientCert !== undefined) options.cert = pemText(tls.clientCert, "clientCert");
  if (tls.clientPrivateKey !== undefined) options.key = pemText(tls.clientPrivateKey, "clientPrivateKey");
  if (tls.serverName !== undefined) {
    if (typeof tls.serverName !== "string" || tls.serverName === "") {
      throw new TypeError(`Invalid tls serverName '${String(tls.serverName)}': expected a host name`);
    }
    options.servername = tls.serverName;
  }
  return options;
}

function pemText(value: PEM, field: string): string {
  const text = typeof value === "string"
    ? value
    : value instanceof Uint8Array
    ? new TextDecoder().decode(value)
    : undefined;
  if (text === undefined || !text.includes("-----BEGIN ")) {
    throw new TypeError(`Invalid tls ${field}: expected PEM text (a string or bytes with '-----BEGIN ...')`);
  }
  return text;
}
