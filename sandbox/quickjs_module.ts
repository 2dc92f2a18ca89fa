/**
 * Creates the WebAssembly instance behind an isolate. The QuickJS WebAssembly module is compiled
 * once per process and shared: each isolate still gets its own instance (its own memory), but
 * skips the compile (about 1 s per isolate on Bun).
 * @module
 */

import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import {
  newQuickJSWASMModuleFromVariant,
  newVariant,
  type QuickJSWASMModule,
  RELEASE_SYNC,
} from "quickjs-emscripten";

let compiled: Promise<WebAssembly.Module | undefined> | undefined;

/** The compiled QuickJS module, or undefined when its file cannot be located (then each isolate compiles). */
function compiledQuickJS(): Promise<WebAssembly.Module | undefined> {
  compiled ??= (async () => {
    try {
      // The variant package is a dependency of quickjs-emscripten: resolve it from there.
      const entry = createRequire(import.meta.url).resolve("quickjs-emscripten");
      const wasm = createRequire(entry).resolve("@jitl/quickjs-wasmfile-release-sync/wasm");
      return await WebAssembly.compile(await readFile(wasm));
    } catch {
      return undefined;
    }
  })();
  return compiled;
}

/**
 * A new QuickJS WebAssembly instance (release build, synchronous).
 *
 * @example
 * ```ts
 * const module = await newQuickJSInstance();
 * const runtime = module.newRuntime();
 * ```
 */
export async function newQuickJSInstance(): Promise<QuickJSWASMModule> {
  const wasmModule = await compiledQuickJS();
  const variant = wasmModule === undefined ? RELEASE_SYNC : newVariant(RELEASE_SYNC, { wasmModule });
  return await newQuickJSWASMModuleFromVariant(variant);
}
