import { test } from "node:test";
import assert from "node:assert/strict";
import { gunzipSync } from "node:zlib";
import { create, fromBinary, toBinary } from "@bufbuild/protobuf";
import { PayloadSchema } from "../../gen/temporal/api/common/v1/message_pb.ts";
import { FailureSchema } from "../../gen/temporal/api/failure/v1/message_pb.ts";
import { createAesGcmCodec } from "../../common/aes_gcm_codec.ts";
import { createDataConverter } from "../../common/data_converter.ts";
import { defaultPayloadConverter } from "../../common/default_payload_converter.ts";
import { utf8Decode, utf8Encode } from "../../common/encoding.ts";
import { DefaultFailureConverter } from "../../common/failure_converter.ts";
import type { Payload } from "../../common/failure_proto.ts";
import { ApplicationFailure, TimeoutFailure } from "../../common/failures.ts";
import { createGzipCodec } from "../../common/gzip_codec.ts";
import {
  decodeFailure,
  decodePayloads,
  encodeFailure,
  encodePayloads,
  type PayloadCodec,
} from "../../common/payload_codec.ts";
import { payloadMetadata } from "../../common/payload_converter.ts";

const bytes = (text: string) => new TextEncoder().encode(text);
const pc = defaultPayloadConverter;

/** A codec that records calls and tags payloads, to see order. */
function tagCodec(tag: string, log: string[]): PayloadCodec {
  return {
    encode(payloads) {
      log.push(`encode ${tag}`);
      return Promise.resolve(payloads.map((p) => ({
        metadata: { ...p.metadata, tags: utf8Encode(`${payloadMetadata(p, "tags") ?? ""}${tag}`) },
        data: p.data,
      })));
    },
    decode(payloads) {
      log.push(`decode ${tag}`);
      return Promise.resolve(payloads.map((p) => {
        const tags = payloadMetadata(p, "tags") ?? "";
        assert.ok(tags.endsWith(tag), `decode ${tag} saw tags '${tags}'`);
        const metadata = { ...p.metadata };
        if (tags.length === tag.length) delete metadata.tags;
        else metadata.tags = utf8Encode(tags.slice(0, -tag.length));
        return { metadata, data: p.data };
      }));
    },
  };
}

test("codecs chain: encode applies them in order, decode in reverse", async () => {
  const log: string[] = [];
  const codecs = [tagCodec("A", log), tagCodec("B", log), tagCodec("C", log)];
  const payloads = [pc.toPayload("x"), pc.toPayload(1)];
  const encoded = await encodePayloads(codecs, payloads);
  assert.equal(payloadMetadata(encoded[0]!, "tags"), "ABC");
  const decoded = await decodePayloads(codecs, encoded);
  assert.deepEqual(log, ["encode A", "encode B", "encode C", "decode C", "decode B", "decode A"]);
  assert.deepEqual(decoded, payloads);
  assert.deepEqual(await encodePayloads([], payloads), payloads);
});

test("a codec that returns no array, or splits a failure's single payload, fails clearly", async () => {
  const notArray = {
    encode: () => Promise.resolve(undefined),
    decode: (p: Payload[]) => Promise.resolve(p),
  } as unknown as PayloadCodec;
  await assert.rejects(
    encodePayloads([notArray], [pc.toPayload(1)]),
    /A payload codec's encode returned undefined: it must return an array of payloads/,
  );
  const splitting: PayloadCodec = {
    encode: (p) => Promise.resolve([...p, ...p]),
    decode: (p) => Promise.resolve(p),
  };
  const failure = new DefaultFailureConverter({ encodeCommonAttributes: true }).errorToFailure(
    new Error("x"),
    pc,
  );
  await assert.rejects(encodeFailure([splitting], failure), /single encoded-attributes payload into 2/);
});

