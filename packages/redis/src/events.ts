/**
 * The store operations that talk to Redis, as named in {@link RedisStoreEvent}s.
 *
 * @example
 * ```ts
 * const op: RedisOperation = 'lock';
 * ```
 */
export type RedisOperation = 'get' | 'set' | 'delete' | 'lock' | 'unlock' | 'publish' | 'subscribe';

/**
 * Why a value read from Redis was not used (it reads as a miss):
 * - `not_ours`: not written by this package (another application, a hand-made value);
 * - `malformed`: ours by its header, but its JSON or base64 is broken;
 * - `wrong_shape`: valid JSON that is not a token entry;
 * - `too_large`: larger than any entry this package writes;
 * - `not_encrypted`: a plaintext entry while the store requires encryption (it could have been planted);
 * - `encrypted`: an encrypted entry while the store has no key;
 * - `unknown_key`: encrypted with a key id the store does not have;
 * - `decrypt_failed`: the key did not authenticate it (wrong key, moved from another key, tampered);
 * - `wrong_type`: the key holds another Redis type (a hash, a list);
 * - `lock_without_ttl`: the lock key holds a value that never expires, so not a lock of ours.
 *
 * @example
 * ```ts
 * if (event.type === 'entry_rejected' && event.reason === 'decrypt_failed') alert('cache key mismatch');
 * ```
 */
export type EntryRejection =
  | 'not_ours'
  | 'malformed'
  | 'wrong_shape'
  | 'too_large'
  | 'not_encrypted'
  | 'encrypted'
  | 'unknown_key'
  | 'decrypt_failed'
  | 'wrong_type'
  | 'lock_without_ttl';

/**
 * Why Redis is unavailable: no answer within `commandTimeout` (`timeout`), no connection
 * (`connection`), a server that says it cannot serve now (`server_busy`: `LOADING`, `BUSY`,
 * `MASTERDOWN`, `CLUSTERDOWN`, `TRYAGAIN`), or one that refuses the store's commands (`server_error`:
 * `NOAUTH`, `NOPERM`, `ERR`…; the reply code is the event's `detail`).
 *
 * @example
 * ```ts
 * const reason: UnavailableReason = 'timeout';
 * ```
 */
export type UnavailableReason = 'timeout' | 'connection' | 'server_busy' | 'server_error';

/**
 * What a Redis token store reports through its `onEvent` option. Redacted: no event carries a token, a
 * key's material, a Redis value or an error message; `key` is core's cache key (a SHA-256 digest).
 * An outage is reported once when it starts and once when it ends, not per call; a rejected value once
 * per cache key until a good read.
 *
 * @example
 * ```ts
 * redisTokenStore(client, {
 *   onEvent: (e) => {
 *     if (e.type === 'redis_unavailable') log.warn(`token cache: Redis ${e.reason} on ${e.operation}; local cache`);
 *     if (e.type === 'redis_recovered') log.info(`token cache: Redis back after ${e.downtime} ms`);
 *   },
 * });
 * ```
 */
export type RedisStoreEvent =
  | {
      /** Redis stopped answering: each replica now uses its own cache and asks the token endpoint alone. */
      type: 'redis_unavailable';
      /** The operation that found out. */
      operation: RedisOperation;
      reason: UnavailableReason;
      /** A short, safe detail: a socket error code (`ECONNREFUSED`), an error class, or a reply code. */
      detail: string | undefined;
    }
  | {
      /** Redis answers again: sharing resumes. */
      type: 'redis_recovered';
      operation: RedisOperation;
      /** How long it was unavailable, in milliseconds. */
      downtime: number;
    }
  | {
      /** A value under one of the store's keys was not usable; it read as a miss. */
      type: 'entry_rejected';
      key: string;
      reason: EntryRejection;
    };
