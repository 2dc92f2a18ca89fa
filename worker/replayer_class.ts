/**
 * The public Replayer: checks that workflow code still reproduces recorded histories, without a
 * server. Run it in CI against histories of production runs before deploying new workflow code.
 *
 * @module
 */

import { createDataConverter, type DataConverter } from "../common/data_converter.ts";
import type { History } from "../gen/temporal/api/history/v1/message_pb.ts";
import { bundleWorkflows, stopBundler } from "../sandbox/bundler.ts";
import { createWorkflowHost, type WorkflowHost } from "../sandbox/host.ts";
import { createReplayer, type HistoryReplayer } from "./replayer.ts";
import { ReplayError } from "./replayer_error.ts";
import { type HistoryInput, toHistory } from "./replayer_history.ts";
import { NondeterminismError } from "./workflow/nondeterminism_error.ts";
import { WorkflowTaskFailedError } from "./workflow/task_errors.ts";
import { resolveWorkflowModules, type WorkerInterceptors } from "./worker_options.ts";

/** Options of {@linkcode Replayer}. */
export interface ReplayerOptions {
  /** The module (path or `file:` URL) exporting the workflows, as given to the Worker. */
  workflowsPath: string | URL;
  /** Namespace reported to the workflows. Default: `"default"`. */
  namespace?: string;
  /**
   * Data converter; only `payloadCodecs` matter (payloads in history are decoded before the
   * workflow sees them). Default: no codecs.
   */
  dataConverter?: Partial<DataConverter>;
  /**
   * The Worker's interceptors: `workflowModules` are bundled with the workflows exactly as the
   * Worker does, so histories recorded with workflow interceptors (which may change the commands)
   * replay with the same ones. The rest is ignored: replay runs no activities and exports no spans.
   * Default: none.
   */
  interceptors?: WorkerInterceptors;
}

/** Ids of one replay; by default taken from the history. */
export interface ReplayWorkflowOptions {
  /**
   * Workflow id reported to the workflow. Default: the id recorded in `WorkflowExecutionStarted`
   * (servers since 1.24 record it), else `"replay"`.
   */
  workflowId?: string;
  /** Run id reported to the workflow. Default: the history's original execution run id. */
  runId?: string;
}

/** One history to replay, with the ids to report (the form `replayWorkflows` also accepts). */
export interface HistoryToReplay extends ReplayWorkflowOptions {
  history: HistoryInput;
}

/** The outcome of replaying one history. */
export interface ReplayResult {
  readonly workflowId: string;
  readonly runId: string;
  /** Events in the history. */
  readonly events: number;
  /** Why the replay failed; absent if the workflow code reproduced the history. */
  readonly error?: NondeterminismError | ReplayError;
}

/**
 * Replays recorded workflow histories through the same engine and sandbox the Worker uses, and
 * reports whether the workflow code still reproduces them.
 *
 * Accepted histories (see {@linkcode HistoryInput}): `handle.fetchHistory()`'s `History`, binary
 * protobuf, or JSON exported by the Temporal CLI (`temporal workflow show --output json`) or UI,
 * with either enum spelling.
 *
 * @example Checking exported histories in CI
 * ```ts
 * import { readFile } from "node:fs/promises";
 * import { Replayer } from "sandglass/worker";
 *
 * await using replayer = await Replayer.create({
 *   workflowsPath: new URL("./workflows.ts", import.meta.url),
 *   interceptors: { workflowModules: [new URL("./interceptors.ts", import.meta.url)] }, // as on the Worker
 * });
 * await replayer.replayWorkflow(await readFile("histories/order-42.json")); // throws if it diverges
 * for await (const result of replayer.replayWorkflows([h1, h2, h3])) {
 *   if (result.error) console.error(result.workflowId, result.error.message);
 * }
 * ```
 */
export class Replayer implements AsyncDisposable {
  /** The options given. */
  readonly options: Readonly<ReplayerOptions>;
  readonly #dataConverter: DataConverter;
  readonly #workflowModules: readonly (string | URL)[];
  #ready: Promise<{ host: WorkflowHost; core: HistoryReplayer }> | undefined;
  #disposed = false;
  #counter = 0;
  #tail: Promise<unknown> = Promise.resolve();

  /**
   * Validates the options; does no I/O (the workflows are bundled on first use, or by
   * {@linkcode Replayer.create}).
   *
   * @throws {TypeError} If `workflowsPath` is missing or not a path or `file:` URL, or
   *   `interceptors.workflowModules` is not an array of them.
   */
  constructor(options: ReplayerOptions) {
    const path = (options as Partial<ReplayerOptions> | undefined)
      ?.workflowsPath;
    if (!(path instanceof URL) && (typeof path !== "string" || path === "")) {
      throw new TypeError(
        `Invalid workflowsPath '${String(path)}': expected a file path or a file: URL`,
      );
    }
    this.#workflowModules = resolveWorkflowModules(options.interceptors?.workflowModules);
    this.options = Object.freeze({ ...options });
    this.#dataConverter = createDataConverter(options.dataConverter ?? {});
  }

  /**
   * Creates a Replayer and bundles its workflows into a sandbox now, so that a bundling error
   * surfaces here rather than on the first replay.
   *
   * @example
   * ```ts
   * await using replayer = await Replayer.create({ workflowsPath: "./workflows.ts" });
   * ```
   */
  static async create(options: ReplayerOptions): Promise<Replayer> {
    const replayer = new Replayer(options);
    await replayer.#prepare();
    return replayer;
  }

