/**
 * Test harness for the in-isolate workflow runtime: bundles a workflows module together with the
 * runtime (esbuild, with the protocol's `BUNDLE_SUPPORTED` lowering so cancellation scopes follow
 * `await`), creates runs, feeds activations and returns completions.
 *
 * By default the runs go through the real QuickJS isolate host (`sandbox/bundler.ts` +
 * `sandbox/host.ts`). With `SANDGLASS_WORKFLOW_TESTS_ISOLATE=0` the bundle runs directly in the
 * host JS engine (Node, Deno or Bun), which isolates runtime bugs from sandbox bugs.
 */

import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import * as esbuild from "esbuild";
import { defaultPayloadConverter } from "../../common/default_payload_converter.ts";
import { defaultFailureConverter } from "../../common/failure_converter.ts";
import type { TemporalFailure } from "../../common/failures.ts";
import {
  type Activation,
  type ActivationJob,
  BUNDLE_SUPPORTED,
  type Command,
  type Completion,
  type FailureJson,
  type LogRecord,
  type PayloadJson,
  type StartWorkflowJob,
  type WorkflowRuntime,
} from "../../sandbox/protocol.ts";
import {
  failureFromJson,
  failureToJson,
  payloadFromJson,
  payloadToJson,
} from "../../sandbox/workflow/internal/json_form.ts";

const root = resolve(import.meta.dirname ?? ".", "../..");

interface Bundle {
  createRuntime(module: Record<string, unknown>, env: { log?: (r: LogRecord) => void }): WorkflowRuntime;
  workflows: Record<string, unknown>;
}

const bundles = new Map<string, Promise<Bundle>>();

/** Bundles `fixtures/<name>.ts` with the runtime and imports it (once per process). */
export function loadBundle(name = "workflows"): Promise<Bundle> {
  let bundle = bundles.get(name);
  if (bundle === undefined) {
    bundle = build(name);
    bundles.set(name, bundle);
  }
  return bundle;
}

