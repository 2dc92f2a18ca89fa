/**
 * A test double for the worker side, made of raw WorkflowService calls: poll a workflow task on a
 * task queue and answer it with commands (complete, fail, continue-as-new), protocol messages
 * (accept / complete / reject an update), or a legacy query answer. Tests that need the protocol
 * itself in hand use it (e.g. the activity executor tests schedule activities without a workflow
 * worker); tests where a workflow must answer run real workflows on a real Worker instead.
 */
import { create } from "@bufbuild/protobuf";
import { type Any, anyPack, anyUnpack } from "@bufbuild/protobuf/wkt";
import { type Command, CommandSchema } from "../../gen/temporal/api/command/v1/message_pb.ts";
import type { Payload } from "../../gen/temporal/api/common/v1/message_pb.ts";
import { CommandType } from "../../gen/temporal/api/enums/v1/command_type_pb.ts";
import { QueryResultType } from "../../gen/temporal/api/enums/v1/query_pb.ts";
import type { Failure } from "../../gen/temporal/api/failure/v1/message_pb.ts";
import {
  type Message as ProtocolMessage,
  MessageSchema,
} from "../../gen/temporal/api/protocol/v1/message_pb.ts";
import {
  AcceptanceSchema,
  RejectionSchema,
  type Request as UpdateRequest,
  RequestSchema,
  ResponseSchema,
} from "../../gen/temporal/api/update/v1/message_pb.ts";
import type { PollWorkflowTaskQueueResponse } from "../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import type { WorkflowService } from "../../gen/temporal/api/workflowservice/v1/service_pb.ts";
import type { ServiceClient } from "../../client/service_client.ts";

export type WorkflowServiceClient = ServiceClient<typeof WorkflowService>;

/** A polled workflow task together with what the tests usually need from it. */
export interface RawTask {
  readonly response: PollWorkflowTaskQueueResponse;
  readonly taskToken: Uint8Array;
  /** Update requests delivered with the task, with the protocol message that carried each one. */
  readonly updates: { message: ProtocolMessage; request: UpdateRequest }[];
}

/** Polls the task queue until a workflow task (or a legacy query task) arrives; 20 s at most. */
export async function pollWorkflowTask(
  service: WorkflowServiceClient,
  namespace: string,
  taskQueue: string,
  timeoutMs = 20_000,
): Promise<RawTask> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const response = await service.pollWorkflowTaskQueue(
      { namespace, taskQueue: { name: taskQueue }, identity: "raw-worker" },
      { timeoutMs: Math.max(1_000, deadline - Date.now()), retry: false },
    );
    if (response.taskToken.length === 0) continue;
    const updates = response.messages.flatMap((message) => {
      const request = message.body ? anyUnpack(message.body, RequestSchema) : undefined;
      return request ? [{ message, request }] : [];
    });
    return { response, taskToken: response.taskToken, updates };
  }
  throw new Error(`No workflow task on task queue '${taskQueue}' within ${timeoutMs} ms`);
}

/** Answers a workflow task with commands and protocol messages. */
export async function completeWorkflowTask(
  service: WorkflowServiceClient,
  namespace: string,
  task: RawTask,
  commands: Command[],
  messages: ProtocolMessage[] = [],
): Promise<void> {
  await service.respondWorkflowTaskCompleted({
    namespace,
    taskToken: task.taskToken,
    identity: "raw-worker",
    commands,
    messages,
  });
}

/** Answers a legacy query task (one polled with `response.query` set). */
export async function answerQuery(
  service: WorkflowServiceClient,
  namespace: string,
  task: RawTask,
  answer: { result: Payload[] } | { error: string },
): Promise<void> {
  await service.respondQueryTaskCompleted(
    "result" in answer
      ? {
        namespace,
        taskToken: task.taskToken,
        completedType: QueryResultType.ANSWERED,
        queryResult: { payloads: answer.result },
      }
      : {
        namespace,
        taskToken: task.taskToken,
        completedType: QueryResultType.FAILED,
        errorMessage: answer.error,
        failure: { message: answer.error },
      },
  );
}

/** A COMPLETE_WORKFLOW_EXECUTION command. */
export function completeCommand(result: Payload[]): Command {
  return create(CommandSchema, {
    commandType: CommandType.COMPLETE_WORKFLOW_EXECUTION,
    attributes: {
      case: "completeWorkflowExecutionCommandAttributes",
      value: { result: { payloads: result } },
    },
  });
}

