/**
 * Standard (TC39 2023) decorators for workflow classes, grouped as `workflow`:
 * `@workflow.defn`, `@workflow.run`, `@workflow.init`, `@workflow.signal`, `@workflow.query`,
 * `@workflow.update` and `@workflow.validator`. They only record metadata; the runtime reads it.
 *
 * @module
 */

import {
  type ClassWorkflowMeta,
  type HandlerMeta,
  PENDING_DEFINITION,
  WORKFLOW_DEFINITION,
} from "./internal/class_meta.ts";
import type { HandlerUnfinishedPolicy } from "./types.ts";

/** Options of `@workflow.defn`. */
export interface WorkflowDefnOptions {
  /** Workflow type name. Default: the class name. */
  name?: string;
  /** Run this class for any workflow type no other workflow has. Default: `false`. */
  dynamic?: boolean;
}

/** Options of `@workflow.signal`, `@workflow.query` and `@workflow.update`. */
export interface HandlerOptions {
  /** The signal, query or update name. Default: the method name. */
  name?: string;
  /** Handle every name without its own handler; the method gets the name first. Default: `false`. */
  dynamic?: boolean;
  /** Shown by `__temporal_workflow_metadata`. Default: none. */
  description?: string;
  /** Signals and updates: warn if the workflow ends while the handler runs. Default: `"WARN_AND_ABANDON"`. */
  unfinishedPolicy?: HandlerUnfinishedPolicy;
}

// deno-lint-ignore no-explicit-any
type Method = (this: any, ...args: any[]) => any;
// deno-lint-ignore no-explicit-any
type Class = abstract new (...args: any[]) => any;

function pending(metadata: DecoratorMetadataObject | undefined, where: string): ClassWorkflowMeta {
  if (metadata === undefined || metadata === null) {
    throw new TypeError(
      `Decorator '${where}' needs decorator metadata: compile workflows with standard (TC39) decorators, ` +
        `e.g. esbuild or TypeScript 5.2+ without 'experimentalDecorators'`,
    );
  }
  const bag = metadata as Record<symbol, ClassWorkflowMeta | undefined>;
  if (Object.hasOwn(bag, PENDING_DEFINITION)) return bag[PENDING_DEFINITION] as ClassWorkflowMeta;
  const inherited = bag[PENDING_DEFINITION];
  const meta: ClassWorkflowMeta = {
    name: undefined,
    dynamic: false,
    run: inherited?.run,
    init: inherited?.init,
    signals: [...(inherited?.signals ?? [])],
    queries: [...(inherited?.queries ?? [])],
    updates: [...(inherited?.updates ?? [])],
    validators: [...(inherited?.validators ?? [])],
  };
  bag[PENDING_DEFINITION] = meta;
  return meta;
}

function isMethodContext(value: unknown): value is ClassMethodDecoratorContext {
  return typeof value === "object" && value !== null && (value as { kind?: unknown }).kind === "method";
}

function methodOnly(context: ClassMethodDecoratorContext, where: string): void {
  if (context.kind !== "method" || context.static || context.private) {
    throw new TypeError(
      `Decorator '${where}' applies to public instance methods only, not '${String(context.name)}'`,
    );
  }
}

function handlerDecorator(kind: "signals" | "queries" | "updates", label: string) {
  function decorate(options: HandlerOptions, context: ClassMethodDecoratorContext): void {
    methodOnly(context, `@workflow.${label}`);
    if (options.dynamic && options.name !== undefined) {
      throw new TypeError(`A dynamic ${label} handler cannot have a name (method '${String(context.name)}')`);
    }
    const meta = pending(context.metadata, `@workflow.${label}`);
    const entry: HandlerMeta = {
      method: context.name,
      name: options.dynamic ? undefined : (options.name ?? String(context.name)),
      dynamic: options.dynamic ?? false,
      description: options.description,
      unfinishedPolicy: options.unfinishedPolicy ?? "WARN_AND_ABANDON",
    };
    meta[kind] = meta[kind].filter((h) => h.method !== context.name);
    meta[kind].push(entry);
  }
  function decorator<M extends Method>(method: M, context: ClassMethodDecoratorContext): void;
  function decorator(
    options?: HandlerOptions,
  ): <M extends Method>(method: M, context: ClassMethodDecoratorContext) => void;
  function decorator(
    first?: Method | HandlerOptions,
    context?: ClassMethodDecoratorContext,
  ): void | (<M extends Method>(method: M, context: ClassMethodDecoratorContext) => void) {
    if (typeof first === "function" && isMethodContext(context)) {
      decorate({}, context);
      return;
    }
    const options = (first ?? {}) as HandlerOptions;
    return (_method, ctx) => decorate(options, ctx);
  }
  return decorator;
}

