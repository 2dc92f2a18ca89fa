/**
 * Payload codecs on the host side of the engine: user payloads in history events, protocol
 * messages and queries are decoded before they reach the sandbox, and payloads in outgoing
 * commands, messages and query answers are encoded after. SDK-internal payloads (patch and local
 * activity marker data, search attributes, headers) are left alone.
 *
 * @module
 */

import { create } from "@bufbuild/protobuf";
import { anyPack, anyUnpack } from "@bufbuild/protobuf/wkt";
import type { Command } from "../../gen/temporal/api/command/v1/message_pb.ts";
import { type Payload, type Payloads, PayloadSchema } from "../../gen/temporal/api/common/v1/message_pb.ts";
import { type Failure, FailureSchema } from "../../gen/temporal/api/failure/v1/message_pb.ts";
import type { HistoryEvent } from "../../gen/temporal/api/history/v1/message_pb.ts";
import type { Message } from "../../gen/temporal/api/protocol/v1/message_pb.ts";
import { RequestSchema, ResponseSchema } from "../../gen/temporal/api/update/v1/message_pb.ts";
import {
  decodeFailure,
  decodePayloads,
  encodeFailure,
  encodePayloads,
  type PayloadCodec,
} from "../../common/payload_codec.ts";

type Direction = "encode" | "decode";

async function mapList(codecs: readonly PayloadCodec[], dir: Direction, list: Payload[]): Promise<Payload[]> {
  if (list.length === 0) return list;
  const out = dir === "encode" ? await encodePayloads(codecs, list) : await decodePayloads(codecs, list);
  return out.map((p) => create(PayloadSchema, { metadata: p.metadata, data: p.data }));
}

async function mapPayloads(
  codecs: readonly PayloadCodec[],
  dir: Direction,
  p: Payloads | undefined,
): Promise<void> {
  if (p !== undefined) p.payloads = await mapList(codecs, dir, p.payloads);
}

async function mapFailure(
  codecs: readonly PayloadCodec[],
  dir: Direction,
  f: Failure | undefined,
): Promise<Failure | undefined> {
  if (f === undefined) return undefined;
  const out = dir === "encode" ? await encodeFailure(codecs, f) : await decodeFailure(codecs, f);
  return create(FailureSchema, out as Parameters<typeof create<typeof FailureSchema>>[1]);
}

/** Decodes the user payloads of history events in place. */
export async function decodeEvents(
  codecs: readonly PayloadCodec[],
  events: readonly HistoryEvent[],
): Promise<void> {
  if (codecs.length === 0) return;
  const d = "decode" as const;
  for (const event of events) {
    const a = event.attributes;
    switch (a.case) {
      case "workflowExecutionStartedEventAttributes":
        await mapPayloads(codecs, d, a.value.input);
        await mapPayloads(codecs, d, a.value.lastCompletionResult);
        a.value.continuedFailure = await mapFailure(codecs, d, a.value.continuedFailure);
        break;
      case "workflowExecutionSignaledEventAttributes":
        await mapPayloads(codecs, d, a.value.input);
        break;
      case "activityTaskCompletedEventAttributes":
      case "childWorkflowExecutionCompletedEventAttributes":
        await mapPayloads(codecs, d, a.value.result);
        break;
      case "activityTaskFailedEventAttributes":
      case "activityTaskTimedOutEventAttributes":
      case "childWorkflowExecutionFailedEventAttributes":
        a.value.failure = await mapFailure(codecs, d, a.value.failure);
        break;
      case "activityTaskCanceledEventAttributes":
      case "childWorkflowExecutionCanceledEventAttributes":
        await mapPayloads(codecs, d, a.value.details);
        break;
      case "markerRecordedEventAttributes":
        await mapPayloads(codecs, d, a.value.details["result"]);
        a.value.failure = await mapFailure(codecs, d, a.value.failure);
        break;
      case "workflowExecutionUpdateAcceptedEventAttributes":
        await mapPayloads(codecs, d, a.value.acceptedRequest?.input?.args);
        break;
      case "workflowExecutionUpdateAdmittedEventAttributes":
        await mapPayloads(codecs, d, a.value.request?.input?.args);
        break;
      default:
        break;
    }
  }
}

/** Encodes the user payloads of outgoing commands in place. */
export async function encodeCommands(
  codecs: readonly PayloadCodec[],
  commands: readonly Command[],
): Promise<void> {
  if (codecs.length === 0) return;
  const e = "encode" as const;
  for (const command of commands) {
    const a = command.attributes;
    switch (a.case) {
      case "scheduleActivityTaskCommandAttributes":
      case "continueAsNewWorkflowExecutionCommandAttributes":
      case "startChildWorkflowExecutionCommandAttributes":
      case "signalExternalWorkflowExecutionCommandAttributes":
        await mapPayloads(codecs, e, a.value.input);
        break;
      case "completeWorkflowExecutionCommandAttributes":
        await mapPayloads(codecs, e, a.value.result);
        break;
      case "failWorkflowExecutionCommandAttributes":
        a.value.failure = await mapFailure(codecs, e, a.value.failure);
        break;
      case "recordMarkerCommandAttributes":
        await mapPayloads(codecs, e, a.value.details["result"]);
        a.value.failure = await mapFailure(codecs, e, a.value.failure);
        break;
      default:
        break;
    }
  }
}

/** Decodes the arguments of update requests in incoming protocol messages (returns the requests' new bodies in place). */
export async function decodeMessages(
  codecs: readonly PayloadCodec[],
  messages: readonly Message[],
): Promise<void> {
  if (codecs.length === 0) return;
  for (const message of messages) {
    if (message.body === undefined) continue;
    const request = anyUnpack(message.body, RequestSchema);
    if (request === undefined) continue;
    await mapPayloads(codecs, "decode", request.input?.args);
    message.body = anyPack(RequestSchema, request);
  }
}

/** Encodes update outcomes in outgoing protocol messages in place. */
export async function encodeMessages(
  codecs: readonly PayloadCodec[],
  messages: readonly Message[],
): Promise<void> {
  if (codecs.length === 0) return;
  for (const message of messages) {
    if (message.body === undefined) continue;
    const response = anyUnpack(message.body, ResponseSchema);
    if (response === undefined) continue;
    const outcome = response.outcome?.value;
    if (outcome?.case === "success") await mapPayloads(codecs, "encode", outcome.value);
    if (outcome?.case === "failure") outcome.value = (await mapFailure(codecs, "encode", outcome.value))!;
    message.body = anyPack(ResponseSchema, response);
  }
}

/** Encodes or decodes a payload list (query arguments and answers). */
export function codePayloads(
  codecs: readonly PayloadCodec[],
  dir: Direction,
  list: Payload[],
): Promise<Payload[]> {
  return codecs.length === 0 ? Promise.resolve(list) : mapList(codecs, dir, list);
}

/** Encodes or decodes a failure (query failures). */
export function codeFailure(codecs: readonly PayloadCodec[], dir: Direction, f: Failure): Promise<Failure> {
  return codecs.length === 0 ? Promise.resolve(f) : mapFailure(codecs, dir, f).then((x) => x!);
}
