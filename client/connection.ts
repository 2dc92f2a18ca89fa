/**
 * `Connection`: one HTTP/2 connection to a Temporal Service and typed clients for its
 * WorkflowService, OperatorService and TestService.
 *
 * @module
 */
import { hostname } from "node:os";
import process from "node:process";
import type { SecureClientSessionOptions } from "node:http2";
import type { Transport } from "@connectrpc/connect";
import { durationToMs } from "../common/duration.ts";
import type { Duration } from "../common/duration.ts";
import type { OperatorService } from "../gen/temporal/api/operatorservice/v1/service_pb.ts";
import type { TestService } from "../gen/temporal/api/testservice/v1/service_pb.ts";
import type {
  GetSystemInfoResponse,
  GetSystemInfoResponse_Capabilities,
} from "../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import type { WorkflowService } from "../gen/temporal/api/workflowservice/v1/service_pb.ts";
import { loadRpcRuntime, type RpcRuntime } from "./_rpc_runtime_loader.ts";
import { DEFAULT_ADDRESS, parseAddress } from "./address.ts";
import { resolveHttpConnectProxy } from "./http_connect_proxy.ts";
import type { HttpConnectProxyOptions, ResolvedHttpConnectProxy } from "./http_connect_proxy.ts";
import { callHeaders, validateApiKey, validateMetadata } from "./call_headers.ts";
import { resolveRetryOptions } from "./retry.ts";
import type { ResolvedRetryOptions, RetryOptions } from "./retry.ts";
import { RPCCode } from "./rpc_code.ts";
import { RPCError } from "./rpc_error.ts";
import { createServiceClient } from "./service_client.ts";
import type { CallContext, ServiceClient } from "./service_client.ts";
import type { SessionManager } from "./session_manager.ts";
import { tlsSessionOptions } from "./tls_config.ts";
import type { TLSConfig } from "./tls_config.ts";

/** HTTP/2 keep-alive pings, which detect a dead connection during long polls. */
export interface KeepAliveOptions {
  /** Ping after this long without data on a connection with calls in flight. Default: 30 s. */
  interval?: Duration;
  /** Close the connection if a ping is not answered within this. Default: 15 s. */
  timeout?: Duration;
}

/** Options of {@linkcode Connection.connect}; all are optional. */
export interface ConnectionOptions {
  /**
   * `host:port`, `[ipv6]:port`, optionally with `http://` or `https://` (which turns TLS on).
   * A missing port means 7233. Default: `"localhost:7233"`.
   */
  address?: string;
  /**
   * `true` for TLS with the system's roots, a {@linkcode TLSConfig} for custom roots, mutual TLS
   * or a server name, `false` for plaintext. Default: on if `apiKey` is set, else off.
   */
  tls?: boolean | TLSConfig;
  /**
   * API key, sent as `authorization: Bearer <key>` unless `metadata` has its own
   * `authorization`. Change it later with {@linkcode Connection.setApiKey}.
   */
  apiKey?: string;
  /** gRPC metadata (headers) sent with every call. Default: none. */
  metadata?: Record<string, string>;
  /** Identity of this process in requests that carry one. Default: `<pid>@<hostname>`. */
  identity?: string;
  /**
   * Time budget of each call, retries included, unless the call says otherwise. Long polls
   * get 70 s instead. Default: 30 s (as sdk-core).
   */
  rpcTimeout?: Duration;
  /** Retry policy for retryable failures, or `false` for none. Default: see `RetryOptions`. */
  retry?: Partial<RetryOptions> | false;
  /** HTTP/2 keep-alive pings, or `false` for none. Default: every 30 s, 15 s timeout. */
  keepAlive?: KeepAliveOptions | false;
  /**
   * `true` to return without contacting the server; the connection is made by the first call
   * (or by {@linkcode Connection.ensureConnected}). Default: `false`.
   */
  lazy?: boolean;
  /** Time budget of the initial `GetSystemInfo` check, retries included. Default: 10 s. */
  connectTimeout?: Duration;
  /**
   * Reach the server through this HTTP CONNECT proxy (`targetHost` is the proxy's `host:port`);
   * TLS, if on, stays end to end with the server. Default: none (connect directly).
   */
  httpConnectProxy?: HttpConnectProxyOptions;
}

