/**
 * Signal, query and update handlers of function workflows: `defineSignal`, `defineQuery`,
 * `defineUpdate`, `setHandler`, the default (dynamic) handlers, and `allHandlersFinished`.
 *
 * @module
 */

import type { HandlerEntry } from "./internal/activator.ts";
import { activator } from "./internal/context.ts";
import type {
  HandlerUnfinishedPolicy,
  QueryDefinition,
  SignalDefinition,
  UpdateDefinition,
} from "./types.ts";

/**
 * Defines a signal; its type parameter gives the handler's and senders' argument types.
 *
 * @example
 * ```ts
 * export const approve = defineSignal<[by: string]>("approve");
 * ```
 */
export function defineSignal<Args extends unknown[] = [], Name extends string = string>(
  name: Name,
): SignalDefinition<Args, Name> {
  return { type: "signal", name };
}

/**
 * Defines a query; its type parameters give the result and argument types.
 *
 * @example
 * ```ts
 * export const status = defineQuery<string>("status");
 * ```
 */
export function defineQuery<Ret = unknown, Args extends unknown[] = [], Name extends string = string>(
  name: Name,
): QueryDefinition<Ret, Args, Name> {
  return { type: "query", name };
}

/**
 * Defines an update; its type parameters give the result and argument types.
 *
 * @example
 * ```ts
 * export const setLimit = defineUpdate<number, [limit: number]>("setLimit");
 * ```
 */
export function defineUpdate<Ret = unknown, Args extends unknown[] = [], Name extends string = string>(
  name: Name,
): UpdateDefinition<Ret, Args, Name> {
  return { type: "update", name };
}

/** Options of {@linkcode setHandler}. */
export interface SetHandlerOptions {
  /** Shown by `__temporal_workflow_metadata`. Default: none. */
  description?: string;
  /** Signals and updates: warn if the workflow ends while the handler runs. Default: `"WARN_AND_ABANDON"`. */
  unfinishedPolicy?: HandlerUnfinishedPolicy;
}

/** Options of {@linkcode setHandler} for updates. */
export interface UpdateHandlerOptions<Args extends unknown[]> extends SetHandlerOptions {
  /** A synchronous check of the arguments; throwing rejects the update before it is accepted. */
  validator?: (...args: Args) => void;
}

type Handler<Args extends unknown[], Ret> = (...args: Args) => Ret;

/**
 * Sets (or with `undefined`, removes) the handler of a signal, query or update. Signals and
 * updates that arrived before their handler was set are delivered when it is set.
 *
 * @example
 * ```ts
 * setHandler(approve, (by) => { approvedBy = by; });
 * setHandler(status, () => state);
 * setHandler(setLimit, (limit) => (current = limit), { validator: (limit) => { if (limit < 0) throw new Error("Negative"); } });
 * ```
 */
export function setHandler<Args extends unknown[]>(
  definition: SignalDefinition<Args>,
  handler: Handler<NoInfer<Args>, void | Promise<void>> | undefined,
  options?: SetHandlerOptions,
): void;
export function setHandler<Ret, Args extends unknown[]>(
  definition: QueryDefinition<Ret, Args>,
  handler: Handler<NoInfer<Args>, NoInfer<Ret>> | undefined,
  options?: SetHandlerOptions,
): void;
export function setHandler<Ret, Args extends unknown[]>(
  definition: UpdateDefinition<Ret, Args>,
  handler: Handler<NoInfer<Args>, NoInfer<Ret> | Promise<NoInfer<Ret>>> | undefined,
  options?: UpdateHandlerOptions<NoInfer<Args>>,
): void;
export function setHandler(
  definition:
    | SignalDefinition<unknown[]>
    | QueryDefinition<unknown, unknown[]>
    | UpdateDefinition<unknown, unknown[]>,
  handler: ((...args: unknown[]) => unknown) | undefined,
  options: UpdateHandlerOptions<unknown[]> = {},
): void {
  const run = activator();
  if (typeof definition !== "object" || definition === null || typeof definition.name !== "string") {
    throw new TypeError(
      `Invalid handler definition '${String(definition)}': use defineSignal, defineQuery or defineUpdate`,
    );
  }
  const entry: HandlerEntry | undefined = handler === undefined ? undefined : {
    handler,
    validator: options.validator,
    description: options.description,
    unfinishedPolicy: options.unfinishedPolicy ?? "WARN_AND_ABANDON",
  };
  const table = definition.type === "signal"
    ? run.signalHandlers
    : definition.type === "query"
    ? run.queryHandlers
    : definition.type === "update"
    ? run.updateHandlers
    : undefined;
  if (table === undefined) {
    throw new TypeError(`Invalid handler definition type '${String(definition.type)}'`);
  }
  if (entry === undefined) table.delete(definition.name);
  else table.set(definition.name, entry);
  if (entry === undefined) return;
  if (definition.type === "signal") deliverBufferedSignals();
  if (definition.type === "update") deliverBufferedUpdates();
}

