/**
 * Real Temporal servers for the integration tests, one of each per process.
 *
 * When the test runner has started servers for the whole run it sets
 * `SANDGLASS_TEST_DEV_SERVER` / `SANDGLASS_TEST_TIME_SKIPPING_SERVER` (`host:port`, and optionally
 * `SANDGLASS_TEST_NAMESPACE`); those are used as they are. Otherwise the first call starts a server
 * through `testing/`, shared by every later call in this process, and killed when the process exits.
 *
 * @example
 * ```ts
 * import { devServer, uniqueId } from "../support/servers.ts";
 *
 * const { address, namespace } = await devServer();
 * const taskQueue = uniqueId("tq");
 * ```
 */
import { randomUUID } from "node:crypto";
import process from "node:process";
import type { DevServerSearchAttributeType } from "../../testing/dev_server.ts";
import { startDevServer, startTestServer } from "../../testing/mod.ts";

/** Search attributes every dev server used by the tests has registered. */
export const TEST_SEARCH_ATTRIBUTES: Readonly<Record<string, DevServerSearchAttributeType>> = Object.freeze({
  SandglassKeyword: "Keyword",
  SandglassText: "Text",
  SandglassInt: "Int",
  SandglassDouble: "Double",
  SandglassBool: "Bool",
  SandglassDatetime: "Datetime",
  SandglassKeywordList: "KeywordList",
});

/** Where a dev server for the tests listens. */
export interface TestDevServer {
  /** `host:port` of the frontend. */
  address: string;
  /** Namespace to use. */
  namespace: string;
}

/** Where a time-skipping test server for the tests listens. */
export interface TestTimeSkippingServer {
  /** `host:port`; serves the WorkflowService and the TestService. */
  address: string;
}

let dev: Promise<TestDevServer> | undefined;
let timeSkipping: Promise<TestTimeSkippingServer> | undefined;

/** The dev server for this process: from `SANDGLASS_TEST_DEV_SERVER`, or started on first use. */
export function devServer(): Promise<TestDevServer> {
  dev ??= (async () => {
    const namespace = process.env["SANDGLASS_TEST_NAMESPACE"] || "default";
    const given = process.env["SANDGLASS_TEST_DEV_SERVER"];
    if (given) return { address: checkAddress(given, "SANDGLASS_TEST_DEV_SERVER"), namespace };
    const server = await startDevServer({ namespace, searchAttributes: TEST_SEARCH_ATTRIBUTES });
    return { address: server.address, namespace: server.namespace };
  })();
  // A failed start is not cached, so that the next test reports its own error.
  dev.catch(() => (dev = undefined));
  return dev;
}

/** The time-skipping server for this process: from `SANDGLASS_TEST_TIME_SKIPPING_SERVER`, or started on first use. */
export function timeSkippingServer(): Promise<TestTimeSkippingServer> {
  timeSkipping ??= (async () => {
    const given = process.env["SANDGLASS_TEST_TIME_SKIPPING_SERVER"];
    if (given) return { address: checkAddress(given, "SANDGLASS_TEST_TIME_SKIPPING_SERVER") };
    const server = await startTestServer();
    return { address: server.address };
  })();
  timeSkipping.catch(() => (timeSkipping = undefined));
  return timeSkipping;
}

/** A fresh id such as `wf-3f2a9c1e5b7d` for workflow ids and task queues. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${randomUUID().replaceAll("-", "").slice(0, 16)}`;
}

function checkAddress(value: string, variable: string): string {
  if (!/^(\[[0-9a-fA-F:.]+\]|[^\s:/]+):\d{1,5}$/.test(value)) {
    throw new Error(`Invalid ${variable} '${value}': expected host:port`);
  }
  return value;
}
