import assert from "node:assert/strict";
import { test } from "node:test";
import { WorkflowExecutionStatus } from "../../gen/temporal/api/enums/v1/workflow_pb.ts";
import { WorkflowExecutionAlreadyStartedFailureSchema } from "../../gen/temporal/api/errordetails/v1/message_pb.ts";
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { StartWorkflowExecutionRequestSchema } from "../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import { Connection, RPCCode, RPCError } from "../../client/mod.ts";
import { devServer, uniqueId } from "../support/servers.ts";

function startRequest(
  namespace: string,
  workflowId: string,
  identity: string,
): MessageInitShape<typeof StartWorkflowExecutionRequestSchema> {
  return {
    namespace,
    workflowId,
    workflowType: { name: "ConnectionTestWorkflow" },
    taskQueue: { name: uniqueId("tq") },
    input: {
      payloads: [{
        metadata: { encoding: new TextEncoder().encode("json/plain") },
        data: new TextEncoder().encode(JSON.stringify({ greeting: "hello", n: 1 })),
      }],
    },
    identity,
    requestId: crypto.randomUUID(),
  };
}

test("connects to the dev server and caches its system info and capabilities", async () => {
  const { address } = await devServer();
  await using connection = await Connection.connect({ address });
  assert.equal(connection.connected, true);
  assert.ok(connection.systemInfo?.serverVersion, "the server reports its version");
  assert.equal(connection.capabilities?.signalAndQueryHeader, true);
  const info = await connection.workflowService.getSystemInfo({});
  assert.equal(info.serverVersion, connection.systemInfo?.serverVersion);
});

test("start a workflow with a json/plain input, see it RUNNING, then terminate it", async () => {
  const { address, namespace } = await devServer();
  await using connection = await Connection.connect({ address });
  const workflowId = uniqueId("wf");
  const started = await connection.workflowService.startWorkflowExecution(
    startRequest(namespace, workflowId, connection.identity),
  );
  assert.match(started.runId, /^[0-9a-f-]{36}$/);

  const described = await connection.workflowService.describeWorkflowExecution({
    namespace,
    execution: { workflowId, runId: started.runId },
  });
  assert.equal(described.workflowExecutionInfo?.status, WorkflowExecutionStatus.RUNNING);
  assert.equal(described.workflowExecutionInfo?.type?.name, "ConnectionTestWorkflow");

  await connection.workflowService.terminateWorkflowExecution({
    namespace,
    workflowExecution: { workflowId, runId: started.runId },
    reason: "test done",
    identity: connection.identity,
  });
  const after = await connection.workflowService.describeWorkflowExecution({
    namespace,
    execution: { workflowId, runId: started.runId },
  });
  assert.equal(after.workflowExecutionInfo?.status, WorkflowExecutionStatus.TERMINATED);
});

test("starting the same workflow id twice gives ALREADY_EXISTS with the existing run id in the details", async () => {
  const { address, namespace } = await devServer();
  await using connection = await Connection.connect({ address });
  const workflowId = uniqueId("wf");
  const first = await connection.workflowService.startWorkflowExecution(
    startRequest(namespace, workflowId, connection.identity),
  );
  try {
    const error = await connection.workflowService.startWorkflowExecution(
      startRequest(namespace, workflowId, connection.identity),
    ).then(() => assert.fail("the second start should fail"), (err: unknown) => err);
    assert.ok(error instanceof RPCError, `expected RPCError, got ${String(error)}`);
    assert.equal(error.code, RPCCode.ALREADY_EXISTS);
    assert.equal(error.codeName, "ALREADY_EXISTS");
    const detail = error.findDetail(WorkflowExecutionAlreadyStartedFailureSchema);
    assert.ok(detail, "the WorkflowExecutionAlreadyStartedFailure detail is decoded");
    assert.equal(detail.runId, first.runId);
    assert.equal(
      error.details[0]?.$typeName,
      "temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure",
    );
  } finally {
    await connection.workflowService.terminateWorkflowExecution({
      namespace,
      workflowExecution: { workflowId, runId: first.runId },
      reason: "test done",
    });
  }
});

test("a missing namespace gives NOT_FOUND as an RPCError", async () => {
  const { address } = await devServer();
  await using connection = await Connection.connect({ address });
  await assert.rejects(
    connection.workflowService.describeNamespace({ namespace: uniqueId("no-such-namespace") }),
    (err: unknown) => err instanceof RPCError && err.code === RPCCode.NOT_FOUND,
  );
});
