/**
 * The values and expectations the cross-SDK tests share, whichever SDK is the client and whichever
 * the worker, and a reader of the payload encodings a run's history holds.
 */
import type { History } from "../../gen/temporal/api/history/v1/message_pb.ts";

/** Nested objects, unicode (accents, CJK, emoji, RTL), numbers, booleans and nulls inside JSON. */
export const NESTED = Object.freeze({
  name: "Zoë Ångström",
  greeting: "こんにちは 🌍 مرحبا",
  numbers: [0, 1, -3, 2.5, 1e21],
  flags: { yes: true, no: false, nothing: null },
  deep: { a: { b: { c: ["ü", { d: "∑" }] } } },
  empty: { list: [], object: {} },
});

/** Bytes across the whole range, sent as `binary/plain`. */
export const BYTES = new Uint8Array([0, 1, 2, 127, 128, 200, 255]);

/** A string with characters outside the BMP (surrogate pairs in UTF-16). */
export const UNICODE = "héllo ✓ 𝄞 👩‍💻";

/** The arguments of the `describeArgs` runs, and how every SDK's workflow must see them. */
export const DESCRIBE_ARGS: unknown[] = [NESTED, UNICODE, null, BYTES, 42];
/**
 * How a sender encodes `null` and how a JavaScript workflow then sees it: JavaScript SDKs send
 * `null` as `json/plain` "null" (read back as `null`) and only `undefined` as `binary/null`; Python
 * sends `None` as `binary/null`, which JavaScript SDKs read as `undefined`.
 */
export interface NullHandling {
  encoding: "json/plain" | "binary/null";
  seenAs: { null: true } | { undefined: true };
}

/** How JavaScript SDKs (sdk-typescript, so Sandglass too) send `null`. */
export const JS_NULL: NullHandling = {
  encoding: "json/plain",
  seenAs: { null: true },
};
/** How the Python SDK sends `None`. */
export const PYTHON_NONE: NullHandling = {
  encoding: "binary/null",
  seenAs: { undefined: true },
};

/** What `describeArgs` returns for {@linkcode DESCRIBE_ARGS} from a sender that handles null so. */
export function described(nulls: NullHandling): unknown[] {
  return [{ json: NESTED }, { json: UNICODE }, nulls.seenAs, {
    bytes: Array.from(BYTES),
  }, { json: 42 }];
}

/** The encodings of {@linkcode DESCRIBE_ARGS}'s payloads in the started event. */
export function describeEncodings(nulls: NullHandling): string[] {
  return [
    "json/plain",
    "json/plain",
    nulls.encoding,
    "binary/plain",
    "json/plain",
  ];
}

/** The failure `failWith` raises: message, type and details (one of them bytes). */
export const FAILURE = Object.freeze({
  message: "Card declined ✗ (déclinée)",
  type: "CardDeclined",
  details: [
    { last4: "4242", tags: ["a", "ü"], nested: { ok: false, none: null } },
    BYTES,
    "dü",
  ] as unknown[],
});

/** The payload encodings of a run: the started event's input and the completed event's result. */
export function payloadEncodings(
  history: History,
): { input: string[]; result: string[] } {
  const decode = (bytes: Uint8Array | undefined) => new TextDecoder().decode(bytes);
  const out = { input: [] as string[], result: [] as string[] };
  for (const { attributes } of history.events) {
    if (attributes.case === "workflowExecutionStartedEventAttributes") {
      out.input = (attributes.value.input?.payloads ?? []).map((p) => decode(p.metadata["encoding"]));
    } else if (
      attributes.case === "workflowExecutionCompletedEventAttributes"
    ) {
      out.result = (attributes.value.result?.payloads ?? []).map((p) => decode(p.metadata["encoding"]));
    }
  }
  return out;
}
