/**
 * Sandglass: a Temporal SDK for TypeScript on Deno, Bun and Node.
 *
 * The root entry re-exports what an application's host code uses most: the Client and its connection, the
 * Worker, the Replayer, and the failure and data-conversion types shared by both. Workflow code imports
 * `sandglass/workflow` instead (it runs inside the sandbox); activities import `sandglass/activity`; tests
 * import `sandglass/testing`. Each subpath lists its full API.
 *
 * @example Start a workflow and wait for its result
 * ```ts
 * import { Client } from "sandglass";
 *
 * const client = await Client.connect("localhost:7233");
 * const result = await client.executeWorkflow("SayHello", {
 *   id: "hello-1",
 *   taskQueue: "hello",
 *   args: ["Temporal"],
 * });
 * ```
 *
 * @module
 */

export { Client, Connection, RPCError, WorkflowHandle } from "./client/mod.ts";
export type { ClientOptions, ConnectionOptions, WorkflowStartOptions } from "./client/mod.ts";
export { Replayer, Worker, WorkerState } from "./worker/mod.ts";
export type { WorkerOptions } from "./worker/mod.ts";
export {
  ActivityFailure,
  ApplicationFailure,
  CancelledFailure,
  ChildWorkflowFailure,
  defaultDataConverter,
  defaultPayloadConverter,
  ServerFailure,
  TemporalFailure,
  TerminatedFailure,
  TimeoutFailure,
  WorkflowAlreadyStartedError,
  WorkflowFailedError,
  WorkflowNotFoundError,
} from "./common/mod.ts";
export type { DataConverter, Duration, Payload, PayloadCodec, PayloadConverter } from "./common/mod.ts";
