/**
 * In-isolate hardening, run once per context after the deterministic globals are installed:
 * removes the engine's nondeterminism sources and code loading, then freezes every intrinsic so
 * that no run can change what another run sees (strategy S2 shares one context between runs).
 *
 * Bundled into the isolate prelude; never imported by host code.
 * @module
 */

import { DeterminismViolationError } from "./determinism_violation_error.ts";

/** Globals removed outright (absent, so feature detection falls back), with the reason. */
export const REMOVED_GLOBALS: Readonly<Record<string, string>> = {
  WeakRef: "garbage collection timing differs between runs",
  FinalizationRegistry: "garbage collection timing differs between runs",
  SharedArrayBuffer: "shared memory is a channel between runs",
  Atomics: "shared memory is a channel between runs",
  performance: "it reads the host clock",
  Temporal: "it reads the host clock and time zone",
  WebAssembly: "it loads code",
};

function codeLoadingBlocked(what: string): never {
  throw new DeterminismViolationError(
    `${what} is not available in workflow code: it compiles code at run time, which replay cannot check. Import the code you need in the workflow module instead`,
  );
}

/** A stand-in constructor that keeps `instanceof` and `prototype` but refuses to compile code. */
function blockedConstructor(name: string, prototype: object): (...args: unknown[]) => never {
  // A function expression (not a method) so `new Function(...)` reaches the explanation too.
  const blocked = {
    [name]: function (): never {
      return codeLoadingBlocked(`${name}()`);
    },
  }[name]!;
  Object.defineProperty(blocked, "prototype", {
    value: prototype,
    writable: false,
    enumerable: false,
    configurable: false,
  });
  Object.defineProperty(prototype, "constructor", {
    value: blocked,
    writable: true,
    enumerable: false,
    configurable: true,
  });
  return blocked as (...args: unknown[]) => never;
}

/**
 * Hidden intrinsics that are not properties of any global but are reachable from values, by their
 * specification names. Syntax the caller's bundle lowered (async functions and generators in the
 * workflow bundle) yields ordinary functions and objects instead: those are left out, because
 * they are reached from the globals anyway and the real intrinsics are not reachable from that code.
 */
export function hiddenIntrinsics(): Record<string, object> {
  const generator = function* () {};
  const asyncFunction = async function () {};
  const asyncGenerator = async function* () {};
  const protoOf = (value: unknown): unknown =>
    (typeof value === "object" || typeof value === "function") && value !== null
      ? Object.getPrototypeOf(value)
      : undefined;
  const iteratorOf = (value: { [Symbol.iterator](): unknown }) => protoOf(value[Symbol.iterator]());
  const roots: Record<string, unknown> = {
    "%GeneratorFunction.prototype%": protoOf(generator),
    "%AsyncFunction.prototype%": protoOf(asyncFunction),
    "%AsyncGeneratorFunction.prototype%": protoOf(asyncGenerator),
    "%GeneratorPrototype%": protoOf(generator.prototype),
    "%AsyncGeneratorPrototype%": protoOf(asyncGenerator.prototype),
    "%AsyncIteratorPrototype%": protoOf(protoOf(asyncGenerator.prototype)),
    "%ArrayIteratorPrototype%": iteratorOf([]),
    "%MapIteratorPrototype%": iteratorOf(new Map()),
    "%SetIteratorPrototype%": iteratorOf(new Set()),
    "%StringIteratorPrototype%": iteratorOf(""),
    "%RegExpStringIteratorPrototype%": protoOf("a".matchAll(/a/g)),
    "%TypedArray%": protoOf(Uint8Array),
    "%ThrowTypeError%": Object.getOwnPropertyDescriptor(
      (function () {
        "use strict";
        return arguments;
      })(),
      "callee",
    )?.get,
  };
  const iteratorFrom = (globalThis as unknown as { Iterator?: { from?: (v: unknown) => object } }).Iterator
    ?.from;
  if (typeof iteratorFrom === "function") {
    roots["%WrapForValidIteratorPrototype%"] = protoOf(
      iteratorFrom({ next: () => ({ done: true, value: undefined }) }),
    );
    const values = [][Symbol.iterator]() as unknown as { map?: (f: (x: unknown) => unknown) => object };
    if (typeof values.map === "function") roots["%IteratorHelperPrototype%"] = protoOf(values.map((x) => x));
  }
  const out: Record<string, object> = {};
  for (const [name, root] of Object.entries(roots)) {
    if ((typeof root !== "object" && typeof root !== "function") || root === null) continue;
    if (root === Function.prototype || root === Object.prototype) continue;
    out[name] = root;
  }
  return out;
}

/**
 * Replaces the data properties that ordinary code assigns on instances (e.g. `this.name = ...` in
 * an Error subclass, `X.prototype.constructor = X`) with accessors, so freezing the prototype does
 * not make those assignments throw (the "override mistake").
 */
