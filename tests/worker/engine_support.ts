/**
 * Support for the engine tests: a builder of synthetic histories (real `HistoryEvent` messages
 * made with `create()`), and a scripted sandbox whose "workflows" are plain functions from an
 * activation to commands, so the engine can be tested without QuickJS.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { EventType } from "../../gen/temporal/api/enums/v1/event_type_pb.ts";
import {
  type History,
  type HistoryEvent,
  HistoryEventSchema,
  HistorySchema,
} from "../../gen/temporal/api/history/v1/message_pb.ts";
import type {
  Activation,
  ActivationJob,
  Command,
  Completion,
  PayloadJson,
  QueryResult,
} from "../../sandbox/protocol.ts";
import type { WorkflowSandbox } from "../../worker/workflow/engine.ts";

type Attributes = HistoryEvent["attributes"];
type Case = NonNullable<Attributes["case"]>;
type ValueOf<C extends Case> = Extract<Attributes, { case: C }>["value"];

/** Base time of synthetic histories (ms since the epoch). */
export const T0 = Date.UTC(2025, 0, 1);

/** Builds a history event by event; each `add` returns the new event's id. */
export class HistoryBuilder {
  readonly events: HistoryEvent[] = [];
  time = T0;

  add<C extends Case>(c: C, value: Partial<ValueOf<C>> = {}): bigint {
    const eventId = BigInt(this.events.length + 1);
    const name = c.replace(/EventAttributes$/, "").replace(/([A-Z])/g, "_$1").toUpperCase();
    const eventType = (EventType as Record<string, number>)[name];
    if (eventType === undefined) throw new Error(`No event type for ${c}`);
    this.events.push(create(HistoryEventSchema, {
      eventId,
      eventTime: timestampFromMs(this.time),
      eventType: eventType as EventType,
      attributes: { case: c, value } as never,
    }));
    return eventId;
  }

  /** WorkflowExecutionStarted of `workflowType`. */
  start(workflowType: string, args: PayloadJson[] = []): bigint {
    return this.add("workflowExecutionStartedEventAttributes", {
      workflowType: { name: workflowType },
      taskQueue: { name: "tq" },
      input: { payloads: args.map(jsonPayload) },
      originalExecutionRunId: "run-1",
      firstExecutionRunId: "run-1",
      attempt: 1,
    } as never);
  }

  /** Scheduled + Started (+ Completed unless `open`); returns the Completed id (or Started if open). */
  task(open = false): bigint {
    this.time += 1000;
    const scheduled = this.add(
      "workflowTaskScheduledEventAttributes",
      { taskQueue: { name: "tq" } } as never,
    );
    const started = this.add("workflowTaskStartedEventAttributes", { scheduledEventId: scheduled });
    if (open) return started;
    return this.add("workflowTaskCompletedEventAttributes", {
      scheduledEventId: scheduled,
      startedEventId: started,
    });
  }

  history(): History {
    return create(HistorySchema, { events: this.events });
  }
}

/** A json/plain payload of `value` as the protocol's JSON form. */
export function json(value: unknown): PayloadJson {
  return {
    metadata: { encoding: btoa("json/plain") },
    data: btoa(JSON.stringify(value)),
  };
}

function jsonPayload(p: PayloadJson): never {
  return {
    metadata: Object.fromEntries(
      Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Uint8Array.from(atob(v), (c) => c.charCodeAt(0))]),
    ),
    data: Uint8Array.from(atob(p.data ?? ""), (c) => c.charCodeAt(0)),
  } as never;
}

/** The value of a json/plain payload JSON. */
export function unjson(p: PayloadJson | undefined): unknown {
  return p?.data === undefined ? undefined : JSON.parse(atob(p.data));
}

/** A scripted workflow: called once per activation job, returns the commands that job causes. */
export type Script = (job: ActivationJob, run: ScriptRun) => Command[] | void;

/** Per-run state a script may use. */
export interface ScriptRun {
  readonly activations: Activation[];
  readonly patches: Set<string>;
  state: Record<string, unknown>;
  queryAnswers: Record<string, (args: PayloadJson[]) => PayloadJson>;
}

/** A sandbox that runs scripted workflows by type; records every activation. */
export class ScriptedSandbox implements WorkflowSandbox {
  readonly runs = new Map<string, ScriptRun & { script: Script }>();
  readonly evicted: string[] = [];
  readonly scripts: Record<string, Script>;

  constructor(scripts: Record<string, Script>) {
    this.scripts = scripts;
  }

  activate(activation: Activation): Promise<Completion> {
    let run = this.runs.get(activation.runId);
    const start = activation.jobs.find((j) => j.kind === "startWorkflow");
    if (run === undefined) {
      if (start === undefined) throw new Error(`Run '${activation.runId}' activated without being started`);
      const script = this.scripts[start.workflowType];
      if (script === undefined) {
        return Promise.resolve({
          runId: activation.runId,
          commands: [],
          failure: { message: `Unknown workflow type '${start.workflowType}'` },
        });
      }
      run = { script, activations: [], patches: new Set(), state: {}, queryAnswers: {} };
      this.runs.set(activation.runId, run);
    }
    run.activations.push(activation);
    const commands: Command[] = [];
    const queryResults: QueryResult[] = [];
    for (const job of activation.jobs) {
      if (job.kind === "notifyHasPatch") run.patches.add(job.patchId);
      if (job.kind === "queryWorkflow") {
        const answer = run.queryAnswers[job.queryType];
        queryResults.push(
          answer === undefined
            ? {
              queryId: job.queryId,
              status: "failed",
              failure: { message: `Unknown query '${job.queryType}'` },
            }
            : { queryId: job.queryId, status: "succeeded", result: answer(job.args) },
        );
        continue;
      }
      commands.push(...(run.script(job, run) ?? []));
    }
    return Promise.resolve({ runId: activation.runId, commands, queryResults });
  }

  evict(runId: string): void {
    this.evicted.push(runId);
    this.runs.delete(runId);
  }

  has(runId: string): boolean {
    return this.runs.has(runId);
  }
}
