import { createHash } from 'node:crypto';

/**
 * The Redis names of one cache entry. All three share the hash tag `{…}`, so on a Redis Cluster they
 * live in one slot (the lock script and the entry stay on one node).
 *
 * @example
 * ```ts
 * entryNames('m2m-auth:', 'cc:3f1c…');
 * // { token: 'm2m-auth:{cc:3f1c…}:token', lock: 'm2m-auth:{cc:3f1c…}:lock', channel: 'm2m-auth:{cc:3f1c…}:changed' }
 * ```
 */
export interface EntryNames {
  /** The key of the token entry. */
  readonly token: string;
  /** The key of the single-flight lock. */
  readonly lock: string;
  /** The pub/sub channel told of every change of the entry. */
  readonly channel: string;
}

/** A cache key usable as it is inside a hash tag: short, no braces, no whitespace or control characters. */
const TAG_SAFE = /^[\w:.+/=-]{1,200}$/;

/**
 * The names of the entry for core's cache `key` (itself a SHA-256 digest of the token's parameters,
 * never a secret). A key that cannot serve as a hash tag as it is (braces, spaces, length) is hashed
 * once more with SHA-256.
 *
 * @example
 * ```ts
 * const { token, lock } = entryNames('billing:', await source.cacheKey());
 * ```
 */
export function entryNames(prefix: string, key: string): EntryNames {
  const tag = TAG_SAFE.test(key) ? key : `h:${createHash('sha256').update(key).digest('hex')}`;
  const base = `${prefix}{${tag}}`;
  return { token: `${base}:token`, lock: `${base}:lock`, channel: `${base}:changed` };
}
