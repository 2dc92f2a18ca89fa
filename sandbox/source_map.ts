/**
 * Maps positions in the bundled workflow code back to the user's source files, so stack traces
 * and "blocked" messages point at TypeScript lines. Reads source map v3 `mappings` (Base64 VLQ).
 * @module
 */

import path from "node:path";

const BASE64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DIGIT = new Map([...BASE64].map((c, i) => [c, i] as const));

/** A position in an original source file (1-based line and column). */
export interface SourcePosition {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Segments of one generated line: [generatedColumn, sourceIndex, sourceLine, sourceColumn] (0-based). */
type Segment = readonly [number, number, number, number];

function decodeMappings(mappings: string): Segment[][] {
  const lines: Segment[][] = [];
  let source = 0;
  let sourceLine = 0;
  let sourceColumn = 0;
  for (const lineText of mappings.split(";")) {
    const segments: Segment[] = [];
    let column = 0;
    if (lineText !== "") {
      for (const segmentText of lineText.split(",")) {
        const fields: number[] = [];
        let value = 0;
        let shift = 0;
        for (const ch of segmentText) {
          const digit = DIGIT.get(ch);
          if (digit === undefined) {
            throw new Error(`Invalid source map: unexpected character '${ch}' in mappings`);
          }
          value += (digit & 31) << shift;
          if (digit & 32) shift += 5;
          else {
            fields.push(value & 1 ? -(value >>> 1) : value >>> 1);
            value = 0;
            shift = 0;
          }
        }
        column += fields[0] ?? 0;
        if (fields.length >= 4) {
          source += fields[1]!;
          sourceLine += fields[2]!;
          sourceColumn += fields[3]!;
          segments.push([column, source, sourceLine, sourceColumn]);
        }
      }
    }
    lines.push(segments);
  }
  return lines;
}

/** Looks up original positions for a bundle's generated code; the map is decoded on first use. */
export class SourceMapper {
  readonly #json: string;
  readonly #lineOffset: number;
  #decoded: { lines: Segment[][]; sources: readonly string[] } | undefined;

  /**
   * @param sourceMapJson Source map v3 with absolute (or display) source paths.
   * @param lineOffset Lines that precede the mapped code in the evaluated script.
   */
  constructor(sourceMapJson: string, lineOffset = 0) {
    this.#json = sourceMapJson;
    this.#lineOffset = lineOffset;
  }

  #map(): { lines: Segment[][]; sources: readonly string[] } {
    if (this.#decoded === undefined) {
      const map = JSON.parse(this.#json) as { mappings: string; sources: string[] };
      this.#decoded = { lines: decodeMappings(map.mappings), sources: map.sources.map(displayPath) };
    }
    return this.#decoded;
  }

  /** The original position of a generated 1-based line and column, if mapped. */
  lookup(line: number, column = 1): SourcePosition | undefined {
    const { lines, sources } = this.#map();
    const segments = lines[line - 1 - this.#lineOffset];
    if (segments === undefined || segments.length === 0) return undefined;
    let best = segments[0]!;
    for (const segment of segments) {
      if (segment[0] <= column - 1) best = segment;
      else break;
    }
    const file = sources[best[1]];
    if (file === undefined) return undefined;
    return { file, line: best[2] + 1, column: best[3] + 1 };
  }

  /** Rewrites every `filename:line[:column]` in `text` to the original position. */
  rewrite(text: string, filename: string): string {
    if (!text.includes(filename)) return text;
    const pattern = new RegExp(`${filename.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:(\\d+)(?::(\\d+))?`, "g");
    return text.replace(pattern, (match, line: string, column: string | undefined) => {
      const pos = this.lookup(Number(line), column === undefined ? 1 : Number(column));
      if (pos === undefined) return match;
      return column === undefined ? `${pos.file}:${pos.line}` : `${pos.file}:${pos.line}:${pos.column}`;
    });
  }
}

function displayPath(file: string): string {
  if (!path.isAbsolute(file)) return file;
  const rel = path.relative(process.cwd(), file);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}
