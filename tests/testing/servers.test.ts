import { test } from "node:test";
import assert from "node:assert/strict";
import { create } from "@bufbuild/protobuf";
import { createClient } from "@connectrpc/connect";
import { createGrpcTransport, Http2SessionManager } from "@connectrpc/connect-node";
import { TestService } from "../../gen/temporal/api/testservice/v1/service_pb.ts";
import { WorkflowService } from "../../gen/temporal/api/workflowservice/v1/service_pb.ts";
import { DescribeNamespaceRequestSchema } from "../../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
import { OperatorService } from "../../gen/temporal/api/operatorservice/v1/service_pb.ts";
import { ListSearchAttributesRequestSchema } from "../../gen/temporal/api/operatorservice/v1/request_response_pb.ts";
import { devServer, TEST_SEARCH_ATTRIBUTES, timeSkippingServer, uniqueId } from "../support/servers.ts";

const slow = { timeout: 120_000 };

test(
  "devServer() gives every caller in a process the same ready server with the test search attributes",
  slow,
  async () => {
    const [first, second] = await Promise.all([devServer(), devServer()]);
    assert.deepEqual(first, second);
    const baseUrl = `http://${first.address}`;
    const sessionManager = new Http2SessionManager(baseUrl);
    try {
      const transport = createGrpcTransport({ baseUrl, sessionManager });
      const described = await createClient(WorkflowService, transport).describeNamespace(
        create(DescribeNamespaceRequestSchema, { namespace: first.namespace }),
      );
      assert.equal(described.namespaceInfo?.name, first.namespace);
      const { customAttributes } = await createClient(OperatorService, transport).listSearchAttributes(
        create(ListSearchAttributesRequestSchema, { namespace: first.namespace }),
      );
      for (const name of Object.keys(TEST_SEARCH_ATTRIBUTES)) {
        assert.ok(name in customAttributes, `search attribute ${name} is registered`);
      }
    } finally {
      sessionManager.abort();
    }
    assert.deepEqual(await devServer(), first);
  },
);

test(
  "timeSkippingServer() gives every caller in a process the same server, which serves the TestService",
  slow,
  async () => {
    const [first, second] = await Promise.all([timeSkippingServer(), timeSkippingServer()]);
    assert.deepEqual(first, second);
    const baseUrl = `http://${first.address}`;
    const sessionManager = new Http2SessionManager(baseUrl);
    try {
      const now = await createClient(TestService, createGrpcTransport({ baseUrl, sessionManager }))
        .getCurrentTime({});
      assert.ok(now.time);
    } finally {
      sessionManager.abort();
    }
  },
);

test("uniqueId() returns distinct ids that start with the prefix", () => {
  const ids = new Set(Array.from({ length: 1000 }, () => uniqueId("wf")));
  assert.equal(ids.size, 1000);
  for (const id of ids) assert.match(id, /^wf-[0-9a-f]{16}$/);
});
