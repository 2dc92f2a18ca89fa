/**
 * The run's deterministic PRNG: sfc32 (Chris Doty-Humphrey's "small fast counter", 128-bit state,
 * public domain), seeded from the 64-bit randomness seed of the start job: state = (seed low 32
 * bits, seed high 32 bits, 0x9E3779B9, counter 1), then 15 outputs discarded to mix the state.
 *
 * @module
 */

/** A seeded generator of floats in [0, 1). */
export interface Prng {
  (): number;
}

/**
 * Creates the generator for a seed given as a decimal string (any other string is hashed).
 *
 * @example
 * ```ts
 * const random = createPrng("1234567890123");
 * random(); // the same sequence on every runtime and every replay
 * ```
 */
export function createPrng(seed: string): Prng {
  let lo: number;
  let hi: number;
  if (/^\d+$/.test(seed)) {
    const value = BigInt(seed) & 0xffffffffffffffffn;
    lo = Number(value & 0xffffffffn) | 0;
    hi = Number(value >> 32n) | 0;
  } else {
    lo = 0x811c9dc5;
    hi = 0;
    for (let i = 0; i < seed.length; i++) {
      lo = Math.imul(lo ^ seed.charCodeAt(i), 0x01000193);
      hi = Math.imul(hi ^ lo, 0x5bd1e995);
    }
  }
  let a = lo;
  let b = hi;
  let c = 0x9e3779b9 | 0;
  let d = 1;
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 15; i++) next();
  return next;
}

/**
 * A random (version 4) UUID drawn from `random`.
 *
 * @example
 * ```ts
 * uuid4From(createPrng("42")); // e.g. "9a3f0c1e-...-4...-8..."
 * ```
 */
export function uuid4From(random: Prng): string {
  const bytes: number[] = [];
  for (let i = 0; i < 16; i++) bytes.push(Math.floor(random() * 256));
  bytes[6] = ((bytes[6] as number) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] as number) & 0x3f) | 0x80;
  const hex = bytes.map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
