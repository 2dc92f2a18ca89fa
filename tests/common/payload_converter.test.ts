import { test } from "node:test";
import assert from "node:assert/strict";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { PayloadSchema } from "../../gen/temporal/api/common/v1/message_pb.ts";
import { defaultPayloadConverter } from "../../common/default_payload_converter.ts";
import { utf8Encode } from "../../common/encoding.ts";
import {
  BinaryPayloadConverter,
  JsonPayloadConverter,
  UndefinedPayloadConverter,
} from "../../common/encoding_payload_converters.ts";
import type { Payload } from "../../common/failure_proto.ts";
import {
  CompositePayloadConverter,
  type EncodingPayloadConverter,
  fromPayloads,
  makePayload,
  toPayloads,
} from "../../common/payload_converter.ts";

const bytes = (text: string) => new TextEncoder().encode(text);

test('json/plain: {"a":1} is data {"a":1} with metadata encoding=json/plain, as in the other SDKs', () => {
  const payload = defaultPayloadConverter.toPayload({ a: 1 });
  assert.deepEqual(payload, { metadata: { encoding: bytes("json/plain") }, data: bytes('{"a":1}') });
  assert.deepEqual(defaultPayloadConverter.toPayload("héllo"), {
    metadata: { encoding: bytes("json/plain") },
    data: bytes('"héllo"'),
  });
  assert.deepEqual(defaultPayloadConverter.toPayload([1, true, null]).data, bytes("[1,true,null]"));
  assert.deepEqual(defaultPayloadConverter.toPayload(0).data, bytes("0"));
  assert.deepEqual(defaultPayloadConverter.toPayload(false).data, bytes("false"));
});

test("binary/null: undefined is empty data with encoding=binary/null; null is json/plain null, as in sdk-typescript", () => {
  assert.deepEqual(defaultPayloadConverter.toPayload(undefined), {
    metadata: { encoding: bytes("binary/null") },
    data: new Uint8Array(0),
  });
  assert.equal(defaultPayloadConverter.fromPayload(defaultPayloadConverter.toPayload(undefined)), undefined);
  assert.deepEqual(defaultPayloadConverter.toPayload(null), {
    metadata: { encoding: bytes("json/plain") },
    data: bytes("null"),
  });
  assert.equal(defaultPayloadConverter.fromPayload(defaultPayloadConverter.toPayload(null)), null);
});

test("binary/plain: a Uint8Array is sent as is with encoding=binary/plain", () => {
  const data = new Uint8Array([0, 1, 2, 255]);
  const payload = defaultPayloadConverter.toPayload(data);
  assert.deepEqual(payload, { metadata: { encoding: bytes("binary/plain") }, data });
  assert.deepEqual(defaultPayloadConverter.fromPayload(payload), data);
});

test("values round-trip through the default converter", () => {
  const values = [
    "text",
    "",
    42,
    -1.5,
    true,
    false,
    [],
    [1, "two", { three: [3] }],
    { nested: { deep: ["é", "😀"] }, n: null },
    new Uint8Array([9, 8, 7]),
  ];
  const payloads = toPayloads(defaultPayloadConverter, values);
  assert.equal(payloads.length, values.length);
  assert.deepEqual(fromPayloads(defaultPayloadConverter, payloads), values);
  assert.deepEqual(fromPayloads(defaultPayloadConverter, undefined), []);
});

test("payloads written by other SDKs decode (sdk-python json/plain with sorted keys, sdk-go binary/null)", () => {
  const python: Payload = { metadata: { encoding: bytes("json/plain") }, data: bytes('{"a":[1,2],"b":"x"}') };
  assert.deepEqual(defaultPayloadConverter.fromPayload(python), { a: [1, 2], b: "x" });
  const go: Payload = { metadata: { encoding: bytes("binary/null") }, data: new Uint8Array(0) };
  assert.equal(defaultPayloadConverter.fromPayload(go), undefined);
});

test("converter output is a valid temporal.api.common.v1.Payload and protobuf-es payloads decode", () => {
  const message = create(PayloadSchema, defaultPayloadConverter.toPayload({ a: 1 }));
  const wire = fromBinary(PayloadSchema, toBinary(PayloadSchema, message));
  assert.deepEqual(defaultPayloadConverter.fromPayload(wire), { a: 1 });
});

test("values the converters cannot take fail with a clear error", () => {
  assert.throws(
    () => defaultPayloadConverter.toPayload(() => 1),
    /Cannot convert a value of type 'function' to a payload: none of the converters \(binary\/null, binary\/plain, json\/plain\) accepts it/,
  );
  assert.throws(() => defaultPayloadConverter.toPayload(Symbol("s")), /type 'symbol'/);
  assert.throws(
    () => defaultPayloadConverter.toPayload(10n),
    /Cannot convert a value to json\/plain: .*BigInt/i,
  );
});

test("payloads the converters cannot read fail with a clear error", () => {
  assert.throws(
    () => defaultPayloadConverter.fromPayload({ metadata: {}, data: new Uint8Array(0) }),
    /Cannot convert a payload without 'encoding' metadata/,
  );
  assert.throws(
    () => defaultPayloadConverter.fromPayload(makePayload("binary/encrypted", new Uint8Array([1]))),
    /Cannot convert a payload with encoding 'binary\/encrypted': no converter handles it .*payload codec/,
  );
  assert.throws(
    () => defaultPayloadConverter.fromPayload(makePayload("json/plain", utf8Encode("{nope"))),
    /Invalid json\/plain payload '\{nope'/,
  );
});

test("a composite converter tries converters in order and decodes by encoding", () => {
  const dates: EncodingPayloadConverter = {
    encoding: "json/date",
    toPayload: (value) =>
      value instanceof Date ? makePayload("json/date", utf8Encode(value.toISOString())) : undefined,
    fromPayload: <T>(payload: Payload) => new Date(new TextDecoder().decode(payload.data)) as T,
  };
  const converter = new CompositePayloadConverter(
    new UndefinedPayloadConverter(),
    new BinaryPayloadConverter(),
    dates,
    new JsonPayloadConverter(),
  );
  const when = new Date("2025-01-02T03:04:05.000Z");
  const payload = converter.toPayload(when);
  assert.deepEqual(payload.metadata.encoding, bytes("json/date"));
  assert.deepEqual(converter.fromPayload(payload), when);
  // Without the date converter the default chain turns the Date into a JSON string.
  assert.equal(
    defaultPayloadConverter.fromPayload(defaultPayloadConverter.toPayload(when)),
    when.toISOString(),
  );
  assert.throws(() => new CompositePayloadConverter(), /without converters/);
});
