/**
 * How the client names and types workflows, signals, queries and updates: by a string (untyped),
 * by the workflow function or class itself (typed arguments and result), or by a definition object
 * such as `defineSignal("approve")` returns (typed arguments).
 *
 * @module
 */

import type { Duration } from "../common/duration.ts";

/** The well-known symbol under which a class decorated `@workflow.defn({ name })` carries its name. */
export const WORKFLOW_NAME_SYMBOL: unique symbol = Symbol.for("sandglass.workflow.name") as never;

// deno-lint-ignore no-explicit-any
type AnyArgs = any[];

/** A workflow written as a function: its type name is the function's `.name`. */
export type WorkflowFunction = (...args: AnyArgs) => Promise<unknown>;

/**
 * A workflow written as a class whose `run` method is the entry point; its type name is the
 * string under {@linkcode WORKFLOW_NAME_SYMBOL} if the class carries one, else the class's `.name`.
 */
export type WorkflowClass = abstract new (...args: AnyArgs) => { run(...args: AnyArgs): Promise<unknown> };

/** A workflow given by its type name (untyped), its function or its class (typed). */
export type WorkflowRef = string | WorkflowFunction | WorkflowClass;

/** The argument list of a workflow: typed for a function or class, `unknown[]` for a name. */
export type WorkflowArgs<W> = W extends string ? unknown[]
  : W extends (...args: infer A) => unknown ? A
  : W extends abstract new (...args: AnyArgs) => { run(...args: infer A): unknown } ? A
  : unknown[];

/** The result of a workflow: typed for a function or class, `unknown` for a name. */
export type WorkflowResult<W> = W extends string ? unknown
  : W extends (...args: AnyArgs) => infer R ? Awaited<R>
  : W extends abstract new (...args: AnyArgs) => { run(...args: AnyArgs): infer R } ? Awaited<R>
  : unknown;

/**
 * A signal, query or update given by name, by a definition object (`{ name }`, optionally typed
 * through the phantom `args`/`result` fields, or `defineSignal`/`defineQuery`/`defineUpdate` of
 * `sandglass/workflow`, typed through their phantom `__args`/`__ret`), or by a handler function (its `.name`, or the name
 * a decorator stored under `Symbol.for("sandglass.signal.name")`, `…query.name` or `…update.name`).
 */
export type HandlerRef<Args extends unknown[] = unknown[], Result = unknown> =
  | string
  | HandlerDefinition<Args, Result>
  | ((...args: Args) => Result | Promise<Result>);

/**
 * A named signal, query or update whose argument and result types ride along for the type
 * checker only.
 *
 * @example
 * ```ts
 * const approve: HandlerDefinition<[approver: string]> = { name: "approve" };
 * await handle.signal(approve, "ada");
 * ```
 */
export interface HandlerDefinition<Args extends unknown[] = unknown[], Result = unknown> {
  readonly name: string;
  /** Phantom: never set at run time. */
  readonly args?: Args;
  /** Phantom: never set at run time. */
  readonly result?: Result;
}

/** The arguments of a {@linkcode HandlerRef}: typed for a definition or function, else `unknown[]`. */
export type HandlerArgs<H> = H extends string ? unknown[]
  : H extends (...args: infer A) => unknown ? A
  : H extends { readonly __args?: infer A extends unknown[] } ? A
  : H extends HandlerDefinition<infer A, unknown> ? A
  : unknown[];

/** The result of a {@linkcode HandlerRef}: typed for a definition or function, else `unknown`. */
export type HandlerResult<H> = H extends string ? unknown
  : H extends (...args: AnyArgs) => infer R ? Awaited<R>
  : H extends { readonly type: "query" | "update"; readonly __ret?: infer R } ? R
  : H extends HandlerDefinition<AnyArgs, infer R> ? R
  : unknown;

/**
 * The workflow type name of a {@linkcode WorkflowRef}.
 *
 * @throws {TypeError} If the reference is neither a non-empty string nor a named function or class.
 *
 * @example
 * ```ts
 * async function greet(name: string) { return `Hello, ${name}`; }
 * workflowTypeName(greet); // "greet"
 * ```
 */
export function workflowTypeName(workflow: WorkflowRef): string {
  if (typeof workflow === "string") {
    if (workflow === "") {
      throw new TypeError("Invalid workflow '': expected a workflow type name, function or class");
    }
    return workflow;
  }
  if (typeof workflow === "function") {
    const tagged = (workflow as unknown as Record<symbol, unknown>)[WORKFLOW_NAME_SYMBOL];
    if (typeof tagged === "string" && tagged !== "") return tagged;
    if (workflow.name !== "") return workflow.name;
    throw new TypeError(
      "Invalid workflow: the function or class has no name; pass the workflow type name as a string",
    );
  }
  throw new TypeError(
    `Invalid workflow '${String(workflow)}': expected a workflow type name, function or class`,
  );
}

/**
 * The name of a signal, query or update reference.
 *
 * @param kind `"signal"`, `"query"` or `"update"`, used for the decorator symbol and error text.
 * @throws {TypeError} If the reference names nothing.
 *
 * @example
 * ```ts
 * handlerName("signal", { name: "approve" }); // "approve"
 * ```
 */
export function handlerName(kind: "signal" | "query" | "update", ref: HandlerRef<AnyArgs, unknown>): string {
  if (typeof ref === "string" && ref !== "") return ref;
  if (typeof ref === "function") {
    const tagged = (ref as unknown as Record<symbol, unknown>)[Symbol.for(`sandglass.${kind}.name`)];
    if (typeof tagged === "string" && tagged !== "") return tagged;
    if (ref.name !== "") return ref.name;
  } else if (typeof ref === "object" && ref !== null && typeof ref.name === "string" && ref.name !== "") {
    return ref.name;
  }
  throw new TypeError(
    `Invalid ${kind} '${String(ref)}': expected a ${kind} name, definition or handler function`,
  );
}

/** Per-call RPC options accepted by every client method that makes a call. */
export interface RpcOptions {
  /** gRPC metadata for this call; keys here override the client's `rpcMetadata`. Default: none. */
  rpcMetadata?: Record<string, string>;
  /** Deadline of each RPC made by this call. Default: the connection's. */
  rpcTimeout?: Duration;
  /** Aborts the call. Default: none. */
  signal?: AbortSignal;
}
