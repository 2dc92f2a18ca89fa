/**
 * Internal: what handles and call implementations need from their client.
 *
 * @module
 */

import type { DataConverter } from "../common/data_converter.ts";
import { durationToMs } from "../common/duration.ts";
import type { OperatorService } from "../gen/temporal/api/operatorservice/v1/service_pb.ts";
import type { WorkflowService } from "../gen/temporal/api/workflowservice/v1/service_pb.ts";
import type { CallOptions } from "./call_options.ts";
import type { ClientCallName, ClientCalls } from "./interceptors.ts";
import type { QueryRejectCondition } from "./query_reject_condition.ts";
import type { ServiceClient } from "./service_client.ts";
import type { RpcOptions } from "./types.ts";

/** The client as its handles and call implementations see it. */
export interface ClientContext {
  readonly namespace: string;
  readonly identity: string;
  readonly dataConverter: DataConverter;
  readonly workflowService: ServiceClient<typeof WorkflowService>;
  readonly operatorService: ServiceClient<typeof OperatorService>;
  readonly defaultQueryRejectCondition: QueryRejectCondition | undefined;
  /** Runs a call through the client's interceptors and then its implementation. */
  invoke<K extends ClientCallName>(call: K, input: ClientCalls[K][0]): Promise<ClientCalls[K][1]>;
}

/** The per-call options of the service clients, from a call's {@linkcode RpcOptions}. */
export function callOptions(options: RpcOptions): CallOptions {
  const out: CallOptions = {};
  if (options.signal !== undefined) out.signal = options.signal;
  if (options.rpcTimeout !== undefined) out.timeoutMs = durationToMs(options.rpcTimeout);
  if (options.rpcMetadata !== undefined) out.headers = options.rpcMetadata;
  return out;
}

/** Just the {@linkcode RpcOptions} of a larger options object. */
export function rpcOptionsOf(options: RpcOptions | undefined): RpcOptions {
  const out: RpcOptions = {};
  if (options?.signal !== undefined) out.signal = options.signal;
  if (options?.rpcTimeout !== undefined) out.rpcTimeout = options.rpcTimeout;
  if (options?.rpcMetadata !== undefined) out.rpcMetadata = options.rpcMetadata;
  return out;
}
