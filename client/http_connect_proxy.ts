/**
 * The HTTP CONNECT proxy option and its validation, as sdk-core's `HttpConnectProxyOptions` and
 * the Python SDK's `HttpConnectProxyConfig`; the tunnel itself is in `http_connect_tunnel.ts`.
 *
 * @module
 */
import { base64Encode, utf8Encode } from "../common/encoding.ts";
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
    authorization = `Basic ${base64Encode(utf8Encode(`${username}:${password}`))}`;
  }
  return { host: parsed.host, port: parsed.port, authority: parsed.authority, authorization };
}
