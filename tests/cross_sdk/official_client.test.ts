/**
 * The official TypeScript SDK's client (npm `@temporalio/client` 1.24.0, in a Node 24 child
 * process) drives workflows on a Sandglass worker: payloads, failures, signals and queries.
 */
import { officialClient } from "./cross_sdk_support.ts";
import { peerClientTests } from "./peer_client_tests.ts";
import { JS_NULL } from "./scenarios.ts";

peerClientTests(officialClient, {
  who: "the official TS client",
  workflowFailed: "WorkflowFailedError",
  applicationFailure: "ApplicationFailure",
  nulls: JS_NULL,
  finishedBy: "official-ts",
});
