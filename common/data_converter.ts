/**
 * The data converter: how a client or worker turns values and errors into what goes over the
 * wire — a payload converter, a failure converter and a chain of payload codecs.
 *
 * Pure code: the converters run inside the workflow sandbox too; the codecs run on the host only.
 *
 * @module
 */

import { defaultPayloadConverter } from "./default_payload_converter.ts";
import { defaultFailureConverter, type FailureConverter } from "./failure_converter.ts";
import type { PayloadCodec } from "./payload_codec.ts";
import type { PayloadConverter } from "./payload_converter.ts";

/**
 * Values ⇄ payloads (`payloadConverter`), errors ⇄ failures (`failureConverter`), then payloads ⇄
 * encoded payloads (`payloadCodecs`, applied in order to encode and in reverse to decode).
 *
 * @example
 * ```ts
 * const dataConverter: DataConverter = {
 *   payloadConverter: defaultPayloadConverter,
 *   failureConverter: new DefaultFailureConverter({ encodeCommonAttributes: true }),
 *   payloadCodecs: [createGzipCodec(), createAesGcmCodec({ keyId: "k1", keys: { k1: key } })],
 * };
 * ```
 */
export interface DataConverter {
  /** Converts values to payloads and back. */
  payloadConverter: PayloadConverter;
  /** Converts errors to failures and back. */
  failureConverter: FailureConverter;
  /** Codecs applied to every payload after conversion (host only). */
  payloadCodecs: readonly PayloadCodec[];
}

/**
 * The default: JSON-compatible values, the default failure converter, no codecs.
 *
 * @example
 * ```ts
 * const payload = defaultDataConverter.payloadConverter.toPayload("hi");
 * ```
 */
export const defaultDataConverter: DataConverter = Object.freeze({
  payloadConverter: defaultPayloadConverter,
  failureConverter: defaultFailureConverter,
  payloadCodecs: Object.freeze([]) as readonly PayloadCodec[],
});

/**
 * A data converter from the parts given, with the defaults for the rest.
 *
 * @example
 * ```ts
 * const dataConverter = createDataConverter({ payloadCodecs: [createGzipCodec()] });
 * ```
 */
export function createDataConverter(options: Partial<DataConverter> = {}): DataConverter {
  return {
    payloadConverter: options.payloadConverter ?? defaultDataConverter.payloadConverter,
    failureConverter: options.failureConverter ?? defaultDataConverter.failureConverter,
    payloadCodecs: options.payloadCodecs ?? [],
  };
}
