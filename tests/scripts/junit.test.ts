import { test } from "node:test";
import assert from "node:assert/strict";
import { countJunit } from "../../scripts/lib/junit.ts";

test("the runner counts passed, failed and skipped cases, with names holding a raw '>'", () => {
  const xml = `<?xml version="1.0"?>
<testsuites>
  <testsuite name="x" tests="5">
    <testcase name="history -> activations" time="0.1" file="a.test.ts"/>
    <testcase name="a > b &amp; c" time="0.1">
      <failure type="testCodeFailure" message="1 !== 2">boom</failure>
    </testcase>
    <testcase name="plain" time="0.1"></testcase>
    <testcase name="skipped one" time="0"><skipped/></testcase>
    <testcase name="errored" time="0"><error message="x"/></testcase>
  </testsuite>
</testsuites>`;
  const counts = countJunit(xml);
  assert.equal(counts.passed, 2);
  assert.equal(counts.failed, 2);
  assert.equal(counts.skipped, 1);
  assert.deepEqual(counts.failures, ["a > b & c", "errored"]);
});

test("Deno's and Bun's report shapes count each leaf test once", () => {
  const deno = `<testsuites><testsuite name="./a.test.ts" tests="2">
    <testcase name="one" classname="./a.test.ts" time="0.001" line="3" col="1"></testcase>
    <testcase name="two" classname="./a.test.ts" time="0.001" line="8" col="1"><failure message="x">x</failure></testcase>
  </testsuite></testsuites>`;
  assert.deepEqual(countJunit(deno), { passed: 1, failed: 1, skipped: 0, failures: ["two"] });
  const bun = `<testsuites><testsuite name="a.test.ts" tests="2">
    <testcase name="one" classname="" time="0.1" file="a.test.ts" line="4" assertions="0" />
    <testcase name="two" classname="" time="0" file="a.test.ts" line="5" assertions="0"><skipped /></testcase>
  </testsuite></testsuites>`;
  assert.deepEqual(countJunit(bun), { passed: 1, failed: 0, skipped: 1, failures: [] });
});
