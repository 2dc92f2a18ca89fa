/**
 * A payload codec that gzips payloads with the web-standard `CompressionStream` (Deno, Bun,
 * Node ≥ 18). Host only.
 *
 * @module
 */

import type { Payload } from "./failure_proto.ts";
import type { PayloadCodec } from "./payload_codec.ts";
import { payloadFromBytes, payloadToBytes } from "./payload_bytes.ts";
import { makePayload, METADATA_ENCODING_KEY, payloadMetadata } from "./payload_converter.ts";

/** The `encoding` of a payload compressed by {@linkcode createGzipCodec}. */
export const GZIP_ENCODING = "binary/gzip";

/**
 * Creates a codec that replaces each payload by `binary/gzip` payload holding the gzipped
 * protobuf bytes of the original (metadata included). A payload is left as is when compressing
 * does not make it smaller; decoding leaves payloads of other encodings as they are.
 *
 * @example
 * ```ts
 * const dataConverter = createDataConverter({ payloadCodecs: [createGzipCodec()] });
 * ```
 */
export function createGzipCodec(): PayloadCodec {
  return {
    encode(payloads: Payload[]): Promise<Payload[]> {
      return Promise.all(payloads.map(async (payload) => {
        const bytes = payloadToBytes(payload);
        const compressed = await pipe(bytes, new CompressionStream("gzip"));
        return compressed.byteLength < bytes.byteLength ? makePayload(GZIP_ENCODING, compressed) : payload;
      }));
    },
    decode(payloads: Payload[]): Promise<Payload[]> {
      return Promise.all(payloads.map(async (payload) => {
        if (payloadMetadata(payload, METADATA_ENCODING_KEY) !== GZIP_ENCODING) return payload;
        let bytes: Uint8Array;
        try {
          bytes = await pipe(payload.data, new DecompressionStream("gzip"));
        } catch (error) {
          throw new TypeError(`Cannot decompress a ${GZIP_ENCODING} payload: ${(error as Error).message}`, {
            cause: error,
          });
        }
        return payloadFromBytes(bytes);
      }));
    },
  };
}

async function pipe(
  bytes: Uint8Array,
  transform: CompressionStream | DecompressionStream,
): Promise<Uint8Array> {
  const stream = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream().pipeThrough(transform);
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
