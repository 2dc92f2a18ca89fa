/**
 * Reading workflow histories for the Replayer: binary protobuf, proto3 JSON as written by the
 * Temporal CLI (`temporal workflow show --output json`), and the JSON the Temporal UI and older
 * tools export, whose enum values are short PascalCase names (`WorkflowExecutionStarted`,
 * `Normal`) instead of proto names (`EVENT_TYPE_WORKFLOW_EXECUTION_STARTED`,
 * `TASK_QUEUE_KIND_NORMAL`).
 *
 * @module
 */

import { type DescEnum, type DescMessage, fromBinary, fromJson, type JsonValue } from "@bufbuild/protobuf";
import { type History, HistorySchema } from "../gen/temporal/api/history/v1/message_pb.ts";

/**
 * What the Replayer accepts as one history: a `History` message (e.g. from
 * `handle.fetchHistory()`), binary protobuf bytes, JSON text or bytes, or parsed JSON
 * (`{ "events": [...] }`).
 */
export type HistoryInput = History | Uint8Array | string | {
  readonly events: readonly unknown[];
};

/**
 * Parses a history exported as JSON, accepting both enum spellings: proto names
 * (`EVENT_TYPE_WORKFLOW_EXECUTION_STARTED`, as the Temporal CLI writes) and short names
 * (`WorkflowExecutionStarted`, as the Temporal UI and older tools write), in any enum field.
 * Numbers may be strings or numbers; unknown fields (from newer servers) are ignored.
 *
 * @param json The parsed JSON, or its text.
 * @returns The history message.
 * @throws {TypeError} If the value is not a history (an object with an `events` array) or a
 *   field holds a value of the wrong type.
 * @example Reading a history the Temporal UI exported
 * ```ts
 * import { readFile } from "node:fs/promises";
 * const history = historyFromJson(await readFile("history.json", "utf8"));
 * console.log(history.events.length);
 * ```
 */
export function historyFromJson(json: string | JsonValue): History {
  let value: unknown = json;
  if (typeof json === "string") {
    try {
      value = JSON.parse(json);
    } catch (error) {
      throw new TypeError(
        `Invalid history JSON '${json.slice(0, 40)}': ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }
  if (
    typeof value !== "object" || value === null ||
    !Array.isArray((value as { events?: unknown }).events)
  ) {
    throw new TypeError(
      `Invalid history '${
        preview(value)
      }': expected an object with an 'events' array, as exported by the Temporal CLI or UI`,
    );
  }
  const normalised = normaliseEnums(
    HistorySchema,
    value as Record<string, unknown>,
  );
  try {
    return fromJson(HistorySchema, normalised as JsonValue, {
      ignoreUnknownFields: true,
    });
  } catch (error) {
    throw new TypeError(`Invalid history JSON: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/**
 * Turns any {@linkcode HistoryInput} into a `History` message. Bytes that start with `{` (after
 * white space) and parse as JSON are read as JSON text, other bytes as binary protobuf.
 *
 * @throws {TypeError} If the input is none of the accepted forms or does not parse.
 */
export function toHistory(input: HistoryInput): History {
  if (input instanceof Uint8Array) {
    // A binary history starts with 0x0a (the `events` tag), which is also a JSON newline: only
    // bytes that parse as JSON are taken as JSON.
    if (looksLikeJson(input)) {
      const json = parseJson(input);
      if (json !== undefined) return historyFromJson(json);
    }
    try {
      return fromBinary(HistorySchema, input);
    } catch (error) {
      throw new TypeError(
        `Invalid binary history (${input.length} bytes): ${(error as Error).message}`,
        {
          cause: error,
        },
      );
    }
  }
  if (typeof input === "string") return historyFromJson(input);
  if (
    typeof input === "object" && input !== null &&
    (input as { $typeName?: unknown }).$typeName === HistorySchema.typeName
  ) {
    return input as History;
  }
  return historyFromJson(input as unknown as JsonValue);
}

function looksLikeJson(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (
      b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0xef ||
      b === 0xbb || b === 0xbf
    ) {
      continue;
    }
    return b === 0x7b;
  }
  return false;
}

function parseJson(bytes: Uint8Array): JsonValue | undefined {
  try {
    return JSON.parse(
      new TextDecoder("utf-8", { fatal: true }).decode(bytes),
    ) as JsonValue;
  } catch {
    return undefined;
  }
}

function preview(value: unknown): string {
  const text = typeof value === "string" ? value : JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 40)}...` : text;
}

// ---- enum spellings -----------------------------------------------------------------------------

const shortNames = new WeakMap<DescEnum, Map<string, string>>();

/** Maps `workflowexecutionstarted` (a short name, lower case, no underscores) to the proto name. */
function shortNameTable(desc: DescEnum): Map<string, string> {
  let table = shortNames.get(desc);
  if (table === undefined) {
    table = new Map();
    const prefix = (desc.sharedPrefix ?? "").toUpperCase();
    for (const v of desc.values) {
      const short = v.name.startsWith(prefix) ? v.name.slice(prefix.length) : v.name;
      table.set(squash(short), v.name);
      table.set(squash(v.name), v.name);
    }
    shortNames.set(desc, table);
  }
  return table;
}

function squash(name: string): string {
  return name.replaceAll("_", "").toLowerCase();
}

function fixEnum(desc: DescEnum, value: unknown): unknown {
  if (typeof value !== "string") return value;
  if (desc.values.some((v) => v.name === value)) return value;
  return shortNameTable(desc).get(squash(value)) ?? value;
}

/** A copy of `json` (the JSON of a `desc` message) with every enum value spelled by its proto name. */
function normaliseEnums(
  desc: DescMessage,
  json: Record<string, unknown>,
): Record<string, unknown> {
  // Well-known types have their own JSON forms (strings, free-form objects): leave them alone.
  if (desc.typeName.startsWith("google.protobuf.")) return json;
  const out: Record<string, unknown> = { ...json };
  for (const field of desc.fields) {
    const key = field.jsonName in json ? field.jsonName : field.name in json ? field.name : undefined;
    if (key === undefined) continue;
    const value = json[key];
    if (value === null || value === undefined) continue;
    switch (field.fieldKind) {
      case "enum":
        out[key] = fixEnum(field.enum, value);
        break;
      case "message":
        if (isObject(value)) out[key] = normaliseEnums(field.message, value);
        break;
      case "list":
        if (!Array.isArray(value)) break;
        if (field.listKind === "enum") {
          out[key] = value.map((v) => fixEnum(field.enum, v));
        } else if (field.listKind === "message") {
          out[key] = value.map((
            v,
          ) => (isObject(v) ? normaliseEnums(field.message, v) : v));
        }
        break;
      case "map":
        if (!isObject(value)) break;
        if (field.mapKind === "enum") {
          out[key] = Object.fromEntries(
            Object.entries(value).map(([k, v]) => [k, fixEnum(field.enum, v)]),
          );
        } else if (field.mapKind === "message") {
          out[key] = Object.fromEntries(
            Object.entries(value).map((
              [k, v],
            ) => [k, isObject(v) ? normaliseEnums(field.message, v) : v]),
          );
        }
        break;
      default:
        break;
    }
  }
  return out;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
