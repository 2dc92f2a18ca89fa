/**
 * Reads the interpreter's allocated bytes for one QuickJS runtime.
 * @module
 */

import type { QuickJSRuntime } from "quickjs-emscripten";

/** Bytes currently allocated by `runtime` (`memory_used_size`); walks the heap, so not for hot paths. */
export function heapBytes(runtime: QuickJSRuntime): number {
  const handle = runtime.computeMemoryUsage();
  try {
    const context = runtime.context;
    if (context === undefined) return 0;
    const usage = context.dump(handle) as { memory_used_size?: number };
    return usage.memory_used_size ?? 0;
  } finally {
    handle.dispose();
  }
}
