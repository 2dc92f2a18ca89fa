import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import process from "node:process";
import { test } from "node:test";
import { fileURLToPath } from "node:url";
import { helloActivity } from "../../examples/hello_activity.ts";
import { devServer } from "../support/servers.ts";
import { assertStartedReplay, recordingClient } from "./example_support.ts";

test("SayHello calls the say_hello activity and returns 'Hello, Temporal!'", async () => {
  const recording = await recordingClient();
  try {
    assert.equal(await helloActivity(recording.client), "Hello, Temporal!");
    assert.equal(await helloActivity(recording.client, "Sandglass"), "Hello, Sandglass!");
    await assertStartedReplay(recording, new URL("../../examples/workflows/hello.ts", import.meta.url));
  } finally {
    await recording.client.connection.close();
  }
});

test("the hello_activity script prints exactly 'Result: Hello, Temporal!' and exits 0", async () => {
  const { address, namespace } = await devServer();
  const script = fileURLToPath(new URL("../../examples/hello_activity.ts", import.meta.url));
  const g = globalThis as { Deno?: unknown; Bun?: unknown };
  const args = g.Deno !== undefined
    ? ["run", "-A", script]
    : g.Bun !== undefined
    ? ["run", script]
    : [script];
  const child = spawn(process.execPath, args, {
    env: { ...process.env, TEMPORAL_ADDRESS: address, TEMPORAL_NAMESPACE: namespace },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += String(chunk)));
  child.stderr.on("data", (chunk) => (stderr += String(chunk)));
  const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
  assert.equal(code, 0, `exit code ${code}; stderr: ${stderr}`);
  assert.equal(stdout, "Result: Hello, Temporal!\n");
});