const DEFAULT_RPC_TIMEOUT_MS = 30_000;
const LONG_POLL_TIMEOUT_MS = 70_000;
const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
const DEFAULT_KEEP_ALIVE_INTERVAL_MS = 30_000;
const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 15_000;

/**
 * A connection to a Temporal Service (the CLI dev server, a self-hosted cluster, Temporal
 * Cloud). Every call of its service clients gets the connection's headers, a deadline, retries
 * with jittered exponential backoff for retryable codes, and errors as {@linkcode RPCError}.
 * Close it when done (or `await using` it).
 *
 * @example
 * ```ts
 * await using connection = await Connection.connect({ address: "localhost:7233" });
 * const info = await connection.workflowService.getSystemInfo({});
 * ```
 */
export class Connection {
  /** The server address as `host:port`. */
  readonly address: string;
  /** Whether calls use TLS. */
  readonly tls: boolean;
  /** Identity of this process, for requests that carry one. */
  readonly identity: string;
  /** The WorkflowService: start, signal, query, describe and poll workflows and activities. */
  readonly workflowService: ServiceClient<typeof WorkflowService>;
  /** The OperatorService: search attributes, Nexus endpoints, clusters. */
  readonly operatorService: ServiceClient<typeof OperatorService>;
  /** The TestService of the time-skipping test server. */
  readonly testService: ServiceClient<typeof TestService>;

  #apiKey: string | undefined;
  #metadata: Readonly<Record<string, string>>;
  #baseHeaders: Headers | undefined;
  readonly #sessionManager: SessionManager;
  readonly #transport: Transport;
  readonly #closeController = new AbortController();
  readonly #connectTimeoutMs: number;
  #systemInfo: GetSystemInfoResponse | undefined;
  #connectedWithoutInfo = false;
  #connecting: Promise<void> | undefined;