function allowOverrides(target: object, keys: readonly PropertyKey[]): void {
  for (const key of keys) {
    const desc = Object.getOwnPropertyDescriptor(target, key);
    if (desc === undefined || !("value" in desc) || !desc.configurable) continue;
    const value: unknown = desc.value;
    Object.defineProperty(target, key, {
      get: function () {
        return value;
      },
      set: function (this: unknown, next: unknown) {
        if (this === target) {
          throw new TypeError(`Cannot assign to read only property '${String(key)}' of a frozen intrinsic`);
        }
        Object.defineProperty(this, key, {
          value: next,
          writable: true,
          enumerable: true,
          configurable: true,
        });
      },
      enumerable: desc.enumerable,
      configurable: false,
    });
  }
}

const ERROR_NAMES = [
  "Error",
  "EvalError",
  "RangeError",
  "ReferenceError",
  "SyntaxError",
  "TypeError",
  "URIError",
  "InternalError",
  "AggregateError",
] as const;

/** Freezes `roots` and everything reachable from them (properties, accessors, prototypes). */
export function deepFreeze(roots: readonly object[]): number {
  const seen = new Set<object>();
  const stack = [...roots];
  while (stack.length > 0) {
    const value = stack.pop()!;
    if (seen.has(value)) continue;
    seen.add(value);
    Object.freeze(value);
    pushReferences(value, stack);
  }
  return seen.size;
}

/**
 * Pushes what `value` references (property values, accessors, prototype) that is an object or a
 * function. One descriptors call per object, no array per property: every new isolate walks a few
 * thousand properties of the intrinsics, in QuickJS's interpreter.
 */
function pushReferences(value: object, stack: object[]): void {
  const descriptors = Object.getOwnPropertyDescriptors(value) as Record<PropertyKey, PropertyDescriptor>;
  for (const key of Reflect.ownKeys(descriptors)) {
    const desc = descriptors[key]!;
    const { value: data, get, set } = desc;
    if ((typeof data === "object" && data !== null) || typeof data === "function") stack.push(data as object);
    if (get !== undefined) stack.push(get);
    if (set !== undefined) stack.push(set);
  }
  const proto = Object.getPrototypeOf(value) as object | null;
  if (proto !== null) stack.push(proto);
}

/** Keys of a prototype that instances commonly assign: non-function data, `constructor`, `toString`. */
function assignedOnInstances(prototype: object): PropertyKey[] {
  return Reflect.ownKeys(prototype).filter((key) => {
    const desc = Reflect.getOwnPropertyDescriptor(prototype, key)!;
    if (!("value" in desc) || !desc.writable || !desc.configurable) return false;
    return key === "constructor" || key === "toString" || typeof desc.value !== "function";
  });
}

/**
 * Freezes a namespace shared by all runs of a context (the SDK's workflow runtime) and everything
 * reachable from it. The prototypes of its classes first get accessors for the properties that
 * subclass instances assign (`this.name = ...`), so user subclasses keep working.
 *
 * @returns The number of objects frozen.
 */
export function hardenShared(root: object): number {
  // Collect first, then change: the accessors allowOverrides adds must not be walked for prototypes.
  const seen = new Set<object>();
  const prototypes: object[] = [];
  const stack: object[] = [root];
  while (stack.length > 0) {
    const value = stack.pop()!;
    if (seen.has(value) || Object.isFrozen(value)) continue;
    seen.add(value);
    if (typeof value === "function") {
      const prototype = Reflect.getOwnPropertyDescriptor(value, "prototype")?.value as unknown;
      if (typeof prototype === "object" && prototype !== null && !Object.isFrozen(prototype)) {
        prototypes.push(prototype);
      }
    }
    pushReferences(value, stack);
  }
  for (const prototype of new Set(prototypes)) allowOverrides(prototype, assignedOnInstances(prototype));
  return deepFreeze([root]);
}

/**
 * Removes nondeterminism sources and code loading from `global`, then freezes it and every
 * intrinsic. Returns the number of objects frozen.
 */
export function harden(global: typeof globalThis): number {
  const g = global as unknown as Record<string, unknown>;
  for (const name of Object.keys(REMOVED_GLOBALS)) delete g[name];

  const FunctionPrototype = Function.prototype;
  const blockedFunction = blockedConstructor("Function", FunctionPrototype);
  const hidden = hiddenIntrinsics();
  for (const name of ["AsyncFunction", "GeneratorFunction", "AsyncGeneratorFunction"]) {
    // Absent when this code was bundled with the syntax lowered (then it is not reachable either).
    const prototype = hidden[`%${name}.prototype%`];
    if (prototype !== undefined) blockedConstructor(name, prototype);
  }
  Object.defineProperty(global, "Function", { value: blockedFunction, writable: true, configurable: true });
  const blockedEval = {
    eval(): never {
      return codeLoadingBlocked("eval()");
    },
  }.eval;
  Object.defineProperty(global, "eval", { value: blockedEval, writable: true, configurable: true });

  allowOverrides(Object.prototype, Reflect.ownKeys(Object.prototype).filter((k) => k !== "__proto__"));
  allowOverrides(FunctionPrototype, ["toString", "constructor"]);
  for (const name of ERROR_NAMES) {
    const ctor = g[name] as { prototype: object } | undefined;
    if (ctor !== undefined) allowOverrides(ctor.prototype, ["constructor", "name", "message", "toString"]);
  }

  // DeterminismViolationError is reachable from the errors the stand-ins above throw.
  return deepFreeze([global, ...Object.values(hidden), DeterminismViolationError]);
}