async function build(name: string): Promise<Bundle> {
  const entry = resolve(root, "tests/workflow/fixtures", `${name}.ts`);
  const runtime = resolve(root, "sandbox/workflow/internal/runtime.ts");
  const result = await esbuild.build({
    stdin: {
      contents: `export { createRuntime } from ${JSON.stringify(runtime)};\nimport * as workflows from ${
        JSON.stringify(entry)
      };\nexport { workflows };`,
      resolveDir: root,
      loader: "js",
    },
    bundle: true,
    write: false,
    format: "esm",
    platform: "neutral",
    target: "es2023",
    supported: { ...BUNDLE_SUPPORTED },
  });
  await esbuild.stop();
  const dir = mkdtempSync(join(tmpdir(), "sandglass-wf-test-"));
  const file = join(dir, `${name}.mjs`);
  writeFileSync(file, result.outputFiles[0]!.text);
  try {
    return (await import(pathToFileURL(file).href)) as Bundle;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Drains the host's microtask queue (a macrotask boundary). */
function drain(): Promise<void> {
  return new Promise((resolveDrain) => setTimeout(resolveDrain, 0));
}

/** True when the tests run through the real QuickJS isolate host (the default). */
export const ISOLATE = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env
  ?.["SANDGLASS_WORKFLOW_TESTS_ISOLATE"] !== "0";

interface IsolateHost {
  activate(activation: Activation): Promise<Completion>;
  evict(runId: string): void;
}

const hosts = new Map<string, Promise<{ host: IsolateHost; logs: LogRecord[][] }>>();
let runCounter = 0;

function isolateHost(name: string): Promise<{ host: IsolateHost; logs: LogRecord[][] }> {
  let entry = hosts.get(name);
  if (entry === undefined) {
    entry = (async () => {
      const { bundleWorkflows } = await import("../../sandbox/bundler.ts");
      const { createWorkflowHost } = await import("../../sandbox/host.ts");
      const bundle = await bundleWorkflows(resolve(root, "tests/workflow/fixtures", `${name}.ts`));
      const sinks: LogRecord[][] = [];
      const host = await createWorkflowHost({ bundle, log: (record) => sinks.at(-1)?.push(record) });
      return { host, logs: sinks };
    })();
    hosts.set(name, entry);
  }
  return entry;
}

/** A workflow run under test. */
export interface TestRun {
  /** The runtime, when running in the host engine (undefined through the isolate). */
  runtime: WorkflowRuntime | undefined;
  /** The run id the workflow sees. */
  runId: string;
  logs: LogRecord[];
  /** Feeds an activation and returns its completion. */
  activate(jobs: ActivationJob[], options?: Partial<Omit<Activation, "jobs">>): Promise<Completion>;
  /** The current workflow time. */
  now: number;
}

export const RUN_ID = "run-1";
export const START_TIME = Date.UTC(2025, 0, 1, 12, 0, 0);

/** Creates a run of the fixtures bundle. */
export async function createRun(name = "workflows"): Promise<TestRun> {
  if (ISOLATE) return createIsolateRun(name);
  const bundle = await loadBundle(name);
  const logs: LogRecord[] = [];
  const runtime = bundle.createRuntime(bundle.workflows, { log: (record) => logs.push(record) });
  let history = 1;
  const run: TestRun = {
    runtime,
    runId: RUN_ID,
    logs,
    now: START_TIME,
    async activate(jobs, options = {}) {
      history += 3;
      runtime.activate({
        runId: RUN_ID,
        timestamp: options.timestamp ?? run.now,
        isReplaying: options.isReplaying ?? false,
        historyLength: options.historyLength ?? history,
        ...options,
        jobs,
      });
      do await drain(); while (runtime.settle());
      return runtime.conclude();
    },
  };
  return run;
}

async function createIsolateRun(name: string): Promise<TestRun> {
  const { host, logs: sinks } = await isolateHost(name);
  const logs: LogRecord[] = [];
  const runId = `${RUN_ID}#${++runCounter}`;
  let history = 1;
  const run: TestRun = {
    runtime: undefined,
    runId,
    logs,
    now: START_TIME,
    async activate(jobs, options = {}) {
      history += 3;
      sinks.push(logs);
      try {
        const completion = await host.activate({
          runId,
          timestamp: options.timestamp ?? run.now,
          isReplaying: options.isReplaying ?? false,
          historyLength: options.historyLength ?? history,
          ...options,
          jobs: jobs.map((
            job,
          ) => (job.kind === "startWorkflow" ? { ...job, firstExecutionRunId: runId } : job)),
        });
        return completion;
      } finally {
        sinks.pop();
      }
    },
  };
  return run;
}

/** A start job for `workflowType` with `args`. */
export function startJob(
  workflowType: string,
  args: unknown[] = [],
  extra: Partial<StartWorkflowJob> = {},
): StartWorkflowJob {
  return {
    kind: "startWorkflow",
    workflowType,
    workflowId: "wf-1",
    namespace: "default",
    taskQueue: "tq",
    args: args.map(payload),
    randomnessSeed: "1234567890123",
    firstExecutionRunId: RUN_ID,
    attempt: 1,
    startTime: START_TIME,
    ...extra,
  };
}

/** Starts a run of `workflowType` and returns the run and the first completion. */
export async function start(
  workflowType: string,
  args: unknown[] = [],
  extra: Partial<StartWorkflowJob> = {},
  moreJobs: ActivationJob[] = [],
): Promise<{ run: TestRun; completion: Completion }> {
  const run = await createRun();
  const completion = await run.activate([startJob(workflowType, args, extra), ...moreJobs]);
  return { run, completion };
}

/** A value as a proto3-JSON payload. */
export function payload(value: unknown): PayloadJson {
  return payloadToJson(defaultPayloadConverter.toPayload(value));
}

/** A proto3-JSON payload's value. */
export function value(json: PayloadJson | undefined): unknown {
  return json === undefined ? undefined : defaultPayloadConverter.fromPayload(payloadFromJson(json));
}

/** An error as a proto3-JSON failure. */
export function failure(error: unknown): FailureJson {
  return failureToJson(defaultFailureConverter.errorToFailure(error, defaultPayloadConverter));
}

/** A proto3-JSON failure as an error. */
export function error(json: FailureJson): TemporalFailure {
  return defaultFailureConverter.failureToError(failureFromJson(json), defaultPayloadConverter);
}

/** The commands' kinds. */
export function kinds(completion: Completion): string[] {
  return completion.commands.map((c) => c.kind);
}

/** The only command of a completion, asserting its kind. */
export function only<K extends Command["kind"]>(
  completion: Completion,
  kind: K,
): Extract<Command, { kind: K }> {
  if (completion.failure !== undefined) throw new Error(`Task failed: ${completion.failure.message}`);
  if (completion.commands.length !== 1 || completion.commands[0]!.kind !== kind) {
    throw new Error(`Expected one '${kind}' command, got ${JSON.stringify(completion.commands)}`);
  }
  return completion.commands[0] as Extract<Command, { kind: K }>;
}

/** The command of `kind` at `index` among those of that kind. */
export function command<K extends Command["kind"]>(
  completion: Completion,
  kind: K,
  index = 0,
): Extract<Command, { kind: K }> {
  const found = completion.commands.filter((c) => c.kind === kind)[index];
  if (found === undefined) {
    throw new Error(`No '${kind}' command #${index} in ${JSON.stringify(completion.commands)}`);
  }
  return found as Extract<Command, { kind: K }>;
}

/** The workflow's result from a completeWorkflow command. */
export function result(completion: Completion): unknown {
  return value(only(completion, "completeWorkflow").result);
}
