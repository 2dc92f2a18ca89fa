import { test } from "node:test";
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { bundleWorkflows, stopBundler } from "../../sandbox/bundler.ts";
import { createWorkflowHost } from "../../sandbox/host.ts";
import type { LogRecord } from "../../sandbox/protocol.ts";
import { startActivation } from "./fixtures/activations.ts";
import { driveToEnd } from "./fixtures/drive.ts";

const WORKFLOWS = new URL("./fixtures/byte_identical_workflows.ts", import.meta.url);
const RUNTIME = new URL("./fixtures/runtime.ts", import.meta.url);
const EXPECTED = new URL("./fixtures/byte_identical.sha256", import.meta.url);

// S1 creates a QuickJS runtime per run (~15 ms each, slower on Bun): fewer rounds keep it within
// the test runners' default timeouts; the default strategy (S2) does the full 100.
for (const [strategy, rounds] of [["shared", 100], ["context", 20]] as const) {
  test(`[${strategy}] the same activations give byte-identical completions ${rounds} times, on every runtime`, async () => {
    const bundle = await bundleWorkflows(WORKFLOWS, { runtimeModule: RUNTIME });
    const logs: LogRecord[] = [];
    const host = await createWorkflowHost({ bundle, strategy, log: (r) => logs.push(r) });
    try {
      const start = startActivation("identical-run", "everything", ["trace"], "1234567890123");
      const first = await driveToEnd(host, start);
      assert.ok(first.length > 5, "the workflow waits on several timers");
      assert.match(first.at(-1)!, /completeWorkflow/);
      for (let i = 1; i < rounds; i++) {
        host.evict(start.runId);
        assert.deepEqual(await driveToEnd(host, start), first, `iteration ${i}`);
      }
      assert.equal(logs.length, rounds);
      assert.ok(logs.every((r) => r.message === "done trace 19"));
      const digest = createHash("sha256").update(first.join("\n")).digest("hex");
      const expected = (await readFile(EXPECTED, "utf8")).trim();
      assert.equal(
        digest,
        expected,
        "completions differ from the committed fixture (Deno, Bun and Node must agree)",
      );

      const otherSeed = await driveToEnd(host, startActivation("other-seed", "everything", ["trace"], "42"));
      assert.notDeepEqual(otherSeed.map((c) => c.replaceAll("other-seed", "identical-run")), first);
    } finally {
      host.dispose();
      await stopBundler();
    }
  });
}
