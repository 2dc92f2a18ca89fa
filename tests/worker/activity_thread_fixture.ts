/** Functions run in worker threads by the runInThread tests. */

/** A CPU-bound loop: counts primes below `limit`. */
export function countPrimes(limit: number): number {
  let count = 0;
  for (let n = 2; n < limit; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
  }
  return count;
}

/** Spins until terminated. */
export function spinForever(): never {
  for (;;) {
    // busy
  }
}

/** Throws an application-style error. */
export function fails(): never {
  const error = new Error("bad input") as Error & { type: string; nonRetryable: boolean; details: unknown[] };
  error.type = "BadInput";
  error.nonRetryable = true;
  error.details = [{ field: "limit" }];
  throw error;
}
