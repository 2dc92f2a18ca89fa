/**
 * The patch machine: `setPatchMarker` commands recorded as `core_patch` markers (the format of
 * sdk-core, so histories move between SDKs), and the decoding of both marker formats in history.
 *
 * @module
 */

import { create } from "@bufbuild/protobuf";
import { CommandSchema } from "../../../gen/temporal/api/command/v1/message_pb.ts";
import { PayloadsSchema } from "../../../gen/temporal/api/common/v1/message_pb.ts";
import { CommandType } from "../../../gen/temporal/api/enums/v1/command_type_pb.ts";
import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import type { SetPatchMarkerCommand } from "../../../sandbox/protocol.ts";
import { defineMachine, StateMachine } from "../state_machine.ts";
import { checkAttribute, type CommandMachine, type EngineContext, type OutgoingCommand } from "./machine.ts";

/** The marker name of patches (shared with sdk-core based SDKs). */
export const PATCH_MARKER_NAME = "core_patch";
const PATCH_DETAILS_KEY = "patch-data";

type State = "Created" | "MarkerCommandCreated" | "MarkerCommandRecorded";
type Trigger = "schedule" | "MarkerRecorded";

/** The patch machine's transition table. */
export const patchMachine = defineMachine<State, Trigger>("patch", "Created", [
  ["Created", "schedule", "MarkerCommandCreated"],
  ["MarkerCommandCreated", "MarkerRecorded", "MarkerCommandRecorded"],
]);

/** A patch marker's content. */
export interface PatchMarker {
  patchId: string;
  deprecated: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Reads a `core_patch` marker event (JSON `patch-data`, or the older `patch_id`/`deprecated` bytes); else undefined. */
export function readPatchMarker(event: HistoryEvent): PatchMarker | undefined {
  if (event.attributes.case !== "markerRecordedEventAttributes") return undefined;
  const a = event.attributes.value;
  if (a.markerName !== PATCH_MARKER_NAME) return undefined;
  const data = a.details[PATCH_DETAILS_KEY]?.payloads[0];
  if (data !== undefined) {
    try {
      const parsed = JSON.parse(decoder.decode(data.data)) as { id?: unknown; deprecated?: unknown };
      if (typeof parsed.id === "string") {
        return { patchId: parsed.id, deprecated: parsed.deprecated === true };
      }
    } catch {
      return undefined;
    }
    return undefined;
  }
  const id = a.details["patch_id"]?.payloads[0];
  const deprecated = a.details["deprecated"]?.payloads[0];
  if (id === undefined) return undefined;
  return { patchId: decoder.decode(id.data), deprecated: (deprecated?.data[0] ?? 0) !== 0 };
}

/** One patch marker the workflow recorded. */
export class PatchMachine implements CommandMachine {
  readonly fsm: StateMachine<State, Trigger>;
  readonly patchId: string;
  readonly deprecated: boolean;

  constructor(ctx: EngineContext, command: SetPatchMarkerCommand) {
    this.patchId = command.patchId;
    this.deprecated = command.deprecated;
    this.fsm = new StateMachine(patchMachine, `patch '${command.patchId}'`);
    this.fsm.fire("schedule");
    const payloads = create(PayloadsSchema, {
      payloads: [{
        metadata: { encoding: encoder.encode("json/plain") },
        data: encoder.encode(JSON.stringify({ id: command.patchId, deprecated: command.deprecated })),
      }],
    });
    ctx.enqueue({
      machine: this,
      event: "markerRecordedEventAttributes",
      description: `setPatchMarker '${command.patchId}'${command.deprecated ? " (deprecated)" : ""}`,
      proto: create(CommandSchema, {
        commandType: CommandType.RECORD_MARKER,
        attributes: {
          case: "recordMarkerCommandAttributes",
          value: { markerName: PATCH_MARKER_NAME, details: { [PATCH_DETAILS_KEY]: payloads } },
        },
      }),
    });
  }

  handleCommandEvent(command: OutgoingCommand, event: HistoryEvent): void {
    const marker = readPatchMarker(event);
    checkAttribute(command, event, "patch id", this.patchId, marker?.patchId);
    this.fsm.fire("MarkerRecorded", Number(event.eventId));
  }

  handleEvent(event: HistoryEvent): void {
    this.fsm.fire("MarkerRecorded", Number(event.eventId));
  }
}
