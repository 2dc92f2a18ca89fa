/**
 * The heavy half of the client, loaded once by the first `Connection.connect`: the gRPC transport
 * (`@connectrpc/connect-node`), the protobuf runtime, and the generated Temporal API descriptors.
 * Building those descriptors is most of the cost of loading the client, so importing
 * `sandglass/client` stays cheap and the cost is paid when a connection is made (see
 * `_rpc_runtime_loader.ts`). Nothing outside the loader imports this module at run time.
 *
 * @module
 */
export { create, createRegistry } from "@bufbuild/protobuf";
export { anyUnpack } from "@bufbuild/protobuf/wkt";
export { ConnectError } from "@connectrpc/connect";
export { createGrpcTransport } from "@connectrpc/connect-node";
export { HistoryEventFilterType } from "../gen/temporal/api/enums/v1/workflow_pb.ts";
export {
  file_temporal_api_errordetails_v1_message,
  MultiOperationExecutionFailureSchema,
  WorkflowExecutionAlreadyStartedFailureSchema,
} from "../gen/temporal/api/errordetails/v1/message_pb.ts";
export { MultiOperationExecutionAbortedSchema } from "../gen/temporal/api/failure/v1/message_pb.ts";
export { HistorySchema } from "../gen/temporal/api/history/v1/message_pb.ts";
export { OperatorService } from "../gen/temporal/api/operatorservice/v1/service_pb.ts";
export { TestService } from "../gen/temporal/api/testservice/v1/service_pb.ts";
export { WorkflowExecutionInfoSchema } from "../gen/temporal/api/workflow/v1/message_pb.ts";
export {
  StartWorkflowExecutionRequestSchema,
  UpdateWorkflowExecutionRequestSchema,
} from "../gen/temporal/api/workflowservice/v1/request_response_pb.ts";
export { WorkflowService } from "../gen/temporal/api/workflowservice/v1/service_pb.ts";
export { SessionManager } from "./session_manager.ts";