/** A FAIL_WORKFLOW_EXECUTION command. */
export function failCommand(failure: Failure): Command {
  return create(CommandSchema, {
    commandType: CommandType.FAIL_WORKFLOW_EXECUTION,
    attributes: { case: "failWorkflowExecutionCommandAttributes", value: { failure } },
  });
}

/** A CONTINUE_AS_NEW_WORKFLOW_EXECUTION command. */
export function continueAsNewCommand(workflowType: string, taskQueue: string, input: Payload[]): Command {
  return create(CommandSchema, {
    commandType: CommandType.CONTINUE_AS_NEW_WORKFLOW_EXECUTION,
    attributes: {
      case: "continueAsNewWorkflowExecutionCommandAttributes",
      value: {
        workflowType: { name: workflowType },
        taskQueue: { name: taskQueue },
        input: { payloads: input },
      },
    },
  });
}

function protocolCommand(messageId: string): Command {
  return create(CommandSchema, {
    commandType: CommandType.PROTOCOL_MESSAGE,
    attributes: { case: "protocolMessageCommandAttributes", value: { messageId } },
  });
}

function message(id: string, protocolInstanceId: string, body: Any): ProtocolMessage {
  return create(MessageSchema, { id, protocolInstanceId, body });
}

/**
 * The messages and commands that accept an update and then complete it with a result or a failure
 * in the same workflow task.
 */
export function acceptAndComplete(
  update: RawTask["updates"][number],
  outcome: { success: Payload[] } | { failure: Failure },
): { messages: ProtocolMessage[]; commands: Command[] } {
  const instance = update.message.protocolInstanceId;
  const acceptId = `${update.message.id}/accept`;
  const completeId = `${update.message.id}/complete`;
  const eventId = update.message.sequencingId.case === "eventId" ? update.message.sequencingId.value : 0n;
  const acceptance = anyPack(
    AcceptanceSchema,
    create(AcceptanceSchema, {
      acceptedRequestMessageId: update.message.id,
      acceptedRequestSequencingEventId: eventId,
      acceptedRequest: update.request,
    }),
  );
  const response = anyPack(
    ResponseSchema,
    create(ResponseSchema, {
      meta: update.request.meta,
      outcome: {
        value: "success" in outcome
          ? { case: "success", value: { payloads: outcome.success } }
          : { case: "failure", value: outcome.failure },
      },
    }),
  );
  return {
    messages: [message(acceptId, instance, acceptance), message(completeId, instance, response)],
    commands: [protocolCommand(acceptId), protocolCommand(completeId)],
  };
}

/** The messages and commands that only accept an update (its result comes in a later task). */
export function acceptOnly(
  update: RawTask["updates"][number],
): { messages: ProtocolMessage[]; commands: Command[] } {
  const id = `${update.message.id}/accept`;
  const eventId = update.message.sequencingId.case === "eventId" ? update.message.sequencingId.value : 0n;
  const body = anyPack(
    AcceptanceSchema,
    create(AcceptanceSchema, {
      acceptedRequestMessageId: update.message.id,
      acceptedRequestSequencingEventId: eventId,
      acceptedRequest: update.request,
    }),
  );
  return {
    messages: [message(id, update.message.protocolInstanceId, body)],
    commands: [protocolCommand(id)],
  };
}

/** The messages and commands that complete an already accepted update. */
export function completeUpdate(
  protocolInstanceId: string,
  updateId: string,
  success: Payload[],
): { messages: ProtocolMessage[]; commands: Command[] } {
  const id = `${protocolInstanceId}/complete`;
  const body = anyPack(
    ResponseSchema,
    create(ResponseSchema, {
      meta: { updateId },
      outcome: { value: { case: "success", value: { payloads: success } } },
    }),
  );
  return { messages: [message(id, protocolInstanceId, body)], commands: [protocolCommand(id)] };
}

/** The message that rejects an update (a rejection needs no command). */
export function rejectUpdate(update: RawTask["updates"][number], failure: Failure): ProtocolMessage {
  const eventId = update.message.sequencingId.case === "eventId" ? update.message.sequencingId.value : 0n;
  const body = anyPack(
    RejectionSchema,
    create(RejectionSchema, {
      rejectedRequestMessageId: update.message.id,
      rejectedRequestSequencingEventId: eventId,
      rejectedRequest: update.request,
      failure,
    }),
  );
  return message(`${update.message.id}/reject`, update.message.protocolInstanceId, body);
}
