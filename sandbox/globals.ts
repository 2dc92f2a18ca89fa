/**
 * In-isolate source of the deterministic globals: `Date`, `Math.random`, `crypto`,
 * `setTimeout`/`clearTimeout` and `console`, each reading the sources of the run that is active
 * right now (the host activates one run at a time and drains its microtasks before switching).
 *
 * Bundled into the isolate prelude; never imported by host code.
 * @module
 */

import type { DeterministicSources, LogLevel } from "./protocol.ts";
import { DeterminismViolationError } from "./determinism_violation_error.ts";

/** Returns the sources of the active run, or throws when no run is active. */
export type ActiveSources = () => DeterministicSources;

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
/** A date-time string with an explicit zone, or an ISO date-only form (which the spec reads as UTC). */
const EXPLICIT_ZONE =
  /(?:z|[+-]\d\d(?::?\d\d)?|gmt|utc|\bUT)\s*(?:\([^)]*\))?\s*$|^[+-]?\d{4,6}(?:-\d\d(?:-\d\d)?)?$/i;

function pad(value: number, width = 2): string {
  return String(value).padStart(width, "0");
}

/**
 * Installs the deterministic globals on `global`. Workflow time is the only clock; the calendar is
 * pinned to UTC so local-time methods answer the same on every host whatever its time zone.
 */
export function installDeterministicGlobals(global: typeof globalThis, active: ActiveSources): void {
  installDate(global, active);
  const random = function random(): number {
    return active().random();
  };
  Object.defineProperty(global.Math, "random", { value: random, writable: true, configurable: true });
  Object.defineProperty(global, "crypto", {
    value: createCrypto(active),
    writable: true,
    configurable: true,
  });
  const timers = {
    setTimeout(callback: unknown, ms?: number, ...args: unknown[]): number {
      if (typeof callback !== "function") {
        throw new DeterminismViolationError(
          `setTimeout needs a function, got ${typeof callback}: strings would be evaluated as code, which workflows cannot do; pass a function`,
        );
      }
      return active().setTimeout(callback as (...a: unknown[]) => void, ms, ...args);
    },
    clearTimeout(id?: number): void {
      active().clearTimeout(id);
    },
  };
  for (const name of ["setTimeout", "clearTimeout"] as const) {
    Object.defineProperty(global, name, { value: timers[name], writable: true, configurable: true });
  }
  Object.defineProperty(global, "console", {
    value: createConsole(active),
    writable: true,
    configurable: true,
  });
}

