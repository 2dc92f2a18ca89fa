import assert from "node:assert/strict";
import { test } from "node:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { Code, ConnectError } from "@connectrpc/connect";
import {
  NamespaceNotFoundFailureSchema,
  NotFoundFailureSchema,
  QueryFailedFailureSchema,
  WorkflowExecutionAlreadyStartedFailureSchema,
} from "../../gen/temporal/api/errordetails/v1/message_pb.ts";
import { RPCCode, rpcCodeName, RPCError } from "../../client/mod.ts";
import { loadRpcRuntime } from "../../client/_rpc_runtime_loader.ts";

// Connect errors only ever come from a connection's transport, which has loaded the RPC runtime
// (the Temporal error detail types); these tests make ConnectErrors by hand, so load it as
// Connection.connect does.
await loadRpcRuntime();

function wireError(code: Code, message: string, details: ConnectError["details"]): ConnectError {
  const error = new ConnectError(message, code, { "x-from-server": "yes" });
  error.details = details;
  return error;
}

test("RPCError.from decodes google.rpc.Status details into their Temporal types", () => {
  const alreadyStarted = create(WorkflowExecutionAlreadyStartedFailureSchema, {
    startRequestId: "r1",
    runId: "run-1",
  });
  const error = RPCError.from(wireError(Code.AlreadyExists, "Workflow execution is already running", [
    {
      type: "temporal.api.errordetails.v1.WorkflowExecutionAlreadyStartedFailure",
      value: toBinary(WorkflowExecutionAlreadyStartedFailureSchema, alreadyStarted),
    },
    { type: "some.unknown.Detail", value: new Uint8Array([1, 2, 3]) },
  ]));
  assert.equal(error.code, RPCCode.ALREADY_EXISTS);
  assert.equal(error.codeName, "ALREADY_EXISTS");
  assert.equal(error.message, "Workflow execution is already running");
  assert.equal(error.name, "RPCError");
  assert.equal(error.details.length, 1, "unknown detail types are left out");
  assert.equal(error.findDetail(WorkflowExecutionAlreadyStartedFailureSchema)?.runId, "run-1");
  assert.equal(error.findDetail(NotFoundFailureSchema), undefined);
  assert.equal(error.metadata.get("x-from-server"), "yes");
});

test("other Temporal error details decode too", () => {
  const notFound = RPCError.from(wireError(Code.NotFound, "workflow not found", [{
    type: NotFoundFailureSchema.typeName,
    value: toBinary(
      NotFoundFailureSchema,
      create(NotFoundFailureSchema, { currentCluster: "a", activeCluster: "b" }),
    ),
  }]));
  assert.equal(notFound.findDetail(NotFoundFailureSchema)?.activeCluster, "b");
  const namespaceNotFound = RPCError.from(wireError(Code.NotFound, "namespace not found", [{
    type: NamespaceNotFoundFailureSchema.typeName,
    value: toBinary(
      NamespaceNotFoundFailureSchema,
      create(NamespaceNotFoundFailureSchema, { namespace: "nope" }),
    ),
  }]));
  assert.equal(namespaceNotFound.findDetail(NamespaceNotFoundFailureSchema)?.namespace, "nope");
  const queryFailed = RPCError.from(wireError(Code.InvalidArgument, "query failed", [{
    type: QueryFailedFailureSchema.typeName,
    value: toBinary(QueryFailedFailureSchema, create(QueryFailedFailureSchema, {})),
  }]));
  assert.equal(queryFailed.details[0]?.$typeName, "temporal.api.errordetails.v1.QueryFailedFailure");
});

test("RPCError.from maps aborts, timeouts and plain errors, and returns RPCErrors as they are", () => {
  const abort = RPCError.from(new DOMException("stopped", "AbortError"));
  assert.equal(abort.code, RPCCode.CANCELLED);
  const timeout = RPCError.from(new DOMException("too slow", "TimeoutError"));
  assert.equal(timeout.code, RPCCode.DEADLINE_EXCEEDED);
  const boom = new Error("boom");
  const unknown = RPCError.from(boom);
  assert.equal(unknown.code, RPCCode.UNKNOWN);
  assert.equal(unknown.cause, boom);
  assert.equal(RPCError.from("text").message, "text");
  assert.equal(RPCError.from(unknown), unknown);
  const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:1"), { code: "ECONNREFUSED" });
  const wrapped = RPCError.from(
    new ConnectError("connect ECONNREFUSED", Code.Unavailable, undefined, undefined, refused),
  );
  assert.equal(wrapped.code, RPCCode.UNAVAILABLE);
  assert.equal(wrapped.cause, refused);
});

test("instanceof RPCError works by brand across copies of the package, and not for look-alikes", () => {
  // What an RPCError from another copy of the package looks like: a different class, same brand.
  class OtherCopyRPCError extends Error {
    readonly code = 14;
    constructor(message: string) {
      super(message);
      Object.defineProperty(this, Symbol.for("sandglass.RPCError"), { value: true });
    }
  }
  assert.ok(new OtherCopyRPCError("x") instanceof RPCError);
  assert.ok(new RPCError("x", RPCCode.INTERNAL) instanceof RPCError);
  assert.ok(new RPCError("x", RPCCode.INTERNAL) instanceof Error);
  assert.ok(!(new Error("x") instanceof RPCError));
  assert.ok(!({ code: 14, name: "RPCError" } instanceof RPCError));
  assert.ok(!((null as unknown) instanceof RPCError));
  // Subclasses keep ordinary prototype checks.
  class SpecialRPCError extends RPCError {}
  assert.ok(new SpecialRPCError("x", RPCCode.INTERNAL) instanceof SpecialRPCError);
  assert.ok(!(new RPCError("x", RPCCode.INTERNAL) instanceof SpecialRPCError));
});

test("RPCCode has every gRPC code by name, with the wire numbers", () => {
  assert.equal(Object.keys(RPCCode).length, 17);
  assert.equal(RPCCode.OK, 0);
  assert.equal(RPCCode.CANCELLED, Code.Canceled);
  assert.equal(RPCCode.DEADLINE_EXCEEDED, Code.DeadlineExceeded);
  assert.equal(RPCCode.ALREADY_EXISTS, Code.AlreadyExists);
  assert.equal(RPCCode.RESOURCE_EXHAUSTED, Code.ResourceExhausted);
  assert.equal(RPCCode.UNAVAILABLE, Code.Unavailable);
  assert.equal(RPCCode.UNAUTHENTICATED, Code.Unauthenticated);
  assert.equal(rpcCodeName(6), "ALREADY_EXISTS");
  assert.equal(rpcCodeName(99), "UNKNOWN");
});
