import { readFileSync } from "node:fs";

/** Reads the `exports` map of a deno.json or package.json as subpath -> target. */
export function readExports(file: string): Record<string, string> {
  const json = JSON.parse(readFileSync(file, "utf8")) as {
    exports?: string | Record<string, string>;
  };
  const exports = json.exports ?? {};
  return typeof exports === "string" ? { ".": exports } : exports;
}

/**
 * Lists every difference between the export maps of deno.json and package.json (subpath missing on one
 * side, or pointing at another file). An empty list means JSR and npm users see the same subpaths.
 */
export function compareExports(
  denoJson: string,
  packageJson: string,
): string[] {
  const deno = readExports(denoJson);
  const npm = readExports(packageJson);
  const problems: string[] = [];
  for (const key of new Set([...Object.keys(deno), ...Object.keys(npm)])) {
    if (!(key in deno)) {
      problems.push(
        `'${key}' is exported by package.json but not by deno.json`,
      );
    } else if (!(key in npm)) {
      problems.push(
        `'${key}' is exported by deno.json but not by package.json`,
      );
    } else if (deno[key] !== npm[key]) {
      problems.push(
        `'${key}' points at '${deno[key]}' in deno.json but '${npm[key]}' in package.json`,
      );
    }
  }
  return problems;
}
