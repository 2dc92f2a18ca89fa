import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

function files(dir: string, base = dir): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name), base) : [relative(base, join(dir, e.name))]
  );
}

/** Lists the files that differ between two folders: missing on either side, or with other contents. */
export function compareTrees(expected: string, actual: string): string[] {
  const a = new Set(files(expected));
  const b = new Set(files(actual));
  const diffs: string[] = [];
  for (const f of a) if (!b.has(f)) diffs.push(`${f}: not generated any more`);
  for (const f of b) {
    if (!a.has(f)) diffs.push(`${f}: generated but not committed`);
    else if (
      !readFileSync(join(expected, f)).equals(readFileSync(join(actual, f)))
    ) diffs.push(`${f}: contents differ`);
  }
  return diffs.sort();
}
