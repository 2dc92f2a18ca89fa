import { test } from "node:test";
import assert from "node:assert/strict";
import { base64Decode, base64Encode, utf8Decode, utf8Encode } from "../../common/encoding.ts";

const samples = [
  "",
  "hello",
  "é",
  "日本語",
  "emoji 😀 and 𝄞",
  "\u0000\u007f\u0080\u07ff\u0800\uffff",
  "lone \ud800 high and \udc00 low",
  '{"a":1}',
];

test("utf8Encode gives the same bytes as TextEncoder", () => {
  const encoder = new TextEncoder();
  for (const text of samples) assert.deepEqual(utf8Encode(text), encoder.encode(text), text);
});

test("utf8Decode gives the same text as TextDecoder, also for malformed bytes", () => {
  const decoder = new TextDecoder();
  const inputs = [
    ...samples.map((text) => new TextEncoder().encode(text)),
    new Uint8Array([0xff, 0x41]),
    new Uint8Array([0xc0, 0x80]), // overlong
    new Uint8Array([0xed, 0xa0, 0x80]), // encoded surrogate
    new Uint8Array([0xe2, 0x82]), // truncated
    new Uint8Array([0xf0, 0x9f, 0x98]), // truncated 4-byte
    new Uint8Array([0xf4, 0x90, 0x80, 0x80]), // above U+10FFFF
    new Uint8Array([0xe2, 0x28, 0xa1]),
  ];
  for (const bytes of inputs) assert.equal(utf8Decode(bytes), decoder.decode(bytes), String([...bytes]));
  const big = "x😀".repeat(20_000);
  assert.equal(utf8Decode(utf8Encode(big)), big);
});

test("base64Encode and base64Decode match btoa/atob and accept URL-safe input", () => {
  for (let length = 0; length < 10; length++) {
    const bytes = new Uint8Array(length).map((_, i) => (i * 37 + 250) & 0xff);
    const expected = btoa(String.fromCharCode(...bytes));
    assert.equal(base64Encode(bytes), expected);
    assert.deepEqual(base64Decode(expected), bytes);
    assert.deepEqual(base64Decode(expected.replace(/=+$/, "")), bytes);
  }
  assert.deepEqual(base64Decode("-_8"), new Uint8Array([0xfb, 0xff]));
  assert.throws(() => base64Decode("ab$c"), /Invalid base64 'ab\$c': unexpected character '\$'/);
  assert.throws(() => base64Decode("abcde"), /Invalid base64 'abcde'/);
});
