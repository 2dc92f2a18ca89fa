import assert from "node:assert/strict";
import { test } from "node:test";
import { NondeterminismError } from "../../worker/workflow/nondeterminism_error.ts";
import { Replayer } from "../../worker/replayer_class.ts";
import { sharedEnv, uniqueId } from "./e2e_support.ts";

const workflowsPath = new URL("./workflows/routing.ts", import.meta.url);
const routingModule = new URL("./workflows/routing_module.ts", import.meta.url);

const { env } = sharedEnv({
  workflowsPath,
  activities: { greetV2: (name: string) => `Hello, ${name} (v2)` },
  interceptors: { workflowModules: [routingModule] },
});

test("the Replayer bundles the worker's workflow interceptor modules: a history whose commands a module changed replays with it and is nondeterministic without it", async () => {
  const { client, taskQueue } = await env();
  const handle = await client.startWorkflow("routedGreeting", {
    id: uniqueId("routed"),
    taskQueue,
    args: ["Ada"],
  });
  assert.equal(await handle.result(), "Hello, Ada (v2)");
  const history = await handle.fetchHistory();
  const scheduled = history.events.find((e) => e.attributes.case === "activityTaskScheduledEventAttributes");
  assert.ok(scheduled?.attributes.case === "activityTaskScheduledEventAttributes");
  assert.equal(scheduled.attributes.value.activityType?.name, "greetV2", "the module changed the command");

  {
    await using replayer = await Replayer.create({
      workflowsPath,
      interceptors: { workflowModules: [routingModule] },
    });
    const result = await replayer.replayWorkflow(history);
    assert.equal(result.events, history.events.length);
  }
  {
    await using replayer = await Replayer.create({ workflowsPath });
    const error = await replayer.replayWorkflow(history).then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof NondeterminismError, String(error));
    assert.equal(error.code, "SG1101");
    assert.match(error.message, /activity.*"greet".*"greetV2"/i);
  }
});

test("the Replayer refuses interceptor modules that are not paths or file: URLs", () => {
  assert.throws(
    () => new Replayer({ workflowsPath, interceptors: { workflowModules: [""] } }),
    /Invalid interceptors.workflowModules/,
  );
});
