/**
 * A cached token as a {@link TokenStore} holds it. Plain JSON-compatible data: a shared store may
 * serialize it.
 *
 * @example
 * ```ts
 * const entry: StoredToken = { value, type: 'Bearer', expiresAt: Date.now() + 300_000, scope: 'read', refreshAt: Date.now() + 240_000 };
 * ```
 */
export interface StoredToken {
  /** The access token. */
  value: string;
  /** The authorization scheme (`Bearer`, `DPoP`). */
  type: string;
  /** Expiry, in milliseconds since the Unix epoch. */
  expiresAt: number;
  /** Granted scope, space-separated. */
  scope: string | undefined;
  /** When a refresh should start, in milliseconds since the Unix epoch (before `expiresAt`). */
  refreshAt: number;
}

/**
 * Releases a lock taken with {@link TokenStore.lock}.
 *
 * @example
 * ```ts
 * const release = await store.lock?.(key, 10_000);
 * if (release) try { await askTheEndpoint(); } finally { await release(); }
 * ```
 */
export type ReleaseLock = () => Promise<void> | void;

/**
 * Where token sources keep their tokens, by cache key. Keys never contain a secret. The default is
 * {@link memoryStore}; a shared store (Redis) lets a fleet of replicas ask the token endpoint once per
 * token lifetime per key.
 *
 * Methods may return values or promises.
 *
 * @example
 * ```ts
 * const map = new Map<string, StoredToken>();
 * const store: TokenStore = {
 *   get: (key) => map.get(key),
 *   set: (key, entry) => void map.set(key, entry),
 *   delete: (key, value) => (value === undefined || map.get(key)?.value === value ? map.delete(key) : false),
 * };
 * ```
 */
export interface TokenStore {
  /** The entry under `key`, or `undefined`. */
  get(key: string): Promise<StoredToken | undefined> | StoredToken | undefined;
  /** Stores `entry` under `key`; it may be dropped after `ttl` (in milliseconds). */
  set(key: string, entry: StoredToken, ttl: number): Promise<void> | void;
  /**
   * Deletes the entry under `key`. When `value` is given, deletes only if the entry still holds that
   * token value (compare-and-delete), and returns whether it deleted.
   */
  delete(key: string, value?: string): Promise<boolean> | boolean;
  /**
   * Optional cross-process lock, so that only one replica asks the token endpoint for `key`. Resolves
   * to a release function when acquired, `undefined` when another holder has it. The lock must expire
   * by itself after `ttl` (in milliseconds).
   */
  lock?(key: string, ttl: number): Promise<ReleaseLock | undefined>;
}
