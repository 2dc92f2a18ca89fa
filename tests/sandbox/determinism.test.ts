import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { bundleWorkflows, stopBundler } from "../../sandbox/bundler.ts";
import { createWorkflowHost, type WorkflowHost } from "../../sandbox/host.ts";
import type { IsolationStrategy } from "../../sandbox/strategy.ts";
import { resultOf, startActivation, T0 } from "./fixtures/activations.ts";

const WORKFLOWS = new URL("./fixtures/determinism_workflows.ts", import.meta.url);
const RUNTIME = new URL("./fixtures/runtime.ts", import.meta.url);
const REACHABLE = new URL("./fixtures/reachable_functions.json", import.meta.url);

/**
 * The contract: the global names workflow code sees. ECMAScript intrinsics without a clock,
 * entropy, shared memory, GC observation or code loading, plus the injected sources. `eval` and
 * `Function` exist only as throwing stand-ins (for `instanceof Function`).
 */
const CONTRACT_GLOBALS = [
  "AggregateError",
  "Array",
  "ArrayBuffer",
  "BigInt",
  "BigInt64Array",
  "BigUint64Array",
  "Boolean",
  "DataView",
  "Date",
  "Error",
  "EvalError",
  "Float16Array",
  "Float32Array",
  "Float64Array",
  "Function",
  "Infinity",
  "Int16Array",
  "Int32Array",
  "Int8Array",
  "InternalError",
  "Iterator",
  "JSON",
  "Map",
  "Math",
  "NaN",
  "Number",
  "Object",
  "Promise",
  "Proxy",
  "RangeError",
  "ReferenceError",
  "Reflect",
  "RegExp",
  "Set",
  "String",
  "Symbol",
  "Symbol(Symbol.toStringTag)",
  "SyntaxError",
  "TypeError",
  "URIError",
  "Uint16Array",
  "Uint32Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "WeakMap",
  "WeakSet",
  "clearTimeout",
  "console",
  "crypto",
  "decodeURI",
  "decodeURIComponent",
  "encodeURI",
  "encodeURIComponent",
  "escape",
  "eval",
  "globalThis",
  "isFinite",
  "isNaN",
  "parseFloat",
  "parseInt",
  "setTimeout",
  "undefined",
  "unescape",
];

/** Sources of nondeterminism the engine has, and how the contract handles each. */
const INJECTED = [
  "globalThis.Date",
  "globalThis.Date.now",
  "globalThis.Math.random",
  "globalThis.crypto.getRandomValues",
  "globalThis.crypto.randomUUID",
  "globalThis.setTimeout",
  "globalThis.clearTimeout",
  "globalThis.console.log",
];
const ABSENT = [
  "WeakRef",
  "FinalizationRegistry",
  "SharedArrayBuffer",
  "Atomics",
  "performance",
  "Temporal",
  "WebAssembly",
  "queueMicrotask",
  "setInterval",
  "setImmediate",
];

async function withHost(
  strategy: IsolationStrategy,
  fn: (host: WorkflowHost) => Promise<void>,
): Promise<void> {
  const bundle = await bundleWorkflows(WORKFLOWS, { runtimeModule: RUNTIME });
  const host = await createWorkflowHost({ bundle, strategy });
  try {
    await fn(host);
  } finally {
    host.dispose();
    await stopBundler();
  }
}

for (const strategy of ["shared", "context"] as const) {
  test(`[${strategy}] everything reachable from the global scope is on the contract's list, and frozen`, async () => {
    await withHost(strategy, async (host) => {
      const found = resultOf(await host.activate(startActivation("enumerate", "enumerateGlobals"))) as {
        globals: string[];
        functions: string[];
        unfrozen: string[];
      };
      assert.deepEqual(found.globals, [...CONTRACT_GLOBALS].sort());
      for (const name of ABSENT) assert.ok(!found.globals.includes(name), `${name} must be absent`);
      for (const path of INJECTED) assert.ok(found.functions.includes(path), `${path} must be injected`);

      // Every function reachable from the globals and intrinsics (constructors, prototypes,
      // accessors) was reviewed for nondeterminism. A new one (engine upgrade) fails here until it
      // is classified: injected, removed, or deterministic and added to the fixture.
      const reviewed = JSON.parse(await readFile(REACHABLE, "utf8")) as string[];
      const added = found.functions.filter((f) => !reviewed.includes(f));
      const removed = reviewed.filter((f) => !found.functions.includes(f));
      assert.deepEqual({ added, removed }, { added: [], removed: [] });
      assert.deepEqual(found.unfrozen, []);
    });
  });

  test(`[${strategy}] the injected sources read workflow time and the run's seed, with a UTC calendar`, async () => {
    await withHost(strategy, async (host) => {
      const a = resultOf(await host.activate(startActivation("probe-a", "probeSources", [], "7"))) as Record<
        string,
        unknown
      >;
      const b = resultOf(await host.activate(startActivation("probe-b", "probeSources", [], "7"))) as Record<
        string,
        unknown
      >;
      const c = resultOf(await host.activate(startActivation("probe-c", "probeSources", [], "8"))) as Record<
        string,
        unknown
      >;
      assert.deepEqual(a, b, "same seed, same values");
      assert.notDeepEqual(a.random, c.random, "another seed, other values");
      assert.equal(a.now, T0);
      assert.equal(a.newDate, T0);
      assert.equal(a.dateString, "Tue Jan 02 2024 03:04:05 GMT+0000");
      assert.match(a.uuid as string, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      assert.equal((a.random as number[]).length, 2);
      assert.notEqual((a.random as number[])[0], (a.random as number[])[1]);
      assert.deepEqual(
        {
          local: a.local,
          parsedLocal: a.parsedLocal,
          parsedZoned: a.parsedZoned,
          parsedDateOnly: a.parsedDateOnly,
          offset: a.offset,
          hours: a.hours,
          string: a.string,
          instanceOfDate: a.instanceOfDate,
          dateConstructor: a.dateConstructor,
        },
        {
          local: "2020-01-02T03:04:05.000Z",
          parsedLocal: "2020-01-02T03:04:05.000Z",
          parsedZoned: "2020-01-02T02:04:05.000Z",
          parsedDateOnly: Date.UTC(2020, 0, 2),
          offset: 0,
          hours: 23,
          string: "Mon Jun 01 2020 23:30:00 GMT+0000",
          instanceOfDate: true,
          dateConstructor: true,
        },
      );
    });
  });
}
