/**
 * What the host and the workflow sandbox share: durations, failures and errors, payload and failure
 * converters, payload codecs and the data converter.
 *
 * The protobuf payload converter and the gzip and AES-GCM codecs are host only (they use
 * @bufbuild/protobuf, `CompressionStream` and `crypto.subtle`); the rest also runs in workflows.
 *
 * @module
 */

export type { Duration, ProtoDuration } from "./duration.ts";
export { durationToMs, durationToProto, optionalDurationToMs, protoDurationToMs } from "./duration.ts";
export { base64Decode, base64Encode, utf8Decode, utf8Encode } from "./encoding.ts";
export type {
  ActivityFailureOptions,
  ApplicationFailureOptions,
  CancelledFailureOptions,
  ChildWorkflowFailureOptions,
  ServerFailureOptions,
  TerminatedFailureOptions,
  TimeoutFailureOptions,
  WorkflowExecution,
} from "./failures.ts";
export {
  ActivityFailure,
  ApplicationFailure,
  ApplicationFailureCategory,
  CancelledFailure,
  ChildWorkflowFailure,
  RetryState,
  ServerFailure,
  TemporalFailure,
  TerminatedFailure,
  TimeoutFailure,
  TimeoutType,
} from "./failures.ts";
export type { Failure, FailureInfo, Payload, Payloads } from "./failure_proto.ts";
export type {
  ClientErrorOptions,
  ScheduleAlreadyRunningErrorOptions,
  WorkflowAlreadyStartedErrorOptions,
  WorkflowContinuedAsNewErrorOptions,
  WorkflowFailedErrorOptions,
  WorkflowNotFoundErrorOptions,
  WorkflowQueryRejectedErrorOptions,
} from "./client_errors.ts";
export {
  ClientErrorCode,
  ScheduleAlreadyRunningError,
  WorkflowAlreadyStartedError,
  WorkflowContinuedAsNewError,
  WorkflowFailedError,
  WorkflowNotFoundError,
  WorkflowQueryFailedError,
  WorkflowQueryRejectedError,
  WorkflowUpdateFailedError,
  WorkflowUpdateRPCTimeoutOrCancelledError,
} from "./client_errors.ts";
export type { EncodingPayloadConverter, PayloadConverter } from "./payload_converter.ts";
export {
  CompositePayloadConverter,
  fromPayloads,
  makePayload,
  METADATA_ENCODING_KEY,
  METADATA_MESSAGE_TYPE_KEY,
  PayloadEncoding,
  payloadMetadata,
  toPayloads,
} from "./payload_converter.ts";
export {
  BinaryPayloadConverter,
  JsonPayloadConverter,
  UndefinedPayloadConverter,
} from "./encoding_payload_converters.ts";
export { defaultPayloadConverter } from "./default_payload_converter.ts";
export type { ProtobufSchemas } from "./protobuf_payload_converter.ts";
export {
  createProtobufPayloadConverter,
  ProtobufBinaryPayloadConverter,
  ProtobufJsonPayloadConverter,
} from "./protobuf_payload_converter.ts";
export type { DefaultFailureConverterOptions, FailureConverter } from "./failure_converter.ts";
export {
  DefaultFailureConverter,
  defaultFailureConverter,
  ENCODED_FAILURE_MESSAGE,
  FAILURE_SOURCE,
} from "./failure_converter.ts";
export type { PayloadCodec } from "./payload_codec.ts";
export { decodeFailure, decodePayloads, encodeFailure, encodePayloads } from "./payload_codec.ts";
export { payloadFromBytes, payloadToBytes } from "./payload_bytes.ts";
export { createGzipCodec, GZIP_ENCODING } from "./gzip_codec.ts";
export type { AesGcmCodecOptions, AesKey } from "./aes_gcm_codec.ts";
export { createAesGcmCodec, ENCRYPTED_ENCODING, METADATA_ENCRYPTION_KEY_ID } from "./aes_gcm_codec.ts";
export type { DataConverter } from "./data_converter.ts";
export { createDataConverter, defaultDataConverter } from "./data_converter.ts";