function installDate(global: typeof globalThis, active: ActiveSources): void {
  const NativeDate = global.Date;
  const proto = NativeDate.prototype;
  const nativeUTC = NativeDate.UTC;
  const nativeParse = NativeDate.parse;
  const nativeOffset = proto.getTimezoneOffset;
  const getTime = proto.getTime;

  const parse = function parse(text: unknown): number {
    const s = String(text).trim();
    const t = nativeParse(s);
    if (Number.isNaN(t) || EXPLICIT_ZONE.test(s)) return t;
    // QuickJS read the string in the host's local time: undo the host's offset so it reads as UTC.
    return t - Reflect.apply(nativeOffset, new NativeDate(t), []) * 60_000;
  };

  const Date = function Date(this: unknown, ...args: unknown[]): unknown {
    if (new.target === undefined) return formatString(active().now());
    let time: unknown;
    if (args.length === 0) time = active().now();
    else if (args.length === 1) {
      const [value] = args;
      time = typeof value === "string"
        ? parse(value)
        : value instanceof NativeDate
        ? Reflect.apply(getTime, value, [])
        : value;
    } else time = Reflect.apply(nativeUTC, undefined, args);
    return Reflect.construct(NativeDate, [time], new.target);
  } as unknown as DateConstructor;

  Object.defineProperties(Date, {
    prototype: { value: proto, writable: false, enumerable: false, configurable: false },
    now: {
      value: function now(): number {
        return active().now();
      },
      writable: true,
      configurable: true,
    },
    parse: { value: parse, writable: true, configurable: true },
    UTC: { value: nativeUTC, writable: true, configurable: true },
    length: { value: 7, configurable: true },
  });
  Object.defineProperty(proto, "constructor", { value: Date, writable: true, configurable: true });

  // Local-time methods read and write UTC fields.
  for (const field of ["FullYear", "Month", "Date", "Day", "Hours", "Minutes", "Seconds", "Milliseconds"]) {
    const key = field as "FullYear";
    const utcGetter = proto[`getUTC${key}`];
    Object.defineProperty(proto, `get${field}`, {
      value: renamed(`get${field}`, utcGetter),
      writable: true,
      configurable: true,
    });
    const utcSetter = proto[`setUTC${key}` as "setUTCFullYear"] as ((...a: number[]) => number) | undefined;
    if (utcSetter !== undefined) {
      Object.defineProperty(proto, `set${field}`, {
        value: renamed(`set${field}`, utcSetter),
        writable: true,
        configurable: true,
      });
    }
  }
  const methods: Record<string, (this: Date) => unknown> = {
    getTimezoneOffset() {
      return Number.isNaN(Reflect.apply(getTime, this, [])) ? Number.NaN : 0;
    },
    toString() {
      return formatString(Reflect.apply(getTime, this, []));
    },
    toDateString() {
      return formatDatePart(Reflect.apply(getTime, this, []));
    },
    toTimeString() {
      return formatTimePart(Reflect.apply(getTime, this, []));
    },
    toLocaleString() {
      return formatString(Reflect.apply(getTime, this, []));
    },
    toLocaleDateString() {
      return formatDatePart(Reflect.apply(getTime, this, []));
    },
    toLocaleTimeString() {
      return formatTimePart(Reflect.apply(getTime, this, []));
    },
  };
  if ("getYear" in proto) {
    methods.getYear = function () {
      return this.getUTCFullYear() - 1900;
    };
  }
  for (const [name, fn] of Object.entries(methods)) {
    Object.defineProperty(proto, name, { value: renamed(name, fn), writable: true, configurable: true });
  }
  Object.defineProperty(global, "Date", { value: Date, writable: true, configurable: true });

  function formatDatePart(time: number): string {
    if (Number.isNaN(time)) return "Invalid Date";
    const d = new NativeDate(time);
    const year = d.getUTCFullYear();
    const y = year < 0 ? `-${pad(-year, 6)}` : pad(year, 4);
    return `${DAYS[d.getUTCDay()]} ${MONTHS[d.getUTCMonth()]} ${pad(d.getUTCDate())} ${y}`;
  }
  function formatTimePart(time: number): string {
    if (Number.isNaN(time)) return "Invalid Date";
    const d = new NativeDate(time);
    return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} GMT+0000`;
  }
  function formatString(time: number): string {
    if (Number.isNaN(time)) return "Invalid Date";
    return `${formatDatePart(time)} ${formatTimePart(time)}`;
  }
}

/** A copy of `fn` (called with the same `this`) that reports `name`. */
function renamed<F extends (...args: never[]) => unknown>(name: string, fn: F): F {
  const wrapper = {
    [name](this: unknown, ...args: unknown[]): unknown {
      return Reflect.apply(fn as unknown as (...a: unknown[]) => unknown, this, args);
    },
  }[name] as unknown as F;
  return wrapper;
}

const INTEGER_ARRAYS = new Set([
  "Int8Array",
  "Uint8Array",
  "Uint8ClampedArray",
  "Int16Array",
  "Uint16Array",
  "Int32Array",
  "Uint32Array",
  "BigInt64Array",
  "BigUint64Array",
]);
const typedArrayTag = Object.getOwnPropertyDescriptor(
  Object.getPrototypeOf(Uint8Array.prototype) as object,
  Symbol.toStringTag,
)?.get as (this: unknown) => string | undefined;

function createCrypto(active: ActiveSources): object {
  const fill = (bytes: Uint8Array): void => {
    const random = active();
    for (let i = 0; i < bytes.length; i += 4) {
      let word = Math.floor(random.random() * 0x1_0000_0000);
      for (let j = i; j < i + 4 && j < bytes.length; j++) {
        bytes[j] = word & 0xff;
        word >>>= 8;
      }
    }
  };
  const crypto = {
    getRandomValues<T extends ArrayBufferView | null>(array: T): T {
      const tag = ArrayBuffer.isView(array) ? Reflect.apply(typedArrayTag, array, []) : undefined;
      if (tag === undefined || !INTEGER_ARRAYS.has(tag)) {
        throw new TypeError(
          `crypto.getRandomValues needs an integer typed array, got ${tag ?? typeof array}`,
        );
      }
      const view = array as unknown as ArrayBufferView;
      if (view.byteLength > 65_536) {
        throw new RangeError(
          `crypto.getRandomValues can fill at most 65536 bytes at a time, got ${view.byteLength}`,
        );
      }
      fill(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
      return array;
    },
    randomUUID(): string {
      const b = new Uint8Array(16);
      fill(b);
      b[6] = (b[6]! & 0x0f) | 0x40;
      b[8] = (b[8]! & 0x3f) | 0x80;
      let hex = "";
      for (let i = 0; i < 16; i++) {
        hex += (b[i]! < 16 ? "0" : "") + b[i]!.toString(16);
        if (i === 3 || i === 5 || i === 7 || i === 9) hex += "-";
      }
      return hex;
    },
  };
  Object.defineProperty(crypto, Symbol.toStringTag, { value: "Crypto" });
  return crypto;
}

const CONSOLE_LEVELS: Record<string, LogLevel> = {
  log: "INFO",
  info: "INFO",
  warn: "WARN",
  error: "ERROR",
  debug: "DEBUG",
  trace: "TRACE",
};

/** Formats console arguments the way most runtimes do for plain values. */
export function formatLogArgs(args: readonly unknown[]): string {
  return args.map(formatLogValue).join(" ");
}

function formatLogValue(value: unknown): string {
  if (typeof value === "string") return value;
  if (value instanceof Error) {
    return value.stack
      ? `${value.name}: ${value.message}\n${value.stack}`
      : `${value.name}: ${value.message}`;
  }
  if (typeof value === "object" && value !== null) {
    try {
      return JSON.stringify(value, (_k, v: unknown) => (typeof v === "bigint" ? `${v}n` : v)) ??
        String(value);
    } catch {
      return Object.prototype.toString.call(value);
    }
  }
  if (typeof value === "bigint") return `${value}n`;
  return String(value);
}

function createConsole(active: ActiveSources): object {
  const console: Record<string, (...args: unknown[]) => void> = {};
  for (const [method, level] of Object.entries(CONSOLE_LEVELS)) {
    console[method] = renamed(method, (...args: unknown[]) => active().log(level, formatLogArgs(args)));
  }
  Object.defineProperty(console, Symbol.toStringTag, { value: "console" });
  return console;
}
