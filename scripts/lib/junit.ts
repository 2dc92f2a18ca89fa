/** Counts the test cases of a JUnit XML report (as written by node --test, deno test and bun test). */
export interface JunitCounts {
  passed: number;
  failed: number;
  skipped: number;
  /** Names of the failed test cases, for the summary. */
  failures: string[];
}

// Attribute values may hold a raw ">" (legal in XML attributes, and Node writes test names as they are).
const TESTCASE = /<testcase\b((?:\s+[\w:.-]+="[^"]*")*)\s*(\/>|>([\s\S]*?)<\/testcase>)/g;
const NAME = /\bname="([^"]*)"/;

function unescapeXml(s: string): string {
  return s.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&quot;/g, '"')
    .replace(/&#10;/g, " ").replace(
      /&amp;/g,
      "&",
    );
}

/**
 * Parses the `<testcase>` elements of a JUnit report. A case with `<failure` or `<error` inside failed, one
 * with `<skipped` was skipped, any other passed. Deno also reports each test file as a case of its own suite
 * when a nested step fails; the project's tests are flat, so every case is a leaf test.
 */
export function countJunit(xml: string): JunitCounts {
  const counts: JunitCounts = {
    passed: 0,
    failed: 0,
    skipped: 0,
    failures: [],
  };
  for (const match of xml.matchAll(TESTCASE)) {
    const attrs = match[1] ?? "";
    const body = match[3] ?? "";
    const name = unescapeXml(NAME.exec(attrs)?.[1] ?? "(unnamed)");
    if (/<failure\b|<error\b/.test(body) || /\bfailure="/.test(attrs)) {
      counts.failed++;
      counts.failures.push(name);
    } else if (/<skipped\b/.test(body)) counts.skipped++;
    else counts.passed++;
  }
  return counts;
}
