/**
 * Parsing and validating the address of a Temporal Service before any I/O.
 *
 * @module
 */

/** The address used when none is given: the CLI dev server's default gRPC port. */
export const DEFAULT_ADDRESS = "localhost:7233";

/** The port used when an address names no port. */
export const DEFAULT_PORT = 7233;

/** An address split into its parts. */
export interface ParsedAddress {
  /** Host name, IPv4 address, or IPv6 address without brackets. */
  readonly host: string;
  /** TCP port, 1 to 65535. */
  readonly port: number;
  /** `"https"` or `"http"` if the address carried a scheme, else `undefined`. */
  readonly scheme: "http" | "https" | undefined;
  /** `host:port` as used on the wire (IPv6 hosts in brackets). */
  readonly authority: string;
}

const SCHEME = /^(https?):\/\//i;
const HOST_NAME =
  /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)*\.?$/;
const IPV6_CHARS = /^[0-9A-Fa-f:.]+$/;
const PORT = /^\d{1,5}$/;

/**
 * Parses `host:port`, `[ipv6]:port`, optionally prefixed by `http://` or `https://`. A missing
 * port means {@linkcode DEFAULT_PORT}.
 *
 * @param address The address as the user wrote it.
 * @returns Its parts.
 * @throws {TypeError} If the address is malformed; the message quotes it.
 *
 * @example
 * ```ts
 * parseAddress("[::1]:7233"); // { host: "::1", port: 7233, scheme: undefined, authority: "[::1]:7233" }
 * ```
 */
export function parseAddress(address: string): ParsedAddress {
  if (typeof address !== "string") {
    throw new TypeError(`Invalid address '${String(address)}': expected a string such as 'localhost:7233'`);
  }
  const fail = (why: string): never => {
    throw new TypeError(`Invalid address '${address}': ${why}`);
  };
  let rest = address.trim();
  if (rest === "") fail("expected host:port such as 'localhost:7233'");
  let scheme: "http" | "https" | undefined;
  const schemeMatch = SCHEME.exec(rest);
  if (schemeMatch !== null) {
    scheme = (schemeMatch[1] as string).toLowerCase() as "http" | "https";
    rest = rest.slice(schemeMatch[0].length);
    if (rest.endsWith("/")) rest = rest.slice(0, -1);
  } else if (rest.includes("://")) {
    fail("expected host:port, optionally after 'http://' or 'https://'");
  }
  if (/[/?#@\s]/.test(rest)) fail("expected host:port without a path, query, user or spaces");

  let host: string;
  let portText: string | undefined;
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close < 0) fail("an IPv6 address opened with '[' must close with ']'");
    host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after !== "") {
      if (!after.startsWith(":")) fail("expected ':port' after the bracketed IPv6 address");
      portText = after.slice(1);
    }
    if (!IPV6_CHARS.test(host) || !host.includes(":") || !isValidIpv6(host)) {
      fail(`'${host}' is not an IPv6 address`);
    }
  } else {
    const colons = rest.split(":").length - 1;
    if (colons > 1) fail("expected host:port (write IPv6 addresses in brackets: '[::1]:7233')");
    const colon = rest.indexOf(":");
    host = colon < 0 ? rest : rest.slice(0, colon);
    portText = colon < 0 ? undefined : rest.slice(colon + 1);
    if (!HOST_NAME.test(host)) fail(`'${host}' is not a host name or IP address`);
  }
  let port = DEFAULT_PORT;
  if (portText !== undefined) {
    if (!PORT.test(portText)) fail(`port '${portText}' is not a number from 1 to 65535`);
    port = Number(portText);
    if (port < 1 || port > 65535) fail(`port '${portText}' is not a number from 1 to 65535`);
  }
  const authority = host.includes(":") ? `[${host}]:${port}` : `${host}:${port}`;
  return { host, port, scheme, authority };
}

function isValidIpv6(host: string): boolean {
  try {
    // The WHATWG URL parser validates IPv6 literals.
    new URL(`http://[${host}]/`);
    return true;
  } catch {
    return false;
  }
}
