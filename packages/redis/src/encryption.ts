import { createCipheriv, createDecipheriv, createSecretKey, KeyObject, randomBytes } from 'node:crypto';
import { ConfigurationError } from '@m2m-auth/core';

/**
 * A named AES-256 key for encryption at rest. The `id` is stored next to each entry (so a key ring
 * knows which key to try) and authenticated with it.
 *
 * @example
 * ```ts
 * const key: EncryptionKey = { id: '2026-11', key: Buffer.from(process.env.TOKEN_CACHE_KEY!, 'base64') };
 * ```
 */
export interface EncryptionKey {
  /** Key name: 1 to 64 letters, digits, `_` or `-`. */
  id: string;
  /** 32 bytes of key material, or a secret `KeyObject` of 32 bytes. */
  key: Uint8Array | KeyObject;
}

/**
 * Why a sealed entry could not be opened: its key id is not in the ring, its payload is not base64url of
 * at least an IV and a tag, or it does not authenticate.
 *
 * @example
 * ```ts
 * const opened = ring.open(keyId, payload, aad);
 * if ('failure' in opened) report(opened.failure satisfies OpenFailure);
 * ```
 */
export type OpenFailure = 'unknown_key' | 'malformed' | 'decrypt_failed';

/**
 * AES-256-GCM with a list of keys: seals with the first, opens with the one the entry names.
 *
 * @example
 * ```ts
 * const ring = keyRing([{ id: 'k2', key: next }, { id: 'k1', key: previous }]);
 * const { keyId, payload } = ring.seal('{"value":"…"}', 'aad');
 * ```
 */
export interface KeyRing {
  /** Encrypts `plaintext` with the first key; `aad(keyId)` is authenticated with it. */
  seal(plaintext: string, aad: (keyId: string) => string): { keyId: string; payload: string };
  /** Decrypts `payload` (base64url of IV, ciphertext and tag) sealed with key `keyId`. */
  open(keyId: string, payload: string, aad: string): { plaintext: string } | { failure: OpenFailure };
}

const KEY_ID = /^[A-Za-z0-9_-]{1,64}$/;
const IV_BYTES = 12;
const TAG_BYTES = 16;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

function secretKey(key: unknown, option: string): KeyObject {
  if (key instanceof KeyObject) {
    if (key.type !== 'secret' || key.symmetricKeySize !== 32) {
      throw new ConfigurationError(`${option} must be a secret KeyObject of 32 bytes (AES-256)`);
    }
    return key;
  }
  if (!(key instanceof Uint8Array) || key.byteLength !== 32) {
    throw new ConfigurationError(`${option} must be 32 bytes (a Uint8Array or Buffer) for AES-256-GCM`);
  }
  return createSecretKey(Buffer.from(key)); // a copy: later changes to the caller's buffer do not matter
}

/**
 * Checks `keys` (one {@link EncryptionKey} or a non-empty list, ids unique) and builds the ring. Throws a
 * `ConfigurationError` naming `option` otherwise.
 *
 * @example
 * ```ts
 * const ring = keyRing({ id: 'k1', key: randomBytes(32) });
 * ```
 */
export function keyRing(keys: EncryptionKey | readonly EncryptionKey[], option = 'encryptionKey'): KeyRing {
  const list: readonly unknown[] = Array.isArray(keys) ? keys : [keys];
  if (list.length === 0) throw new ConfigurationError(`${option} must not be an empty list`);
  const ring = new Map<string, KeyObject>();
  list.forEach((entry, i) => {
    const name = Array.isArray(keys) ? `${option}[${i}]` : option;
    if (typeof entry !== 'object' || entry === null) {
      throw new ConfigurationError(`${name} must be an object { id, key }`);
    }
    const { id, key } = entry as Partial<EncryptionKey>;
    if (typeof id !== 'string' || !KEY_ID.test(id)) {
      throw new ConfigurationError(`${name}.id must be 1 to 64 letters, digits, _ or -`);
    }
    if (ring.has(id)) throw new ConfigurationError(`${name}.id ${id} is used twice`);
    ring.set(id, secretKey(key, `${name}.key`));
  });
  const [firstId, firstKey] = [...ring][0]!;
  return {
    seal(plaintext, aad) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', firstKey, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(aad(firstId), 'utf8'));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      const payload = Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
      return { keyId: firstId, payload };
    },
    open(keyId, payload, aad) {
      const key = ring.get(keyId);
      if (!key) return { failure: 'unknown_key' };
      if (!BASE64URL.test(payload)) return { failure: 'malformed' };
      const bytes = Buffer.from(payload, 'base64url');
      if (bytes.length < IV_BYTES + TAG_BYTES + 1) return { failure: 'malformed' };
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, IV_BYTES), {
          authTagLength: TAG_BYTES,
        });
        decipher.setAAD(Buffer.from(aad, 'utf8'));
        decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
        const body = bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES);
        const plaintext = Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
        return { plaintext };
      } catch {
        return { failure: 'decrypt_failed' }; // wrong key, another entry's ciphertext, or tampered
      }
    },
  };
}
