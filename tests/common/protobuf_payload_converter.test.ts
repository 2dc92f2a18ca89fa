import { test } from "node:test";
import assert from "node:assert/strict";
import { create, equals } from "@bufbuild/protobuf";
import { type Duration, DurationSchema } from "@bufbuild/protobuf/wkt";
import {
  type WorkflowExecution,
  WorkflowExecutionSchema,
  WorkflowTypeSchema,
} from "../../gen/temporal/api/common/v1/message_pb.ts";
import {
  createProtobufPayloadConverter,
  ProtobufBinaryPayloadConverter,
  ProtobufJsonPayloadConverter,
} from "../../common/protobuf_payload_converter.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const converter = createProtobufPayloadConverter([WorkflowExecutionSchema, DurationSchema]);

test("json/protobuf: canonical proto3 JSON with encoding and messageType metadata, as in the other SDKs", () => {
  const message = create(WorkflowExecutionSchema, { workflowId: "wf-1", runId: "run-1" });
  const payload = converter.toPayload(message);
  assert.deepEqual(payload, {
    metadata: {
      encoding: bytes("json/protobuf"),
      messageType: bytes("temporal.api.common.v1.WorkflowExecution"),
    },
    data: bytes('{"workflowId":"wf-1","runId":"run-1"}'),
  });
  const back = converter.fromPayload<WorkflowExecution>(payload);
  assert.ok(equals(WorkflowExecutionSchema, back, message));
  const duration = converter.toPayload(create(DurationSchema, { seconds: 90n }));
  assert.deepEqual(duration.data, bytes('"90s"'));
  assert.ok(
    equals(
      DurationSchema,
      converter.fromPayload<Duration>(duration),
      create(DurationSchema, { seconds: 90n }),
    ),
  );
});

test("binary/protobuf payloads decode, and encode when that converter is used alone", () => {
  const binary = new ProtobufBinaryPayloadConverter([WorkflowExecutionSchema]);
  const message = create(WorkflowExecutionSchema, { workflowId: "w", runId: "r" });
  const payload = binary.toPayload(message)!;
  assert.deepEqual(payload.metadata, {
    encoding: bytes("binary/protobuf"),
    messageType: bytes("temporal.api.common.v1.WorkflowExecution"),
  });
  assert.deepEqual(payload.data, new Uint8Array([0x0a, 0x01, 0x77, 0x12, 0x01, 0x72]));
  assert.ok(equals(WorkflowExecutionSchema, converter.fromPayload<WorkflowExecution>(payload), message));
});

test("the protobuf chain still handles undefined, bytes and plain JSON", () => {
  assert.deepEqual(converter.toPayload(undefined).metadata.encoding, bytes("binary/null"));
  assert.deepEqual(converter.toPayload(new Uint8Array([1])).metadata.encoding, bytes("binary/plain"));
  assert.deepEqual(converter.toPayload({ a: 1 }).metadata.encoding, bytes("json/plain"));
  assert.equal(new ProtobufJsonPayloadConverter([]).toPayload({ a: 1 }), undefined);
});

test("a message type missing from the registry fails clearly, both ways", () => {
  const message = create(WorkflowTypeSchema, { name: "x" });
  assert.throws(
    () => converter.toPayload(message),
    /Cannot encode protobuf message 'temporal.api.common.v1.WorkflowType': its schema is not in the converter's registry/,
  );
  const other = createProtobufPayloadConverter([WorkflowTypeSchema]).toPayload(message);
  assert.throws(
    () => converter.fromPayload(other),
    /Cannot decode protobuf message 'temporal.api.common.v1.WorkflowType'/,
  );
  assert.throws(
    () => converter.fromPayload({ metadata: { encoding: bytes("json/protobuf") }, data: bytes("{}") }),
    /without 'messageType' metadata/,
  );
});
