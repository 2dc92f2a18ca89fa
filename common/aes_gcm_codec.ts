/**
 * A payload codec that encrypts payloads with AES-GCM on WebCrypto (`crypto.subtle`), in the
 * format of the Temporal encryption samples: encoding `binary/encrypted`, the key's id in the
 * `encryption-key-id` metadata, data = 12-byte IV followed by the ciphertext of the payload's
 * protobuf bytes. Host only.
 *
 * @module
 */

import type { Payload } from "./failure_proto.ts";
import type { PayloadCodec } from "./payload_codec.ts";
import { payloadFromBytes, payloadToBytes } from "./payload_bytes.ts";
import { makePayload, METADATA_ENCODING_KEY, payloadMetadata } from "./payload_converter.ts";

/** The `encoding` of a payload encrypted by {@linkcode createAesGcmCodec}. */
export const ENCRYPTED_ENCODING = "binary/encrypted";
/** The metadata key holding the id of the key a payload was encrypted with. */
export const METADATA_ENCRYPTION_KEY_ID = "encryption-key-id";

const IV_LENGTH = 12;

/** An AES key: a WebCrypto `CryptoKey` for AES-GCM, or 16, 24 or 32 raw bytes. */
export type AesKey = CryptoKey | Uint8Array;

/** Options of {@linkcode createAesGcmCodec}. */
export interface AesGcmCodecOptions {
  /** The id of the key new payloads are encrypted with; it must be in `keys`. */
  keyId: string;
  /**
   * Keys by id. Decoding uses the key named by each payload's `encryption-key-id`, so old keys can
   * stay here for reading while `keyId` names the new one.
   */
  keys: Readonly<Record<string, AesKey>> | ReadonlyMap<string, AesKey>;
}

/**
 * Creates an AES-GCM encryption codec. Decoding a payload whose key id is unknown, or that was
 * encrypted with another key or altered, fails with an error that names the key id.
 *
 * @throws {TypeError} If `keyId` is not in `keys` or a raw key has a length AES does not support.
 * @example
 * ```ts
 * const key = crypto.getRandomValues(new Uint8Array(32));
 * const codec = createAesGcmCodec({ keyId: "2025-01", keys: { "2025-01": key } });
 * const dataConverter = createDataConverter({ payloadCodecs: [codec] });
 * ```
 */
export function createAesGcmCodec(options: AesGcmCodecOptions): PayloadCodec {
  const entries = options.keys instanceof Map
    ? [...(options.keys as ReadonlyMap<string, AesKey>).entries()]
    : Object.entries(options.keys as Record<string, AesKey>);
  const raw = new Map<string, AesKey>(entries);
  if (!raw.has(options.keyId)) {
    throw new TypeError(`Unknown encryption key id '${options.keyId}': add it to the codec's keys`);
  }
  for (const [id, key] of raw) {
    if (key instanceof Uint8Array && ![16, 24, 32].includes(key.byteLength)) {
      throw new TypeError(`Invalid AES key '${id}': expected 16, 24 or 32 bytes, got ${key.byteLength}`);
    }
  }
  const imported = new Map<string, Promise<CryptoKey>>();
  const keyFor = (id: string): Promise<CryptoKey> => {
    let key = imported.get(id);
    if (key === undefined) {
      const value = raw.get(id);
      if (value === undefined) {
        throw new TypeError(
          `Cannot decrypt a payload with encryption key id '${id}': the codec has no such key`,
        );
      }
      key = value instanceof Uint8Array
        ? crypto.subtle.importKey("raw", value as Uint8Array<ArrayBuffer>, "AES-GCM", false, [
          "encrypt",
          "decrypt",
        ])
        : Promise.resolve(value);
      imported.set(id, key);
    }
    return key;
  };

  return {
    encode(payloads: Payload[]): Promise<Payload[]> {
      return Promise.all(payloads.map(async (payload) => {
        const key = await keyFor(options.keyId);
        const iv = crypto.getRandomValues(new Uint8Array(IV_LENGTH));
        const plaintext = payloadToBytes(payload) as Uint8Array<ArrayBuffer>;
        const ciphertext = new Uint8Array(
          await crypto.subtle.encrypt({ name: "AES-GCM", iv }, key, plaintext),
        );
        const data = new Uint8Array(IV_LENGTH + ciphertext.byteLength);
        data.set(iv, 0);
        data.set(ciphertext, IV_LENGTH);
        return makePayload(ENCRYPTED_ENCODING, data, { [METADATA_ENCRYPTION_KEY_ID]: options.keyId });
      }));
    },
    decode(payloads: Payload[]): Promise<Payload[]> {
      return Promise.all(payloads.map(async (payload) => {
        if (payloadMetadata(payload, METADATA_ENCODING_KEY) !== ENCRYPTED_ENCODING) return payload;
        const id = payloadMetadata(payload, METADATA_ENCRYPTION_KEY_ID);
        if (id === undefined) {
          throw new TypeError(
            `Cannot decrypt a ${ENCRYPTED_ENCODING} payload without '${METADATA_ENCRYPTION_KEY_ID}' metadata`,
          );
        }
        const key = await keyFor(id);
        const data = payload.data;
        if (data.byteLength < IV_LENGTH) {
          throw new TypeError(`Cannot decrypt a payload with key '${id}': its data is shorter than the IV`);
        }
        let plaintext: ArrayBuffer;
        try {
          plaintext = await crypto.subtle.decrypt(
            { name: "AES-GCM", iv: data.slice(0, IV_LENGTH) },
            key,
            data.slice(IV_LENGTH),
          );
        } catch (error) {
          throw new TypeError(
            `Cannot decrypt a payload with key '${id}': the key is not the one it was encrypted with, or the data was altered`,
            { cause: error },
          );
        }
        return payloadFromBytes(new Uint8Array(plaintext));
      }));
    },
  };
}
