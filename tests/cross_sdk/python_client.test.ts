/**
 * The Python SDK's client (PyPI `temporalio`, in a child process of tests/cross_sdk/.venv) drives
 * workflows on a Sandglass worker: payloads, failures, signals and queries.
 */
import { pythonClient } from "./cross_sdk_support.ts";
import { peerClientTests } from "./peer_client_tests.ts";
import { PYTHON_NONE } from "./scenarios.ts";

peerClientTests(pythonClient, {
  who: "the Python client",
  workflowFailed: "WorkflowFailureError",
  applicationFailure: "ApplicationError",
  nulls: PYTHON_NONE,
  finishedBy: "python",
});