function deliverBufferedSignals(): void {
  const run = activator();
  for (;;) {
    const index = run.defaultSignalHandler !== undefined
      ? (run.bufferedSignals.length > 0 ? 0 : -1)
      : run.bufferedSignals.findIndex((s) => run.signalHandlers.has(s.signalName));
    if (index < 0) return;
    const [job] = run.bufferedSignals.splice(index, 1);
    if (job !== undefined) run.deliverSignal(job);
  }
}

function deliverBufferedUpdates(): void {
  const run = activator();
  for (;;) {
    const index = run.defaultUpdateHandler !== undefined
      ? (run.bufferedUpdates.length > 0 ? 0 : -1)
      : run.bufferedUpdates.findIndex((u) => run.updateHandlers.has(u.name));
    if (index < 0) return;
    const [job] = run.bufferedUpdates.splice(index, 1);
    if (job !== undefined) run.deliverUpdate(job);
  }
}

/**
 * Sets the handler of every signal that has no handler of its own (it gets the name first).
 *
 * @example
 * ```ts
 * setDefaultSignalHandler((name, ...args) => { events.push({ name, args }); });
 * ```
 */
export function setDefaultSignalHandler(
  handler: ((signalName: string, ...args: unknown[]) => void | Promise<void>) | undefined,
  options: SetHandlerOptions = {},
): void {
  const run = activator();
  run.defaultSignalHandler = handler === undefined ? undefined : {
    handler: handler as HandlerEntry["handler"],
    unfinishedPolicy: options.unfinishedPolicy ?? "WARN_AND_ABANDON",
  };
  if (handler !== undefined) deliverBufferedSignals();
}

/**
 * Sets the handler of every query that has no handler of its own (it gets the name first).
 *
 * @example
 * ```ts
 * setDefaultQueryHandler((name) => state[name]);
 * ```
 */
export function setDefaultQueryHandler(
  handler: ((queryName: string, ...args: unknown[]) => unknown) | undefined,
): void {
  const run = activator();
  run.defaultQueryHandler = handler === undefined
    ? undefined
    : { handler: handler as HandlerEntry["handler"], unfinishedPolicy: "ABANDON" };
}

/**
 * Sets the handler of every update that has no handler of its own (it gets the name first).
 *
 * @example
 * ```ts
 * setDefaultUpdateHandler((name, value) => { state[name] = value; return value; });
 * ```
 */
export function setDefaultUpdateHandler(
  handler: ((updateName: string, ...args: unknown[]) => unknown) | undefined,
  options: SetHandlerOptions & { validator?: (updateName: string, ...args: unknown[]) => void } = {},
): void {
  const run = activator();
  run.defaultUpdateHandler = handler === undefined ? undefined : {
    handler: handler as HandlerEntry["handler"],
    validator: options.validator as HandlerEntry["validator"],
    unfinishedPolicy: options.unfinishedPolicy ?? "WARN_AND_ABANDON",
  };
  if (handler !== undefined) deliverBufferedUpdates();
}

/**
 * True when no signal or update handler is still running; wait on it before returning so that
 * handlers finish their work: `await condition(allHandlersFinished)`.
 *
 * @example
 * ```ts
 * await condition(allHandlersFinished);
 * return result;
 * ```
 */
export function allHandlersFinished(): boolean {
  return activator().runningHandlers.size === 0;
}