test("gzip codec: real gzip of the payload's protobuf bytes, round trip, small payloads left alone", async () => {
  const codec = createGzipCodec();
  const big = pc.toPayload({ text: "temporal ".repeat(500) });
  const small = pc.toPayload(1);
  const [zipped, untouched] = await codec.encode([big, small]);
  assert.deepEqual(zipped!.metadata, { encoding: bytes("binary/gzip") });
  assert.ok(zipped!.data.byteLength < big.data.byteLength / 10);
  const inner = fromBinary(PayloadSchema, new Uint8Array(gunzipSync(zipped!.data)));
  assert.deepEqual(inner.data, big.data);
  assert.deepEqual(inner.metadata, big.metadata);
  assert.equal(untouched, small);
  const decoded = await codec.decode([zipped!, untouched!]);
  assert.deepEqual(decoded.map((p) => pc.fromPayload(p)), [{ text: "temporal ".repeat(500) }, 1]);
  await assert.rejects(
    codec.decode([{ metadata: { encoding: bytes("binary/gzip") }, data: bytes("not gzip") }]),
    /Cannot decompress a binary\/gzip payload/,
  );
});

test("AES-GCM codec: encrypted format of the Temporal samples, round trip, fresh IV each time", async () => {
  const key = crypto.getRandomValues(new Uint8Array(32));
  const codec = createAesGcmCodec({ keyId: "key-1", keys: { "key-1": key } });
  const payload = pc.toPayload({ card: "4242 4242 4242 4242" });
  const [first] = await codec.encode([payload]);
  const [second] = await codec.encode([payload]);
  assert.deepEqual(first!.metadata, {
    encoding: bytes("binary/encrypted"),
    "encryption-key-id": bytes("key-1"),
  });
  assert.ok(!utf8Decode(first!.data).includes("4242"));
  assert.notDeepEqual(first!.data, second!.data);
  // Decrypt by hand: 12-byte IV, then AES-GCM ciphertext of the protobuf-encoded Payload.
  const cryptoKey = await crypto.subtle.importKey("raw", key, "AES-GCM", false, ["decrypt"]);
  const plain = await crypto.subtle.decrypt(
    { name: "AES-GCM", iv: first!.data.slice(0, 12) },
    cryptoKey,
    first!.data.slice(12),
  );
  assert.deepEqual(fromBinary(PayloadSchema, new Uint8Array(plain)).data, payload.data);
  const [back] = await codec.decode([first!]);
  assert.deepEqual(pc.fromPayload(back!), { card: "4242 4242 4242 4242" });
  // Payloads that are not encrypted pass through decode.
  assert.deepEqual(await codec.decode([payload]), [payload]);
});

test("AES-GCM codec: a wrong key, an unknown key id or altered data fail clearly", async () => {
  const right = crypto.getRandomValues(new Uint8Array(32));
  const wrong = crypto.getRandomValues(new Uint8Array(32));
  const [encrypted] = await createAesGcmCodec({ keyId: "k", keys: { k: right } }).encode([
    pc.toPayload("secret"),
  ]);
  await assert.rejects(
    createAesGcmCodec({ keyId: "k", keys: { k: wrong } }).decode([encrypted!]),
    /Cannot decrypt a payload with key 'k': the key is not the one it was encrypted with, or the data was altered/,
  );
  await assert.rejects(
    createAesGcmCodec({ keyId: "other", keys: new Map([["other", right]]) }).decode([encrypted!]),
    /Cannot decrypt a payload with encryption key id 'k': the codec has no such key/,
  );
  const altered = { ...encrypted!, data: encrypted!.data.slice() };
  altered.data[altered.data.length - 1]! ^= 1;
  await assert.rejects(
    createAesGcmCodec({ keyId: "k", keys: { k: right } }).decode([altered]),
    /data was altered/,
  );
  // Key rotation: old keys still decrypt while the new one encrypts.
  const rotated = createAesGcmCodec({ keyId: "k2", keys: { k: right, k2: wrong } });
  assert.equal(pc.fromPayload((await rotated.decode([encrypted!]))[0]!), "secret");
  assert.throws(
    () => createAesGcmCodec({ keyId: "missing", keys: { k: right } }),
    /Unknown encryption key id 'missing'/,
  );
  assert.throws(
    () => createAesGcmCodec({ keyId: "k", keys: { k: new Uint8Array(5) } }),
    /Invalid AES key 'k'/,
  );
  const cryptoKey = await crypto.subtle.importKey("raw", right, "AES-GCM", false, ["encrypt", "decrypt"]);
  assert.equal(
    pc.fromPayload(
      (await createAesGcmCodec({ keyId: "k", keys: { k: cryptoKey } }).decode([encrypted!]))[0]!,
    ),
    "secret",
  );
});

