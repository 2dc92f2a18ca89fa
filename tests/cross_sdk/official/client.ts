/**
 * A child process of the cross-SDK tests: the official TypeScript SDK's client
 * (`@temporalio/client` 1.24.0) drives one scenario against a Sandglass worker and prints one JSON
 * line with what it saw. Runs on Node 24 only (the official SDK's runtime).
 *
 *   node tests/cross_sdk/official/client.ts '{"address":"127.0.0.1:7233","namespace":"default",
 *     "taskQueue":"tq","workflowId":"wf","scenario":"execute","workflow":"echo","args":[1]}'
 *
 * Scenarios: `execute` (start `workflow` with `args`, wait for the result or the failure) and
 * `counter` (signals and queries against the `counter` workflow). Values travel as in `../wire.ts`.
 */
import process from "node:process";
import { Client, Connection, WorkflowFailedError } from "@temporalio/client";
import { ApplicationFailure, TemporalFailure } from "@temporalio/common";
import { fromWire, toWire, type WireError } from "../wire.ts";

interface Request {
  address: string;
  namespace: string;
  taskQueue: string;
  workflowId: string;
  scenario: "execute" | "counter";
  workflow?: string;
  args?: unknown[];
}

function describe(error: unknown): WireError {
  if (!(error instanceof Error)) {
    return { name: typeof error, message: String(error) };
  }
  const out: WireError = {
    name: error.constructor.name,
    message: error.message,
  };
  if (error instanceof ApplicationFailure) {
    out.type = error.type ?? null;
    out.nonRetryable = error.nonRetryable ?? false;
    out.details = (error.details ?? []).map(toWire);
  }
  const cause = error instanceof WorkflowFailedError || error instanceof TemporalFailure
    ? error.cause
    : undefined;
  if (cause !== undefined) out.cause = describe(cause);
  return out;
}

const request = JSON.parse(process.argv[2] ?? "{}") as Request;
const connection = await Connection.connect({ address: request.address });
try {
  const client = new Client({ connection, namespace: request.namespace });
  const common = {
    taskQueue: request.taskQueue,
    workflowId: request.workflowId,
  };
  let output: unknown;
  if (request.scenario === "execute") {
    try {
      const args = (request.args ?? []).map(fromWire);
      const result = await client.workflow.execute(request.workflow!, {
        ...common,
        args,
      });
      output = { result: toWire(result) };
    } catch (error) {
      output = { error: describe(error) };
    }
  } else {
    const handle = await client.workflow.start("counter", common);
    await handle.signal("add", 1);
    await handle.signal("add", 20);
    const totalBefore = await handle.query("total");
    await handle.signal("add", 300);
    const totalAfter = await handle.query("total");
    const greeting = await handle.query("greet", "Ada");
    await handle.signal("finish", "official-ts");
    output = {
      totalBefore,
      totalAfter,
      greeting,
      result: await handle.result(),
    };
  }
  process.stdout.write(JSON.stringify(output) + "\n");
} finally {
  await connection.close();
}
