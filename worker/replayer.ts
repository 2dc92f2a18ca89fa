/**
 * The Replayer core: replays recorded histories through the same engine the Worker uses, without
 * a server, and reports nondeterminism (workflow code that no longer matches its history).
 *
 * @module
 */

import type { JsonValue } from "@bufbuild/protobuf";
import type { History } from "../gen/temporal/api/history/v1/message_pb.ts";
import type { PayloadCodec } from "../common/payload_codec.ts";
import { decodeEvents } from "./workflow/codec.ts";
import type { WorkflowSandbox } from "./workflow/engine.ts";
import { WorkflowMachines } from "./workflow/workflow_machines.ts";
import { type HistoryInput, toHistory } from "./replayer_history.ts";

/** Options of {@linkcode createReplayer}. */
export interface HistoryReplayerOptions {
  /** The sandbox host that runs the workflow code to check. */
  sandbox: WorkflowSandbox;
  /** Namespace reported to the workflow. Default: `"default"`. */
  namespace?: string;
  /** Only `payloadCodecs` is used. Default: no codecs. */
  dataConverter?: { payloadCodecs: readonly PayloadCodec[] };
  /** Internal flags the workflow runtime supports. Default: none. */
  internalFlags?: readonly number[];
}

/** Options of one replay. */
export interface ReplayOptions {
  /** Workflow id reported to the workflow. Default: `"replay"`. */
  workflowId?: string;
  /** Run id reported to the workflow. Default: the history's original execution run id. */
  runId?: string;
}

/** Replays histories over a sandbox host (the core of the public `Replayer`). */
export interface HistoryReplayer {
  /**
   * Replays one history. Resolves if the workflow code reproduces it; rejects with a
   * `NondeterminismError` (coded, naming the command and event that disagree) or with the
   * workflow task failure the code raised.
   */
  replayHistory(
    history: HistoryInput | JsonValue,
    options?: ReplayOptions,
  ): Promise<void>;
}

/**
 * Creates a Replayer over a sandbox host.
 *
 * @example Checking a history exported from the server
 * ```ts
 * const replayer = createReplayer({ sandbox: host });
 * await replayer.replayHistory(await readFile("history.json", "utf8").then(JSON.parse));
 * ```
 */
export function createReplayer(
  options: HistoryReplayerOptions,
): HistoryReplayer {
  let counter = 0;
  return {
    async replayHistory(input, replayOptions = {}) {
      const history = toHistory(input as HistoryInput);
      const started = history.events[0];
      if (
        started?.attributes.case !== "workflowExecutionStartedEventAttributes"
      ) {
        throw new Error(
          "Cannot replay a history that does not start with WorkflowExecutionStarted",
        );
      }
      const a = started.attributes.value;
      const runId = replayOptions.runId ??
        (a.originalExecutionRunId || `replay-${++counter}`);
      const events = history.events.map((e) => e);
      await decodeEvents(options.dataConverter?.payloadCodecs ?? [], events);
      const machines = new WorkflowMachines({
        namespace: options.namespace ?? "default",
        workflowId: replayOptions.workflowId ?? (a.workflowId || "replay"),
        runId,
        workflowType: a.workflowType?.name ?? "",
        taskQueue: a.taskQueue?.name ?? "",
      });
      options.sandbox.evict(runId);
      try {
        machines.addEvents(events);
        await machines.advance(
          (activation) => options.sandbox.activate(activation),
          {
            knownFlags: options.internalFlags,
          },
        );
        if (!endsWithOpenTask(history)) machines.checkReplayComplete();
      } finally {
        options.sandbox.evict(runId);
      }
    },
  };
}

/** True if the last workflow task in history has no outcome yet (its commands are new work). */
function endsWithOpenTask(history: History): boolean {
  for (let i = history.events.length - 1; i >= 0; i--) {
    const c = history.events[i]!.attributes.case;
    if (c === "workflowTaskStartedEventAttributes") return true;
    if (
      c === "workflowTaskCompletedEventAttributes" ||
      c === "workflowTaskFailedEventAttributes" ||
      c === "workflowTaskTimedOutEventAttributes"
    ) return false;
  }
  return false;
}