test("gzip then AES-GCM chain round-trips and the outer layer is the encryption", async () => {
  const key = crypto.getRandomValues(new Uint8Array(16));
  const dc = createDataConverter({
    payloadCodecs: [createGzipCodec(), createAesGcmCodec({ keyId: "k", keys: { k: key } })],
  });
  const value = { list: Array.from({ length: 200 }, (_, i) => i) };
  const encoded = await encodePayloads(dc.payloadCodecs, [dc.payloadConverter.toPayload(value)]);
  assert.equal(payloadMetadata(encoded[0]!, "encoding"), "binary/encrypted");
  const decoded = await decodePayloads(dc.payloadCodecs, encoded);
  assert.deepEqual(dc.payloadConverter.fromPayload(decoded[0]!), value);
});

test("encodeFailure and decodeFailure run codecs over every payload in a failure and its causes", async () => {
  const key = crypto.getRandomValues(new Uint8Array(32));
  const codecs = [createAesGcmCodec({ keyId: "k", keys: { k: key } })];
  const converter = new DefaultFailureConverter({ encodeCommonAttributes: true });
  const error = ApplicationFailure.create({
    message: "secret message",
    type: "T",
    details: ["secret detail"],
    cause: new TimeoutFailure("t", { timeoutType: "HEARTBEAT", lastHeartbeatDetails: ["secret heartbeat"] }),
  });
  const failure = converter.errorToFailure(error, pc);
  const before = structuredClone(failure);
  const encoded = await encodeFailure(codecs, failure);
  assert.deepEqual(failure, before, "the input failure is not changed");
  const wire = toBinary(FailureSchema, create(FailureSchema, encoded));
  assert.ok(!utf8Decode(wire).includes("secret"), "no secret left in clear on the wire");
  const decoded = await decodeFailure(codecs, fromBinary(FailureSchema, wire));
  const back = converter.failureToError(decoded, pc) as ApplicationFailure;
  assert.equal(back.message, "secret message");
  assert.deepEqual(back.details, ["secret detail"]);
  assert.ok(back.cause instanceof TimeoutFailure);
  assert.equal(back.cause.message, "t");
  assert.deepEqual(back.cause.lastHeartbeatDetails, ["secret heartbeat"]);
});

test("decodeFailure output of a protobuf-es failure is plain data that create() accepts", async () => {
  const codecs = [createGzipCodec()];
  const big: Payload = pc.toPayload("x".repeat(2000));
  const wire = create(FailureSchema, {
    message: "m",
    failureInfo: { case: "applicationFailureInfo", value: { details: { payloads: [big] } } },
  });
  const encoded = create(FailureSchema, await encodeFailure(codecs, wire));
  const roundTripped = fromBinary(FailureSchema, toBinary(FailureSchema, encoded));
  const decoded = await decodeFailure(codecs, roundTripped);
  const info = create(FailureSchema, decoded).failureInfo;
  assert.equal(info.case, "applicationFailureInfo");
  assert.deepEqual(
    info.case === "applicationFailureInfo" ? info.value.details?.payloads[0]?.data : undefined,
    big.data,
  );
});
