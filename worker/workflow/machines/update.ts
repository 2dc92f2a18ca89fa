/**
 * The update machine: a workflow update arrives as a protocol message (or, in replay, from an
 * `UpdateAdmitted` / `UpdateAccepted` event), the runtime answers with `updateResponse` commands,
 * and the engine turns them into protocol messages (Acceptance, Rejection, Response) plus the
 * `ProtocolMessage` commands that history echoes as `WorkflowExecutionUpdateAccepted` and
 * `WorkflowExecutionUpdateCompleted`.
 *
 * @module
 */

import { create } from "@bufbuild/protobuf";
import { anyPack } from "@bufbuild/protobuf/wkt";
import { CommandSchema } from "../../../gen/temporal/api/command/v1/message_pb.ts";
import { CommandType } from "../../../gen/temporal/api/enums/v1/command_type_pb.ts";
import type { HistoryEvent } from "../../../gen/temporal/api/history/v1/message_pb.ts";
import { type Message, MessageSchema } from "../../../gen/temporal/api/protocol/v1/message_pb.ts";
import {
  AcceptanceSchema,
  RejectionSchema,
  type Request,
  ResponseSchema,
} from "../../../gen/temporal/api/update/v1/message_pb.ts";
import type { UpdateResponseCommand } from "../../../sandbox/protocol.ts";
import { failureFromJson, headerToJson, payloadFromJson, payloadsToJson } from "../convert.ts";
import { defineMachine, StateMachine } from "../state_machine.ts";
import { checkAttribute, type CommandMachine, type EngineContext, type OutgoingCommand } from "./machine.ts";

type State =
  | "Admitted"
  | "AcceptCommandCreated"
  | "Accepted"
  | "AcceptedAndCompleteCommandCreated"
  | "CompleteCommandCreated"
  | "Completed"
  | "Rejected";
type Trigger =
  | "accept"
  | "reject"
  | "complete"
  | "WorkflowExecutionUpdateAccepted"
  | "WorkflowExecutionUpdateCompleted";

/** The update machine's transition table. */
export const updateMachine = defineMachine<State, Trigger>("update", "Admitted", [
  ["Admitted", "accept", "AcceptCommandCreated"],
  ["Admitted", "reject", "Rejected"],
  ["AcceptCommandCreated", "WorkflowExecutionUpdateAccepted", "Accepted"],
  ["AcceptCommandCreated", "complete", "AcceptedAndCompleteCommandCreated"],
  ["AcceptedAndCompleteCommandCreated", "WorkflowExecutionUpdateAccepted", "CompleteCommandCreated"],
  ["Accepted", "complete", "CompleteCommandCreated"],
  ["CompleteCommandCreated", "WorkflowExecutionUpdateCompleted", "Completed"],
]);

/** One update, keyed by its protocol instance id. */
export class UpdateMachine implements CommandMachine {
  readonly fsm: StateMachine<State, Trigger>;
  readonly #ctx: EngineContext;
  readonly #request: Request;
  readonly #protocolInstanceId: string;
  readonly #requestMessageId: string;
  readonly #sequencingEventId: bigint;
  private constructor(
    ctx: EngineContext,
    request: Request,
    protocolInstanceId: string,
    messageId: string,
    sequencingEventId: bigint,
  ) {
    this.#ctx = ctx;
    this.#request = request;
    this.#protocolInstanceId = protocolInstanceId;
    this.#requestMessageId = messageId;
    this.#sequencingEventId = sequencingEventId;
    this.fsm = new StateMachine(updateMachine, `update '${request.meta?.updateId ?? protocolInstanceId}'`);
  }

