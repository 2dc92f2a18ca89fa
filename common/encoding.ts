/**
 * UTF-8 and base64 in plain JavaScript, for code that must also run inside the QuickJS workflow
 * sandbox, which has no `TextEncoder`, `TextDecoder`, `atob` or `btoa`.
 *
 * @module
 */

/**
 * Encodes a string as UTF-8 (lone surrogates become U+FFFD, as `TextEncoder` does).
 *
 * @example
 * ```ts
 * utf8Encode("é"); // Uint8Array [0xc3, 0xa9]
 * ```
 */
export function utf8Encode(text: string): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    let code = text.charCodeAt(i);
    if (code >= 0xd800 && code <= 0xdfff) {
      const next = i + 1 < text.length ? text.charCodeAt(i + 1) : 0;
      if (code <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        code = 0x10000 + ((code - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else {
        code = 0xfffd;
      }
    }
    if (code < 0x80) {
      out.push(code);
    } else if (code < 0x800) {
      out.push(0xc0 | (code >> 6), 0x80 | (code & 0x3f));
    } else if (code < 0x10000) {
      out.push(0xe0 | (code >> 12), 0x80 | ((code >> 6) & 0x3f), 0x80 | (code & 0x3f));
    } else {
      out.push(
        0xf0 | (code >> 18),
        0x80 | ((code >> 12) & 0x3f),
        0x80 | ((code >> 6) & 0x3f),
        0x80 | (code & 0x3f),
      );
    }
  }
  return new Uint8Array(out);
}

/**
 * Decodes UTF-8 bytes to a string; malformed sequences become U+FFFD, as `TextDecoder` does.
 *
 * @example
 * ```ts
 * utf8Decode(new Uint8Array([0x68, 0x69])); // "hi"
 * ```
 */
export function utf8Decode(bytes: Uint8Array): string {
  const units: number[] = [];
  let result = "";
  let i = 0;
  while (i < bytes.length) {
    const b0 = bytes[i] as number;
    let code = 0xfffd;
    let length = 1;
    if (b0 < 0x80) {
      code = b0;
    } else if (b0 >= 0xc2 && b0 <= 0xf4) {
      const need = b0 < 0xe0 ? 1 : b0 < 0xf0 ? 2 : 3;
      // Bounds of the second byte exclude overlongs and surrogates (WHATWG UTF-8 decoder).
      const low = b0 === 0xe0 ? 0xa0 : b0 === 0xf0 ? 0x90 : 0x80;
      const high = b0 === 0xed ? 0x9f : b0 === 0xf4 ? 0x8f : 0xbf;
      let value = b0 & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
      let seen = 0;
      while (seen < need) {
        const b = bytes[i + 1 + seen];
        if (b === undefined || b < (seen === 0 ? low : 0x80) || b > (seen === 0 ? high : 0xbf)) break;
        value = (value << 6) | (b & 0x3f);
        seen++;
      }
      length = 1 + seen;
      if (seen === need) code = value;
    }
    i += length;
    if (code >= 0x10000) {
      code -= 0x10000;
      units.push(0xd800 + (code >> 10), 0xdc00 + (code & 0x3ff));
    } else {
      units.push(code);
    }
    if (units.length >= 8192) {
      result += String.fromCharCode.apply(null, units);
      units.length = 0;
    }
  }
  return result + String.fromCharCode.apply(null, units);
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const LOOKUP: Record<string, number> = {};
for (let i = 0; i < ALPHABET.length; i++) LOOKUP[ALPHABET[i] as string] = i;
LOOKUP["-"] = 62;
LOOKUP["_"] = 63;

/**
 * Encodes bytes as standard base64 with padding.
 *
 * @example
 * ```ts
 * base64Encode(new Uint8Array([1, 2, 3])); // "AQID"
 * ```
 */
export function base64Encode(bytes: Uint8Array): string {
  let out = "";
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8) | (bytes[i + 2] as number);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + ALPHABET[n & 63]!;
  }
  const rest = bytes.length - i;
  if (rest === 1) {
    const n = (bytes[i] as number) << 16;
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + "==";
  } else if (rest === 2) {
    const n = ((bytes[i] as number) << 16) | ((bytes[i + 1] as number) << 8);
    out += ALPHABET[n >> 18]! + ALPHABET[(n >> 12) & 63]! + ALPHABET[(n >> 6) & 63]! + "=";
  }
  return out;
}

/**
 * Decodes standard or URL-safe base64, with or without padding.
 *
 * @throws {TypeError} If the text contains a character outside base64 or has an impossible length.
 *
 * @example
 * ```ts
 * base64Decode("AQID"); // Uint8Array [1, 2, 3]
 * ```
 */
export function base64Decode(text: string): Uint8Array {
  const clean = text.replace(/[\s=]+$/g, "").replace(/\s+/g, "");
  if (clean.length % 4 === 1) {
    throw new TypeError(`Invalid base64 '${preview(text)}': its length is impossible for base64`);
  }
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let bits = 0;
  let buffer = 0;
  let o = 0;
  for (let i = 0; i < clean.length; i++) {
    const value = LOOKUP[clean[i] as string];
    if (value === undefined) {
      throw new TypeError(`Invalid base64 '${preview(text)}': unexpected character '${clean[i]}'`);
    }
    buffer = (buffer << 6) | value;
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out[o++] = (buffer >> bits) & 0xff;
    }
  }
  return out;
}

function preview(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