  #prepare(): Promise<{ host: WorkflowHost; core: HistoryReplayer }> {
    if (this.#disposed) {
      return Promise.reject(
        new Error("The Replayer is disposed; create a new one"),
      );
    }
    this.#ready ??= (async () => {
      let bundle;
      try {
        bundle = await bundleWorkflows(this.options.workflowsPath, {
          interceptorModules: this.#workflowModules,
        });
      } finally {
        await stopBundler();
      }
      const host = await createWorkflowHost({ bundle });
      const core = createReplayer({
        sandbox: host,
        namespace: this.options.namespace ?? "default",
        dataConverter: { payloadCodecs: this.#dataConverter.payloadCodecs },
      });
      return { host, core };
    })();
    this.#ready.catch(() => (this.#ready = undefined));
    return this.#ready;
  }

  /**
   * Replays one history.
   *
   * @param history The history (a `History`, binary or JSON bytes, JSON text, or parsed JSON).
   * @param options Ids to report to the workflow; by default the history's.
   * @returns The ids and the number of events replayed.
   * @throws {NondeterminismError} If the workflow code no longer matches the history (coded
   *   `SG1100`–`SG1106`, naming the command and event that disagree).
   * @throws {ReplayError} If the workflow code failed a workflow task, or the history is unusable.
   * @example
   * ```ts
   * const history = await client.getHandle("order-42").fetchHistory();
   * await replayer.replayWorkflow(history);
   * ```
   */
  async replayWorkflow(
    history: HistoryInput,
    options: ReplayWorkflowOptions = {},
  ): Promise<ReplayResult> {
    const result = await this.#replay({ ...options, history });
    if (result.error !== undefined) throw result.error;
    return result;
  }

  /**
   * Replays many histories one after another and yields a result per history, with the error
   * instead of throwing it; only a failure to bundle the workflows ends the iteration early.
   *
   * @param histories Histories, or `{ history, workflowId?, runId? }` items, from an iterable or
   *   an async iterable (e.g. a generator that reads files or fetches histories lazily).
   * @example
   * ```ts
   * let failed = 0;
   * for await (const { workflowId, error } of replayer.replayWorkflows(histories)) {
   *   if (error) console.error(`${workflowId}: ${error.message}`), failed++;
   * }
   * ```
   */
  async *replayWorkflows(
    histories:
      | Iterable<HistoryInput | HistoryToReplay>
      | AsyncIterable<HistoryInput | HistoryToReplay>,
  ): AsyncGenerator<ReplayResult, void, undefined> {
    await this.#prepare();
    for await (const item of histories) {
      yield await this.#replay(
        isHistoryToReplay(item) ? item : { history: item },
      );
    }
  }

  /** Replays one at a time (two replays of the same run must not share the sandbox's run). */
  #replay(item: HistoryToReplay): Promise<ReplayResult> {
    const result = this.#tail.then(() => this.#replayNow(item));
    this.#tail = result.catch(() => {});
    return result;
  }

  async #replayNow(item: HistoryToReplay): Promise<ReplayResult> {
    const { core } = await this.#prepare();
    let history: History;
    try {
      history = toHistory(item.history);
    } catch (error) {
      const ids = {
        workflowId: item.workflowId ?? "replay",
        runId: item.runId ?? "",
      };
      return {
        ...ids,
        events: 0,
        error: new ReplayError((error as Error).message, {
          ...ids,
          cause: error,
        }),
      };
    }
    const ids = this.#ids(history, item);
    const events = history.events.length;
    try {
      await core.replayHistory(history, ids);
      return { ...ids, events };
    } catch (error) {
      return { ...ids, events, error: toReplayError(error, ids) };
    }
  }

  #ids(
    history: History,
    item: ReplayWorkflowOptions,
  ): { workflowId: string; runId: string } {
    const first = history.events[0]?.attributes;
    const started = first?.case === "workflowExecutionStartedEventAttributes" ? first.value : undefined;
    return {
      workflowId: item.workflowId ?? (started?.workflowId || "replay"),
      runId: item.runId ??
        (started?.originalExecutionRunId || `replay-${++this.#counter}`),
    };
  }

  /** Releases the sandbox. Replays in progress must have settled. */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const ready = this.#ready;
    this.#ready = undefined;
    if (ready === undefined) return;
    try {
      (await ready).host.dispose();
    } catch {
      // Preparing failed: nothing to release.
    }
  }

  /** Same as {@linkcode Replayer.dispose}, for `await using`. */
  [Symbol.asyncDispose](): Promise<void> {
    return this.dispose();
  }
}

function isHistoryToReplay(
  item: HistoryInput | HistoryToReplay,
): item is HistoryToReplay {
  return typeof item === "object" && item !== null &&
    !(item instanceof Uint8Array) && "history" in item;
}

function toReplayError(
  error: unknown,
  ids: { workflowId: string; runId: string },
): NondeterminismError | ReplayError {
  if (error instanceof NondeterminismError) return error;
  const where = `workflow '${ids.workflowId}' run '${ids.runId}'`;
  if (error instanceof WorkflowTaskFailedError) {
    return new ReplayError(
      `Replay of ${where} failed a workflow task: ${error.failure.message ?? error.message}`,
      {
        ...ids,
        failure: error.failure,
        cause: error,
      },
    );
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ReplayError(`Cannot replay ${where}: ${message}`, {
    ...ids,
    cause: error,
  });
}
