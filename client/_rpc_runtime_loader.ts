/**
 * Loads the client's RPC runtime (`_rpc_runtime.ts`) on first use, so that importing
 * `sandglass/client` does not build every Temporal API descriptor. `Connection.connect` awaits
 * {@linkcode loadRpcRuntime}; code that only runs on a connected client's calls reads it
 * synchronously with {@linkcode rpcRuntime}.
 *
 * @module
 */

/** The RPC runtime's exports. */
export type RpcRuntime = typeof import("./_rpc_runtime.ts");

let loaded: RpcRuntime | undefined;
let loading: Promise<RpcRuntime> | undefined;

/** Loads the RPC runtime (once per process). */
export function loadRpcRuntime(): Promise<RpcRuntime> {
  loading ??= import("./_rpc_runtime.ts").then((runtime) => (loaded = runtime));
  return loading;
}

/** The RPC runtime if a connection has loaded it, else `undefined`. */
export function loadedRpcRuntime(): RpcRuntime | undefined {
  return loaded;
}

/**
 * The RPC runtime, for code that runs only after a connection was made.
 *
 * @throws {Error} If no connection has loaded it yet (a bug in the caller's path).
 */
export function rpcRuntime(): RpcRuntime {
  if (loaded === undefined) {
    throw new Error(
      "Sandglass's RPC runtime is not loaded: make a connection first (await Client.connect or Connection.connect)",
    );
  }
  return loaded;
}