function defn<C extends Class>(cls: C, context: ClassDecoratorContext<C>): void;
function defn(
  options?: WorkflowDefnOptions,
): <C extends Class>(cls: C, context: ClassDecoratorContext<C>) => void;
function defn(
  first?: Class | WorkflowDefnOptions,
  context?: ClassDecoratorContext,
): void | (<C extends Class>(cls: C, context: ClassDecoratorContext<C>) => void) {
  const apply = (cls: Class, ctx: ClassDecoratorContext, options: WorkflowDefnOptions) => {
    if (ctx.kind !== "class") throw new TypeError("Decorator '@workflow.defn' applies to classes only");
    if (options.dynamic && options.name !== undefined) {
      throw new TypeError(`A dynamic workflow cannot have a name (class '${String(ctx.name)}')`);
    }
    const meta = { ...pending(ctx.metadata, "@workflow.defn") };
    meta.name = options.dynamic ? undefined : (options.name ?? ctx.name ?? cls.name);
    meta.dynamic = options.dynamic ?? false;
    if (meta.run === undefined) {
      throw new TypeError(
        `Workflow class '${String(ctx.name)}' has no '@workflow.run' method: mark exactly one`,
      );
    }
    Object.defineProperty(cls, WORKFLOW_DEFINITION, { value: meta });
  };
  if (typeof first === "function" && context !== undefined) {
    apply(first, context, {});
    return;
  }
  const options = (first ?? {}) as WorkflowDefnOptions;
  return (cls, ctx) => apply(cls, ctx, options);
}

function run<M extends Method>(_method: M, context: ClassMethodDecoratorContext): void {
  methodOnly(context, "@workflow.run");
  const meta = pending(context.metadata, "@workflow.run");
  if (
    meta.run !== undefined && Object.hasOwn(context.metadata ?? {}, PENDING_DEFINITION) &&
    meta.run !== context.name
  ) {
    throw new TypeError(
      `Workflow class has two '@workflow.run' methods, '${String(meta.run)}' and '${
        String(context.name)
      }': keep one`,
    );
  }
  meta.run = context.name;
}

function init<M extends Method>(_method: M, context: ClassMethodDecoratorContext): void {
  methodOnly(context, "@workflow.init");
  pending(context.metadata, "@workflow.init").init = context.name;
}

function validator(updateMethod: string) {
  return <M extends Method>(_method: M, context: ClassMethodDecoratorContext): void => {
    methodOnly(context, "@workflow.validator");
    const meta = pending(context.metadata, "@workflow.validator");
    meta.validators = meta.validators.filter((v) => v.update !== updateMethod);
    meta.validators.push({ update: updateMethod, method: context.name });
  };
}

/**
 * The decorators of workflow classes.
 *
 * @example
 * ```ts
 * @workflow.defn({ name: "Greeting" })
 * class GreetingWorkflow {
 *   #name = "";
 *   @workflow.init
 *   setup(name: string) { this.#name = name; }
 *   @workflow.run
 *   async run(name: string): Promise<string> { await condition(() => this.#done); return `Hello, ${this.#name}`; }
 *   #done = false;
 *   @workflow.signal
 *   finish() { this.#done = true; }
 *   @workflow.query({ name: "current" })
 *   current(): string { return this.#name; }
 *   @workflow.update
 *   rename(name: string): string { this.#name = name; return name; }
 *   @workflow.validator("rename")
 *   validateRename(name: string) { if (!name) throw new Error("Empty name"); }
 * }
 * ```
 */
export const workflow = {
  /** Marks a class as a workflow (`@workflow.defn` or `@workflow.defn({ name, dynamic })`). */
  defn,
  /** Marks the method that runs the workflow; it receives the workflow's arguments. */
  run,
  /** Marks a method called with the workflow's arguments before handlers and `run`. */
  init,
  /** Marks a signal handler (`@workflow.signal` or `@workflow.signal({ name, dynamic })`). */
  signal: handlerDecorator("signals", "signal"),
  /** Marks a synchronous, read-only query handler. */
  query: handlerDecorator("queries", "query"),
  /** Marks an update handler. */
  update: handlerDecorator("updates", "update"),
  /** Marks the synchronous validator of the update implemented by the method named `updateMethod`. */
  validator,
} as const;
