import type { StoredToken } from '@m2m-auth/core';
import type { KeyRing } from './encryption.js';
import type { EntryRejection } from './events.js';

/**
 * Turns token entries into Redis values and back. A value is `m2m1:p:<json>` (plaintext) or
 * `m2m1:e:<key id>:<base64url of IV, ciphertext, tag>` (AES-256-GCM, with the key id and the Redis key
 * authenticated as additional data, so an entry moved to another key or sealed with another key does not
 * open).
 *
 * @example
 * ```ts
 * const codec = entryCodec(keyRing({ id: 'k1', key }));
 * const value = codec.encode(entry, 'm2m-auth:{cc:ab}:token');
 * codec.decode(value, 'm2m-auth:{cc:ab}:token'); // { entry }
 * ```
 */
export interface EntryCodec {
  encode(entry: StoredToken, redisKey: string): string;
  decode(value: string, redisKey: string): { entry: StoredToken } | { rejected: EntryRejection };
}

const PLAIN = 'm2m1:p:';
const SEALED = 'm2m1:e:';
/** Larger values are never ours (core refuses token responses above 256 KiB). */
const MAX_VALUE_LENGTH = 512 * 1024;

function toJson(entry: StoredToken): string {
  const { value, type, expiresAt, refreshAt, scope } = entry;
  return JSON.stringify({ value, type, expiresAt, refreshAt, ...(scope === undefined ? {} : { scope }) });
}

function finite(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

/** The entry in `json`, or why not. */
function fromJson(json: string): { entry: StoredToken } | { rejected: EntryRejection } {
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return { rejected: 'malformed' };
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return { rejected: 'wrong_shape' };
  const { value, type, expiresAt, refreshAt, scope } = data as Record<string, unknown>;
  if (
    typeof value !== 'string' ||
    value === '' ||
    typeof type !== 'string' ||
    type === '' ||
    !finite(expiresAt) ||
    !finite(refreshAt) ||
    refreshAt > expiresAt ||
    (scope !== undefined && typeof scope !== 'string')
  ) {
    return { rejected: 'wrong_shape' };
  }
  return { entry: { value, type, expiresAt, refreshAt, scope } };
}

/**
 * The codec: with a key ring, entries are sealed and only sealed entries are read; without, plaintext.
 *
 * @example
 * ```ts
 * const plain = entryCodec(undefined);
 * ```
 */
export function entryCodec(ring: KeyRing | undefined): EntryCodec {
  const aad = (redisKey: string) => (keyId: string) => `${SEALED}${keyId}|${redisKey}`;
  return {
    encode(entry, redisKey) {
      if (!ring) return `${PLAIN}${toJson(entry)}`;
      const { keyId, payload } = ring.seal(toJson(entry), aad(redisKey));
      return `${SEALED}${keyId}:${payload}`;
    },
    decode(value, redisKey) {
      if (value.length > MAX_VALUE_LENGTH) return { rejected: 'too_large' };
      if (value.startsWith(PLAIN)) {
        return ring ? { rejected: 'not_encrypted' } : fromJson(value.slice(PLAIN.length));
      }
      if (!value.startsWith(SEALED)) return { rejected: 'not_ours' };
      if (!ring) return { rejected: 'encrypted' };
      const rest = value.slice(SEALED.length);
      const colon = rest.indexOf(':');
      if (colon < 1) return { rejected: 'malformed' };
      const keyId = rest.slice(0, colon);
      const opened = ring.open(keyId, rest.slice(colon + 1), aad(redisKey)(keyId));
      if ('failure' in opened) return { rejected: opened.failure };
      return fromJson(opened.plaintext);
    },
  };
}
