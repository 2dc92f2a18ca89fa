import { test } from "node:test";
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";
import { newQuickJSWASMModuleFromVariant, RELEASE_SYNC } from "quickjs-emscripten";
import { defaultPayloadConverter } from "../../common/default_payload_converter.ts";
import { base64Encode } from "../../common/encoding.ts";

const commonDir = fileURLToPath(new URL("../../common/", import.meta.url));

/** The common/ files that workflow code (inside QuickJS) may load. */
const SANDBOX_FILES = [
  "brand.ts",
  "client_errors.ts",
  "data_converter.ts",
  "default_payload_converter.ts",
  "duration.ts",
  "encoding.ts",
  "encoding_payload_converters.ts",
  "failure_converter.ts",
  "failure_proto.ts",
  "failures.ts",
  "payload_codec.ts",
  "payload_converter.ts",
];

const IMPORT = /^\s*(import|export)\s+(type\s+)?(?:[^'"]*?\s+from\s+)?["']([^"']+)["']/gm;

test("sandbox-facing common/ files load nothing from node:, gen/ or @bufbuild/protobuf, and no host globals", async () => {
  for (const file of SANDBOX_FILES) {
    const source = await readFile(commonDir + file, "utf8");
    for (const match of source.matchAll(IMPORT)) {
      const [, , typeOnly, specifier] = match as unknown as [string, string, string | undefined, string];
      if (typeOnly !== undefined) continue; // erased at run time
      assert.ok(specifier.startsWith("./"), `${file} imports '${specifier}' at run time`);
      assert.ok(SANDBOX_FILES.includes(specifier.slice(2)), `${file} imports host-only '${specifier}'`);
    }
    // Each line that is code (not a comment) must not use host-only globals.
    const code = source.split("\n").filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line)).join("\n");
    for (
      const global of ["Buffer", "TextEncoder", "TextDecoder", "atob", "btoa", "process", "require", "crypto"]
    ) {
      assert.ok(!new RegExp(`\\b${global}\\b`).test(code), `${file} uses the host global '${global}'`);
    }
  }
});

test("the sandbox-facing files bundle to code that runs in QuickJS with the same bytes as the host", async () => {
  const entry = `
    import { defaultPayloadConverter as pc } from "./default_payload_converter.ts";
    import { DefaultFailureConverter } from "./failure_converter.ts";
    import { ActivityFailure, ApplicationFailure, TemporalFailure } from "./failures.ts";
    import { WorkflowFailedError } from "./client_errors.ts";
    import { durationToMs } from "./duration.ts";
    import { base64Encode, utf8Decode } from "./encoding.ts";
    const out = { globals: [typeof TextEncoder, typeof TextDecoder, typeof Buffer] };
    const payload = pc.toPayload({ a: 1, s: "é😀" });
    out.payload = { encoding: utf8Decode(payload.metadata.encoding), data: base64Encode(payload.data) };
    out.back = pc.fromPayload(payload);
    out.duration = durationToMs("1h 30m");
    for (const converter of [new DefaultFailureConverter(), new DefaultFailureConverter({ encodeCommonAttributes: true })]) {
      const error = new ActivityFailure("activity failed", {
        activityType: "charge", activityId: "1", retryState: "TIMEOUT",
        cause: ApplicationFailure.create({ message: "declined", type: "Declined", nonRetryable: true,
          details: [{ code: 7 }], nextRetryDelay: "1.5s" }),
      });
      const failure = converter.errorToFailure(error, pc);
      const back = converter.failureToError(failure, pc);
      (out.failures ??= []).push({
        message: back.message, isActivity: back instanceof ActivityFailure, isTemporal: back instanceof TemporalFailure,
        retryState: back.retryState, causeIsApp: back.cause instanceof ApplicationFailure, type: back.cause.type,
        nonRetryable: back.cause.nonRetryable, details: back.cause.details, delay: back.cause.nextRetryDelay,
        delayNanos: failure.cause.failureInfo.value.nextRetryDelay.nanos, wireMessage: failure.message,
      });
    }
    out.clientError = new WorkflowFailedError("wf", { cause: new TemporalFailure("x") }) instanceof WorkflowFailedError;
    globalThis.__result = JSON.stringify(out);
  `;
  const bundle = await esbuild.build({
    stdin: { contents: entry, resolveDir: commonDir, loader: "ts", sourcefile: "entry.ts" },
    bundle: true,
    write: false,
    format: "iife",
    platform: "neutral",
    target: "es2023",
    logLevel: "silent",
  });
  const code = bundle.outputFiles[0]!.text;
  assert.ok(!code.includes("@bufbuild"), "the bundle pulls in @bufbuild/protobuf");

  const quickjs = await newQuickJSWASMModuleFromVariant(RELEASE_SYNC);
  const vm = quickjs.newContext();
  try {
    const result = vm.evalCode(code, "bundle.js");
    if (result.error) {
      const error = vm.dump(result.error);
      result.error.dispose();
      assert.fail(`the bundle failed in QuickJS: ${JSON.stringify(error)}`);
    }
    result.value.dispose();
    const json = vm.getProp(vm.global, "__result");
    const out = JSON.parse(vm.getString(json));
    json.dispose();

    assert.deepEqual(
      out.globals,
      ["undefined", "undefined", "undefined"],
      "QuickJS has no TextEncoder/Buffer",
    );
    const host = defaultPayloadConverter.toPayload({ a: 1, s: "é😀" });
    assert.deepEqual(out.payload, { encoding: "json/plain", data: base64Encode(host.data) });
    assert.deepEqual(out.back, { a: 1, s: "é😀" });
    assert.equal(out.duration, 5_400_000);
    const expected = {
      message: "activity failed",
      isActivity: true,
      isTemporal: true,
      retryState: "TIMEOUT",
      causeIsApp: true,
      type: "Declined",
      nonRetryable: true,
      details: [{ code: 7 }],
      delay: 1500,
      delayNanos: 500_000_000,
    };
    assert.deepEqual(out.failures, [
      { ...expected, wireMessage: "activity failed" },
      { ...expected, wireMessage: "Encoded failure" },
    ]);
    assert.equal(out.clientError, true);
  } finally {
    vm.dispose();
  }
});