  /**
   * Use {@linkcode Connection.connect}.
   *
   * @internal
   */
  private constructor(settings: Settings, runtime: RpcRuntime) {
    this.address = settings.address;
    this.tls = settings.tls;
    this.identity = settings.identity;
    this.#apiKey = settings.apiKey;
    this.#metadata = settings.metadata;
    this.#connectTimeoutMs = settings.connectTimeoutMs;
    const baseUrl = `${settings.tls ? "https" : "http"}://${settings.address}`;
    this.#sessionManager = new runtime.SessionManager(
      baseUrl,
      settings.keepAlive,
      settings.nodeOptions,
      settings.httpConnectProxy,
    );
    this.#transport = runtime.createGrpcTransport({ baseUrl, sessionManager: this.#sessionManager });
    const context: CallContext = {
      transport: () => this.#transport,
      // Calls without headers of their own share one Headers (the transport copies it).
      headers: (perCall) =>
        perCall === undefined
          ? (this.#baseHeaders ??= callHeaders(undefined, this.#metadata, this.#apiKey))
          : callHeaders(perCall, this.#metadata, this.#apiKey),
      retry: settings.retry,
      rpcTimeoutMs: settings.rpcTimeoutMs,
      longPollTimeoutMs: LONG_POLL_TIMEOUT_MS,
      address: settings.address,
      tls: settings.tls,
      clientCert: settings.nodeOptions?.cert !== undefined,
      closeSignal: this.#closeController.signal,
    };
    this.workflowService = createServiceClient(runtime.WorkflowService, context);
    this.operatorService = createServiceClient(runtime.OperatorService, context);
    this.testService = createServiceClient(runtime.TestService, context);
  }

  /**
   * Validates the options (before any I/O), loads the gRPC transport and the Temporal API
   * descriptors (on the first connection of the process), then, unless `lazy`, checks that the
   * server answers by calling `GetSystemInfo` and caches its capabilities.
   *
   * @param options Address, TLS, API key, metadata, timeouts, retries; see
   *   {@linkcode ConnectionOptions} for defaults.
   * @returns The connection.
   * @throws {TypeError} If an option is malformed (e.g. `Invalid address '::1': ...`).
   * @throws {RPCError} If the server cannot be reached within `connectTimeout`, e.g.
   *   `Cannot reach the Temporal server at 'localhost:7233': connection refused`.
   *
   * @example
   * ```ts
   * const connection = await Connection.connect({
   *   address: "my-ns.a1b2c.tmprl.cloud:7233",
   *   apiKey: process.env.TEMPORAL_API_KEY,
   * });
   * ```
   */
  static async connect(options: ConnectionOptions = {}): Promise<Connection> {
    const settings = resolveSettings(options);
    const connection = new Connection(settings, await loadRpcRuntime());
    if (options.lazy !== true) {
      try {
        await connection.ensureConnected();
      } catch (error) {
        await connection.close();
        throw error;
      }
    }
    return connection;
  }

  /**
   * Makes sure the server answers, calling `GetSystemInfo` once (again after a failure) and
   * caching the result; a no-op once connected. Workers call this on lazy connections.
   *
   * @throws {RPCError} If the server cannot be reached within `connectTimeout`.
   *
   * @example
   * ```ts
   * const connection = await Connection.connect({ lazy: true });
   * await connection.ensureConnected();
   * ```
   */
  ensureConnected(options: { signal?: AbortSignal } = {}): Promise<void> {
    if (this.connected) return Promise.resolve();
    this.#connecting ??= this.#fetchSystemInfo(options.signal).finally(() => {
      this.#connecting = undefined;
    });
    return this.#connecting;
  }

  async #fetchSystemInfo(signal: AbortSignal | undefined): Promise<void> {
    try {
      this.#systemInfo = await this.workflowService.getSystemInfo({}, {
        timeoutMs: this.#connectTimeoutMs,
        ...(signal === undefined ? {} : { signal }),
      });
    } catch (error) {
      // Servers older than GetSystemInfo are still servers: no capabilities, like sdk-core.
      if (!(error instanceof RPCError && error.code === RPCCode.UNIMPLEMENTED)) throw error;
      this.#connectedWithoutInfo = true;
    }
  }

  /** Whether `GetSystemInfo` has answered (or the server does not implement it). */
  get connected(): boolean {
    return this.#systemInfo !== undefined || this.#connectedWithoutInfo;
  }

  /** The server's `GetSystemInfo` answer, once connected. */
  get systemInfo(): GetSystemInfoResponse | undefined {
    return this.#systemInfo;
  }

  /** The server's capabilities from `GetSystemInfo`, once connected. */
  get capabilities(): GetSystemInfoResponse_Capabilities | undefined {
    return this.#systemInfo?.capabilities;
  }

  /** The metadata sent with every call (a copy). */
  get metadata(): Record<string, string> {
    return { ...this.#metadata };
  }

  /** Whether {@linkcode Connection.close} was called. */
  get closed(): boolean {
    return this.#closeController.signal.aborted;
  }

  /**
   * Replaces the API key; the next call uses it. `undefined` removes it.
   *
   * @throws {TypeError} If the key is empty or not printable ASCII.
   *
   * @example
   * ```ts
   * connection.setApiKey(await refreshKey());
   * ```
   */
  setApiKey(apiKey: string | undefined): void {
    validateApiKey(apiKey);
    this.#apiKey = apiKey;
    this.#baseHeaders = undefined;
  }

  /**
   * Replaces the metadata sent with every call; the next call uses it.
   *
   * @throws {TypeError} If a key or value cannot be sent as gRPC metadata.
   *
   * @example
   * ```ts
   * connection.setMetadata({ "x-tenant": "blue" });
   * ```
   */
  setMetadata(metadata: Record<string, string>): void {
    validateMetadata(metadata);
    this.#metadata = Object.freeze({ ...metadata });
    this.#baseHeaders = undefined;
  }

  /**
   * Closes the connection. Calls in flight fail with `CANCELLED`; later calls fail at once.
   *
   * @example
   * ```ts
   * await connection.close();
   * ```
   */
  close(): Promise<void> {
    if (!this.#closeController.signal.aborted) {
      this.#closeController.abort(
        new RPCError(`Connection to '${this.address}' was closed`, RPCCode.CANCELLED),
      );
      this.#sessionManager.abort();
    }
    return Promise.resolve();
  }

  /** Same as {@linkcode Connection.close}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}

interface Settings {
  address: string;
  tls: boolean;
  nodeOptions: SecureClientSessionOptions | undefined;
  apiKey: string | undefined;
  metadata: Readonly<Record<string, string>>;
  identity: string;
  rpcTimeoutMs: number;
  connectTimeoutMs: number;
  retry: ResolvedRetryOptions | undefined;
  keepAlive: { pingIntervalMs?: number; pingTimeoutMs?: number; pingIdleConnection: false };
  httpConnectProxy: ResolvedHttpConnectProxy | undefined;
}

/** Validates every option and fills in defaults, without I/O. */
function resolveSettings(options: ConnectionOptions): Settings {
  if (typeof options !== "object" || options === null) {
    throw new TypeError(`Invalid connection options '${String(options)}': expected an object`);
  }
  const parsed = parseAddress(options.address ?? DEFAULT_ADDRESS);
  validateApiKey(options.apiKey);
  const metadata = Object.freeze({ ...(options.metadata ?? {}) });
  validateMetadata(metadata);
  const httpConnectProxy = options.httpConnectProxy === undefined
    ? undefined
    : resolveHttpConnectProxy(options.httpConnectProxy);

  let tls: boolean;
  let nodeOptions: SecureClientSessionOptions | undefined;
  const tlsOption = options.tls;
  if (tlsOption === undefined) {
    tls = parsed.scheme === undefined ? options.apiKey !== undefined : parsed.scheme === "https";
  } else if (typeof tlsOption === "boolean") {
    tls = tlsOption;
  } else {
    tls = true;
    nodeOptions = tlsSessionOptions(tlsOption);
  }
  if (parsed.scheme === "http" && tls) {
    throw new TypeError(`Invalid address '${options.address}': 'http://' means plaintext, but tls is set`);
  }
  if (parsed.scheme === "https" && !tls) {
    throw new TypeError(`Invalid address '${options.address}': 'https://' means TLS, but tls is false`);
  }

  const identity = options.identity ?? `${process.pid}@${hostname()}`;
  if (typeof identity !== "string") {
    throw new TypeError(`Invalid identity '${String(identity)}': expected a string`);
  }
  const rpcTimeoutMs = positiveMs(options.rpcTimeout, DEFAULT_RPC_TIMEOUT_MS, "rpcTimeout");
  const connectTimeoutMs = positiveMs(options.connectTimeout, DEFAULT_CONNECT_TIMEOUT_MS, "connectTimeout");
  const retry = options.retry === false ? undefined : resolveRetryOptions(options.retry ?? {});

  let keepAlive: Settings["keepAlive"] = { pingIdleConnection: false };
  if (options.keepAlive !== false) {
    const { interval, timeout } = options.keepAlive ?? {};
    keepAlive = {
      pingIntervalMs: positiveMs(interval, DEFAULT_KEEP_ALIVE_INTERVAL_MS, "keepAlive.interval"),
      pingTimeoutMs: positiveMs(timeout, DEFAULT_KEEP_ALIVE_TIMEOUT_MS, "keepAlive.timeout"),
      // Ping only while calls are in flight, so an idle connection costs nothing; a call on a
      // connection idle for longer than the interval is preceded by a ping.
      pingIdleConnection: false,
    };
  }
  return {
    address: parsed.authority,
    tls,
    nodeOptions,
    apiKey: options.apiKey,
    metadata,
    identity,
    rpcTimeoutMs,
    connectTimeoutMs,
    retry,
    keepAlive,
    httpConnectProxy,
  };
}

function positiveMs(value: Duration | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const ms = value === Infinity ? Infinity : durationToMs(value);
  if (!(ms > 0)) throw new TypeError(`Invalid ${name} '${String(value)}': expected a positive duration`);
  return ms;
}
