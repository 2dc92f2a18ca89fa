/**
 * Payload codecs transform payloads after conversion (compression, encryption, ...). They run on
 * the host only (client and worker), never inside the workflow sandbox. Several codecs chain:
 * encoding applies them in order, decoding in reverse order.
 *
 * This file is pure (no host APIs) so it can also be bundled anywhere; the shipped codecs are in
 * gzip_codec.ts and aes_gcm_codec.ts.
 *
 * @module
 */

import type { Failure, FailureInfo, Payload, Payloads } from "./failure_proto.ts";

/**
 * Transforms payloads, e.g. to compress or encrypt them. `decode` must undo `encode`; payloads it
 * does not recognise must pass through unchanged. Codecs usually return one payload per payload
 * (the shipped ones do); a failure's encoded attributes must stay a single payload.
 *
 * @example
 * ```ts
 * const upperCaseMetadata: PayloadCodec = {
 *   async encode(payloads) { return payloads.map((p) => ({ ...p, metadata: { ...p.metadata, tag: tagBytes } })); },
 *   async decode(payloads) { return payloads; },
 * };
 * ```
 */
export interface PayloadCodec {
  /** Encodes payloads (after the payload converter, before sending). */
  encode(payloads: Payload[]): Promise<Payload[]>;
  /** Decodes payloads (after receiving, before the payload converter). */
  decode(payloads: Payload[]): Promise<Payload[]>;
}

/**
 * Applies codecs' `encode` in order: the first codec sees the converter's payloads.
 *
 * @example
 * ```ts
 * const encoded = await encodePayloads([gzip, aes], payloads); // aes(gzip(payloads))
 * ```
 */
export async function encodePayloads(
  codecs: readonly PayloadCodec[],
  payloads: readonly Payload[],
): Promise<Payload[]> {
  let out = [...payloads];
  for (const codec of codecs) out = checkCount(await codec.encode(out), "encode");
  return out;
}

/**
 * Applies codecs' `decode` in reverse order, undoing {@linkcode encodePayloads}.
 *
 * @example
 * ```ts
 * const decoded = await decodePayloads([gzip, aes], encoded); // gunzip(decrypt(encoded))
 * ```
 */
export async function decodePayloads(
  codecs: readonly PayloadCodec[],
  payloads: readonly Payload[],
): Promise<Payload[]> {
  let out = [...payloads];
  for (let i = codecs.length - 1; i >= 0; i--) {
    out = checkCount(await (codecs[i] as PayloadCodec).decode(out), "decode");
  }
  return out;
}

/**
 * Encodes every payload inside a failure and its causes (details, heartbeat details, encoded
 * attributes). Returns a new plain object; the input is not changed.
 *
 * @example
 * ```ts
 * const wireFailure = await encodeFailure(codecs, failureConverter.errorToFailure(err, payloadConverter));
 * ```
 */
export function encodeFailure(codecs: readonly PayloadCodec[], failure: Failure): Promise<Failure> {
  return mapFailure(failure, (payloads) => encodePayloads(codecs, payloads));
}

/**
 * Decodes every payload inside a failure and its causes, undoing {@linkcode encodeFailure}.
 *
 * @example
 * ```ts
 * const error = failureConverter.failureToError(await decodeFailure(codecs, wireFailure), payloadConverter);
 * ```
 */
export function decodeFailure(codecs: readonly PayloadCodec[], failure: Failure): Promise<Failure> {
  return mapFailure(failure, (payloads) => decodePayloads(codecs, payloads));
}

type Transform = (payloads: readonly Payload[]) => Promise<Payload[]>;

function checkCount(payloads: Payload[], action: string): Payload[] {
  if (!Array.isArray(payloads)) {
    throw new TypeError(
      `A payload codec's ${action} returned ${typeof payloads}: it must return an array of payloads`,
    );
  }
  return payloads;
}

async function transformOne(payload: Payload, transform: Transform): Promise<Payload> {
  const out = await transform([payload]);
  if (out.length !== 1) {
    throw new TypeError(
      `Payload codecs turned a failure's single encoded-attributes payload into ${out.length}: they must keep one`,
    );
  }
  return out[0] as Payload;
}

/** A copy of a (possibly protobuf-es) object without `$typeName`, so it reads as plain init data. */
function plain<T extends object>(value: T): T {
  const copy = { ...value } as T & { $typeName?: unknown };
  delete copy.$typeName;
  return copy;
}

async function mapPayloads(
  payloads: Payloads | undefined,
  transform: Transform,
): Promise<Payloads | undefined> {
  if (payloads === undefined) return undefined;
  return { payloads: await transform(payloads.payloads) };
}

async function mapInfo(
  info: FailureInfo | undefined,
  transform: Transform,
): Promise<FailureInfo | undefined> {
  if (info === undefined || info.case === undefined) return info;
  switch (info.case) {
    case "applicationFailureInfo":
      return {
        case: info.case,
        value: { ...plain(info.value), details: await mapPayloads(info.value.details, transform) },
      };
    case "canceledFailureInfo":
      return {
        case: info.case,
        value: { ...plain(info.value), details: await mapPayloads(info.value.details, transform) },
      };
    case "timeoutFailureInfo":
      return {
        case: info.case,
        value: {
          ...plain(info.value),
          lastHeartbeatDetails: await mapPayloads(info.value.lastHeartbeatDetails, transform),
        },
      };
    case "resetWorkflowFailureInfo":
      return {
        case: info.case,
        value: {
          ...plain(info.value),
          lastHeartbeatDetails: await mapPayloads(info.value.lastHeartbeatDetails, transform),
        },
      };
    default:
      return info;
  }
}

async function mapFailure(failure: Failure, transform: Transform): Promise<Failure> {
  const out = plain(failure);
  if (failure.encodedAttributes !== undefined) {
    out.encodedAttributes = await transformOne(failure.encodedAttributes, transform);
  }
  out.failureInfo = await mapInfo(failure.failureInfo, transform);
  if (failure.cause !== undefined) out.cause = await mapFailure(failure.cause, transform);
  return out;
}
