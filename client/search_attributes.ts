/**
 * Search attributes with typed keys: a key names an attribute and its indexed type, so values are
 * checked before they are sent and decoded to the right JS type when read back.
 *
 * Pure code (no gen/, no protobuf): could run in the workflow sandbox as well.
 *
 * @module
 */

import { utf8Decode, utf8Encode } from "../common/encoding.ts";
import type { Payload } from "../common/failure_proto.ts";

/** The indexed types of search attributes (`temporal.api.enums.v1.IndexedValueType`). */
export const SearchAttributeType = {
  TEXT: "Text",
  KEYWORD: "Keyword",
  INT: "Int",
  DOUBLE: "Double",
  BOOL: "Bool",
  DATETIME: "Datetime",
  KEYWORD_LIST: "KeywordList",
} as const;
/** An indexed type of search attribute. */
export type SearchAttributeType = (typeof SearchAttributeType)[keyof typeof SearchAttributeType];

/** The JS type of a search attribute's value, by indexed type. */
export type SearchAttributeValue<T extends SearchAttributeType> = T extends "Text" | "Keyword" ? string
  : T extends "Int" | "Double" ? number
  : T extends "Bool" ? boolean
  : T extends "Datetime" ? Date
  : T extends "KeywordList" ? string[]
  : never;

/** A search attribute's name and indexed type. */
export interface SearchAttributeKey<T extends SearchAttributeType = SearchAttributeType> {
  readonly name: string;
  readonly type: T;
}

/**
 * Defines a typed search attribute key.
 *
 * @example
 * ```ts
 * const customerId = defineSearchAttributeKey("CustomerId", SearchAttributeType.KEYWORD);
 * await client.startWorkflow(order, { id, taskQueue, searchAttributes: [{ key: customerId, value: "c-42" }] });
 * ```
 */
export function defineSearchAttributeKey<T extends SearchAttributeType>(
  name: string,
  type: T,
): SearchAttributeKey<T> {
  if (typeof name !== "string" || name === "") {
    throw new TypeError(`Invalid search attribute name '${String(name)}': expected a non-empty string`);
  }
  if (!TYPES.has(type)) {
    throw new TypeError(
      `Invalid search attribute type '${String(type)}' for '${name}': expected one of ${
        [...TYPES].join(", ")
      }`,
    );
  }
  return Object.freeze({ name, type });
}

/** A key with its value. */
export type SearchAttributePair = {
  [T in SearchAttributeType]: {
    readonly key: SearchAttributeKey<T>;
    readonly value: SearchAttributeValue<T>;
  };
}[SearchAttributeType];

/** Search attributes as the client takes them: a list of typed pairs, or a {@linkcode TypedSearchAttributes}. */
export type SearchAttributesInput = readonly SearchAttributePair[] | TypedSearchAttributes;

const TYPES: ReadonlySet<string> = new Set(Object.values(SearchAttributeType));

/**
 * A read-only set of typed search attributes, as returned by `describe()` and `listWorkflows()`.
 *
 * @example
 * ```ts
 * const description = await handle.describe();
 * description.searchAttributes.get(customerId); // "c-42" (typed string | undefined)
 * ```
 */
export class TypedSearchAttributes {
  /** The pairs, in no particular order. */
  readonly pairs: readonly SearchAttributePair[];

  constructor(pairs: readonly SearchAttributePair[] = []) {
    this.pairs = Object.freeze([...pairs]);
  }

  /** The value of a key, or `undefined` if absent or of another type. */
  get<T extends SearchAttributeType>(key: SearchAttributeKey<T>): SearchAttributeValue<T> | undefined {
    const pair = this.pairs.find((p) => p.key.name === key.name && p.key.type === key.type);
    return pair?.value as SearchAttributeValue<T> | undefined;
  }

  /** The number of attributes. */
  get size(): number {
    return this.pairs.length;
  }
}

function checkValue(pair: SearchAttributePair): void {
  const { key, value } = pair;
  const bad = (expected: string): never => {
    throw new TypeError(
      `Invalid value '${
        String(value)
      }' for search attribute '${key.name}' of type ${key.type}: expected ${expected}`,
    );
  };
  switch (key.type) {
    case "Text":
    case "Keyword":
      if (typeof value !== "string") bad("a string");
      break;
    case "Int":
      if (typeof value !== "number" || !Number.isSafeInteger(value)) bad("a safe integer");
      break;
    case "Double":
      if (typeof value !== "number" || !Number.isFinite(value)) bad("a finite number");
      break;
    case "Bool":
      if (typeof value !== "boolean") bad("a boolean");
      break;
    case "Datetime":
      if (!(value instanceof Date) || Number.isNaN(value.getTime())) bad("a valid Date");
      break;
    case "KeywordList":
      if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) bad("an array of strings");
      break;
    default:
      throw new TypeError(
        `Invalid search attribute type '${String((key as SearchAttributeKey).type)}' for '${
          (key as SearchAttributeKey).name
        }'`,
      );
  }
}

/**
 * Encodes search attributes to the payloads of `temporal.api.common.v1.SearchAttributes`
 * (`json/plain` with the `type` metadata every Temporal SDK writes).
 *
 * @throws {TypeError} If a pair is malformed or a value does not match its key's type.
 */
export function encodeSearchAttributes(input: SearchAttributesInput): Record<string, Payload> {
  const pairs = input instanceof TypedSearchAttributes ? input.pairs : input;
  if (!Array.isArray(pairs)) {
    throw new TypeError(
      "Invalid searchAttributes: expected an array of { key, value } pairs with keys from defineSearchAttributeKey()",
    );
  }
  const out: Record<string, Payload> = {};
  for (const pair of pairs) {
    if (typeof pair !== "object" || pair === null || typeof pair.key !== "object" || pair.key === null) {
      throw new TypeError(
        `Invalid search attribute '${
          String(pair)
        }': expected { key, value } with a key from defineSearchAttributeKey()`,
      );
    }
    checkValue(pair);
    const value = pair.value instanceof Date ? pair.value.toISOString() : pair.value;
    out[pair.key.name] = {
      metadata: { encoding: utf8Encode("json/plain"), type: utf8Encode(pair.key.type) },
      data: utf8Encode(JSON.stringify(value)),
    };
  }
  return out;
}

/**
 * Decodes the indexed fields of `temporal.api.common.v1.SearchAttributes`. Payloads without
 * `type` metadata are typed from their JSON value (string → Keyword, number → Double or Int,
 * boolean → Bool, array → KeywordList).
 */
export function decodeSearchAttributes(fields: Record<string, Payload> | undefined): TypedSearchAttributes {
  const pairs: SearchAttributePair[] = [];
  for (const [name, payload] of Object.entries(fields ?? {})) {
    if (payload.data.length === 0) continue;
    let value: unknown;
    try {
      value = JSON.parse(utf8Decode(payload.data));
    } catch {
      continue;
    }
    const typeBytes = payload.metadata["type"];
    let type = typeBytes ? utf8Decode(typeBytes) as SearchAttributeType : inferType(value);
    if (!TYPES.has(type)) type = inferType(value);
    if (type === "Datetime" && typeof value === "string") value = new Date(value);
    if (type === "KeywordList" && typeof value === "string") value = [value];
    pairs.push({ key: { name, type }, value } as SearchAttributePair);
  }
  return new TypedSearchAttributes(pairs);
}

function inferType(value: unknown): SearchAttributeType {
  if (Array.isArray(value)) return "KeywordList";
  if (typeof value === "boolean") return "Bool";
  if (typeof value === "number") return Number.isInteger(value) ? "Int" : "Double";
  return "Keyword";
}
