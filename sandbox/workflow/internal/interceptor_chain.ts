/**
 * The per-run workflow interceptors and the chains that run calls through them. The runtime
 * installs a run's interceptors (from the `interceptors()` factories of the worker's interceptor
 * modules) when it creates the run; the activator and the API functions call `runInbound` /
 * `runOutbound` around the workflow function, handlers, activities, children, signals to other
 * workflows and continue-as-new.
 *
 * @module
 */

import { IllegalStateError } from "../errors.ts";
import type {
  WorkflowHeaders,
  WorkflowInboundInterceptor,
  WorkflowInterceptors,
  WorkflowOutboundInterceptor,
} from "../interceptors.ts";

interface RunInterceptors {
  inbound: WorkflowInboundInterceptor[];
  outbound: WorkflowOutboundInterceptor[];
  startHeaders: WorkflowHeaders;
}

const runs = new WeakMap<object, RunInterceptors>();

/**
 * Calls the `interceptors()` factory of each module (in order) and keeps the result for `run`.
 *
 * @throws {TypeError} If a module has no `interceptors` function or it returns something else.
 */
export function installInterceptors(run: object, modules: readonly Record<string, unknown>[]): void {
  const inbound: WorkflowInboundInterceptor[] = [];
  const outbound: WorkflowOutboundInterceptor[] = [];
  modules.forEach((module, index) => {
    const factory = module["interceptors"];
    if (typeof factory !== "function") {
      throw new TypeError(
        `Workflow interceptors module ${index + 1} has no 'interceptors' export: ` +
          "export a function interceptors(): WorkflowInterceptors",
      );
    }
    const made = (factory as () => WorkflowInterceptors | undefined)();
    if (typeof made !== "object" || made === null) {
      throw new TypeError(
        `The interceptors() factory of workflow interceptors module ${index + 1} returned '${
          String(made)
        }': expected an object with 'inbound' and/or 'outbound' arrays`,
      );
    }
    inbound.push(...(made.inbound ?? []));
    outbound.push(...(made.outbound ?? []));
  });
  runs.set(run, { inbound, outbound, startHeaders: {} });
}

/** Records the headers the run was started with. */
export function setStartHeaders(run: object, headers: WorkflowHeaders | undefined): void {
  const entry = runs.get(run);
  if (entry !== undefined) entry.startHeaders = headers ?? {};
}

/** The headers the run was started with (empty if none). */
export function startHeaders(run: object): WorkflowHeaders {
  return runs.get(run)?.startHeaders ?? {};
}

type Method<I, R> = (input: I, next: (input: I) => R) => R;

function compose<I, R>(methods: Method<I, R>[], terminal: (input: I) => R): (input: I) => R {
  let next = terminal;
  for (let i = methods.length - 1; i >= 0; i--) {
    const method = methods[i]!;
    const inner = next;
    next = (input) => method(input, inner);
  }
  return next;
}

/**
 * Runs an inbound call through the run's inbound interceptors, then `terminal`. The chain returns
 * what the methods return: a promise for most kinds, a plain value for `handleQuery` and
 * `validateUpdate` (synchronous by contract).
 */
export function runInbound<K extends keyof WorkflowInboundInterceptor>(
  run: object,
  kind: K,
  input: Parameters<NonNullable<WorkflowInboundInterceptor[K]>>[0],
  terminal: Parameters<NonNullable<WorkflowInboundInterceptor[K]>>[1],
): ReturnType<NonNullable<WorkflowInboundInterceptor[K]>> {
  type I = typeof input;
  const methods = (runs.get(run)?.inbound ?? []).flatMap((interceptor) => {
    const method = interceptor[kind];
    return method === undefined ? [] : [(method as unknown as Method<I, unknown>).bind(interceptor)];
  });
  return compose(methods, terminal as (input: I) => unknown)(input) as never;
}

/**
 * Runs a synchronous outbound call (`continueAsNew`) through the run's outbound interceptors, then
 * `terminal`, which must throw (it ends the run).
 *
 * @throws {IllegalStateError} If an interceptor returned instead of calling `next` synchronously.
 */
export function runOutboundThrowing<K extends "continueAsNew">(
  run: object,
  kind: K,
  input: Parameters<NonNullable<WorkflowOutboundInterceptor[K]>>[0],
  terminal: (input: Parameters<NonNullable<WorkflowOutboundInterceptor[K]>>[0]) => never,
): never {
  type I = typeof input;
  const methods = (runs.get(run)?.outbound ?? []).flatMap((interceptor) => {
    const method = interceptor[kind];
    return method === undefined ? [] : [(method as unknown as Method<I, unknown>).bind(interceptor)];
  });
  const returned = compose(methods, terminal as (input: I) => unknown)(input);
  if (returned instanceof Promise) returned.catch(() => undefined);
  throw new IllegalStateError(
    `A workflow outbound interceptor's '${kind}' returned instead of calling next, which throws: call next(input) synchronously and let its error propagate`,
  );
}

/**
 * Runs an outbound call through the run's outbound interceptors, then `terminal`. Returns the
 * chain's promise and what the terminal returned besides (e.g. the scheduled activity's handle),
 * which exists only if every interceptor called `next` synchronously.
 *
 * @throws {IllegalStateError} If `requireSync` and an interceptor did not call `next` synchronously.
 */
export function runOutbound<K extends Exclude<keyof WorkflowOutboundInterceptor, "continueAsNew">, S>(
  run: object,
  kind: K,
  input: Parameters<NonNullable<WorkflowOutboundInterceptor[K]>>[0],
  terminal: (
    input: Parameters<NonNullable<WorkflowOutboundInterceptor[K]>>[0],
  ) => { promise: ReturnType<NonNullable<WorkflowOutboundInterceptor[K]>>; extra: S },
  requireSync: boolean,
): { promise: ReturnType<NonNullable<WorkflowOutboundInterceptor[K]>>; extra: S | undefined } {
  type I = typeof input;
  const methods = (runs.get(run)?.outbound ?? []).flatMap((interceptor) => {
    const method = interceptor[kind];
    return method === undefined ? [] : [(method as unknown as Method<I, Promise<unknown>>).bind(interceptor)];
  });
  let extra: S | undefined;
  let called = false;
  const promise = compose(methods, (value: I) => {
    const out = terminal(value);
    called = true;
    extra = out.extra;
    return out.promise as Promise<unknown>;
  })(input);
  if (requireSync && !called) {
    promise.catch(() => undefined);
    throw new IllegalStateError(
      `A workflow outbound interceptor's '${kind}' did not call next synchronously: call next(input) before any await`,
    );
  }
  return { promise: promise as never, extra };
}