  /**
   * Registers an update request and queues its `doUpdate` job; `replay` requests (from history)
   * skip the validator. A request already known is ignored. `request` has decoded payloads (for
   * the job); `wireRequest` is the request as the server sent it (echoed in the acceptance).
   */
  static admit(
    ctx: EngineContext,
    updates: Map<string, UpdateMachine>,
    request: Request,
    protocolInstanceId: string,
    replay: boolean,
    messageId = `${protocolInstanceId}/request`,
    sequencingEventId = 0n,
    wireRequest: Request = request,
  ): void {
    if (updates.has(protocolInstanceId)) return;
    updates.set(
      protocolInstanceId,
      new UpdateMachine(ctx, wireRequest, protocolInstanceId, messageId, sequencingEventId),
    );
    const job = {
      kind: "doUpdate" as const,
      id: request.meta?.updateId ?? protocolInstanceId,
      protocolInstanceId,
      name: request.input?.name ?? "",
      args: payloadsToJson(request.input?.args),
      headers: headerToJson(request.input?.header),
      identity: request.meta?.identity || undefined,
      runValidator: !replay,
    };
    if (job.headers === undefined) delete job.headers;
    if (job.identity === undefined) delete job.identity;
    ctx.pushJob(job);
  }

  /** Applies the runtime's response to this update. */
  respond(response: UpdateResponseCommand["response"]): void {
    switch (response.status) {
      case "accepted":
        this.fsm.fire("accept");
        this.#queue(
          "accept",
          "workflowExecutionUpdateAcceptedEventAttributes",
          anyPack(
            AcceptanceSchema,
            create(AcceptanceSchema, {
              acceptedRequestMessageId: this.#requestMessageId,
              acceptedRequestSequencingEventId: this.#sequencingEventId,
              acceptedRequest: this.#request,
            }),
          ),
        );
        return;
      case "rejected": {
        this.fsm.fire("reject");
        const message = create(MessageSchema, {
          id: `${this.#protocolInstanceId}/reject`,
          protocolInstanceId: this.#protocolInstanceId,
          body: anyPack(
            RejectionSchema,
            create(RejectionSchema, {
              rejectedRequestMessageId: this.#requestMessageId,
              rejectedRequestSequencingEventId: this.#sequencingEventId,
              rejectedRequest: this.#request,
              failure: failureFromJson(response.failure),
            }),
          ),
        });
        this.#ctx.sendMessage(message);
        return;
      }
      case "completed":
      case "failed": {
        this.fsm.fire("complete");
        const outcome = response.status === "completed"
          ? { value: { case: "success" as const, value: { payloads: [payloadFromJson(response.result)] } } }
          : { value: { case: "failure" as const, value: failureFromJson(response.failure) } };
        this.#queue(
          "complete",
          "workflowExecutionUpdateCompletedEventAttributes",
          anyPack(
            ResponseSchema,
            create(ResponseSchema, {
              meta: this.#request.meta,
              outcome,
            }),
          ),
        );
        return;
      }
    }
  }

  #queue(suffix: string, event: OutgoingCommand["event"], body: Message["body"]): void {
    const id = `${this.#protocolInstanceId}/${suffix}`;
    const command: OutgoingCommand = {
      machine: this,
      event,
      description: `updateResponse ${suffix} ('${this.#request.meta?.updateId ?? this.#protocolInstanceId}')`,
      proto: create(CommandSchema, {
        commandType: CommandType.PROTOCOL_MESSAGE,
        attributes: { case: "protocolMessageCommandAttributes", value: { messageId: id } },
      }),
      message: create(MessageSchema, { id, protocolInstanceId: this.#protocolInstanceId, body }),
    };
    this.#ctx.enqueue(command);
  }

  handleCommandEvent(command: OutgoingCommand, event: HistoryEvent): void {
    const a = event.attributes;
    if (a.case === "workflowExecutionUpdateAcceptedEventAttributes") {
      checkAttribute(
        command,
        event,
        "protocolInstanceId",
        this.#protocolInstanceId,
        a.value.protocolInstanceId,
      );
      this.fsm.fire("WorkflowExecutionUpdateAccepted", Number(event.eventId));
      return;
    }
    if (a.case === "workflowExecutionUpdateCompletedEventAttributes") {
      checkAttribute(command, event, "updateId", this.#request.meta?.updateId, a.value.meta?.updateId);
      this.fsm.fire("WorkflowExecutionUpdateCompleted", Number(event.eventId));
      return;
    }
    this.fsm.fire("WorkflowExecutionUpdateCompleted", Number(event.eventId));
  }

  handleEvent(event: HistoryEvent): void {
    this.fsm.fire("WorkflowExecutionUpdateCompleted", Number(event.eventId));
  }
}
