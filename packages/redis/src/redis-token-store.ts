import { memoryStore, type ReleaseLock, type StoredToken, type TokenStore } from '@m2m-auth/core';
import { toRedisCommands, type RedisClientLike } from './clients/to-redis-commands.js';
import { entryCodec } from './entry-codec.js';
import { RedisHealth } from './health.js';
import { entryNames, type EntryNames } from './keys.js';
import { RedisLink, type Reply } from './link.js';
import { acquireLock } from './lock.js';
import { Notifications } from './notifications.js';
import { resolveOptions, type RedisTokenStoreOptions } from './options.js';
import { Rejections } from './rejections.js';
import { compareAndDelete } from './scripts.js';

/**
 * A {@link TokenStore} on Redis: what `redisTokenStore` returns. Its methods never reject and never
 * throw: when Redis fails, they answer from the replica's own cache.
 *
 * @example
 * ```ts
 * const store: RedisTokenStore = redisTokenStore(client);
 * process.on('SIGTERM', () => void store.close());
 * ```
 */
export interface RedisTokenStore extends TokenStore {
  get(key: string): Promise<StoredToken | undefined>;
  set(key: string, entry: StoredToken, ttl: number): Promise<void>;
  delete(key: string, value?: string): Promise<boolean>;
  lock(key: string, ttl: number): Promise<ReleaseLock | undefined>;
  /**
   * Resolves when the entry under `key` may have changed (a change published by any replica), after
   * `timeout` milliseconds, or when `signal` aborts; never rejects. Without pub/sub, after at most
   * `pollInterval`. A wait for another replica's token: read, and on a miss `await waitFor(…)`, then read
   * again.
   */
  waitFor(key: string, timeout: number, signal?: AbortSignal): Promise<void>;
  /** Whether Redis is taken to be available (false from a failed command until one succeeds again). */
  readonly available: boolean;
  /** Closes the subscription connection the store opened. The client you passed stays yours to close. */
  close(): Promise<void>;
}

/**
 * A token store shared by every replica through Redis, so that a fleet asks the token endpoint once per
 * token lifetime per cache key: entries under `<prefix>{<cache key>}:token` that expire with the token
 * (`PX`), a single-flight lock (`SET NX PX` with a random value, freed by a compare-and-delete script or
 * by its expiry), change notifications over pub/sub, optional AES-256-GCM encryption at rest.
 *
 * Every command is bounded by `commandTimeout`. When Redis is down, slow or holds values that are not
 * ours, each replica falls back to its own cache (and the token endpoint), reports it once through
 * `onEvent`, and shares again once Redis answers.
 *
 * @example
 * ```ts
 * import { createClient } from 'redis';
 * import { ClientCredentials } from '@m2m-auth/core';
 * import { redisTokenStore } from '@m2m-auth/redis';
 *
 * const redis = await createClient({ url: process.env.REDIS_URL }).on('error', () => {}).connect();
 * const source = new ClientCredentials({
 *   tokenEndpoint, clientId, clientSecret,
 *   store: redisTokenStore(redis, { prefix: 'billing:', encryptionKey: { id: 'k1', key } }),
 * });
 * ```
 */
export function redisTokenStore(client: RedisClientLike, options?: RedisTokenStoreOptions): RedisTokenStore {
  const o = resolveOptions(options);
  const commands = toRedisCommands(client);
  const health = new RedisHealth(o.retryInterval, o.onEvent);
  const link = new RedisLink(commands, o.commandTimeout, health);
  const codec = entryCodec(o.ring);
  const names = (key: string): EntryNames => entryNames(o.prefix, key);
  const notifications = new Notifications(link, names, o);
  const rejections = new Rejections(o.onEvent);
  const local = memoryStore({ maxEntries: o.fallbackEntries });
  const reads = new Map<string, Promise<StoredToken | undefined>>();

  async function read(key: string): Promise<StoredToken | undefined> {
    notifications.markRead(key);
    const { token } = names(key);
    const reply = await link.send('get', ['GET', token], token);
    if (!reply.ok) {
      if (reply.error === 'reply') rejections.reject(key, 'wrong_type');
      return local.get(key); // Redis unavailable or holding garbage: this replica's own cache
    }
    if (reply.value === null || reply.value === undefined) {
      rejections.accept(key);
      return undefined;
    }
    const decoded = typeof reply.value === 'string' ? codec.decode(reply.value, token) : undefined;
    if (!decoded || 'rejected' in decoded) {
      rejections.reject(key, decoded?.rejected ?? 'not_ours');
      return local.get(key);
    }
    rejections.accept(key);
    const { entry } = decoded;
    const left = entry.expiresAt - Date.now();
    if (left <= 0) return undefined;
    await local.set(key, entry, left);
    return entry;
  }

  const store: RedisTokenStore = {
    get(key) {
      let pending = reads.get(key);
      if (!pending) {
        // Concurrent reads of one key share one GET.
        pending = read(key).finally(() => reads.delete(key));
        reads.set(key, pending);
      }
      return pending;
    },

    async set(key, entry, ttl) {
      const px = Math.floor(Math.min(ttl, entry.expiresAt - Date.now()));
      if (!(px >= 1)) return;
      await local.set(key, entry, px);
      const n = names(key);
      const reply = await link.send(
        'set',
        ['SET', n.token, codec.encode(entry, n.token), 'PX', String(px)],
        n.token,
      );
      if (reply.ok) notifications.publish(n, 'set');
    },

    async delete(key, value) {
      const deletedHere = await local.delete(key, value);
      const n = names(key);
      // Whether it deleted: Redis's word when it answers, else this replica's.
      const unanswered = (reply: Reply) => !reply.ok && reply.error === 'unavailable';
      if (value === undefined) {
        const reply = await link.send('delete', ['DEL', n.token], n.token);
        if (unanswered(reply)) return deletedHere;
        if (reply.ok) notifications.publish(n, 'delete');
        return reply.ok && reply.value === 1;
      }
      // Compare-and-delete: only while the entry holds `value` (never a newer token another replica stored).
      const current = await link.send('delete', ['GET', n.token], n.token);
      if (unanswered(current)) return deletedHere;
      if (!current.ok || typeof current.value !== 'string') return false;
      const decoded = codec.decode(current.value, n.token);
      if (!('entry' in decoded) || decoded.entry.value !== value) return false;
      const reply = await compareAndDelete(link, 'delete', n.token, current.value);
      if (unanswered(reply)) return deletedHere;
      const deleted = reply.ok && reply.value === 1;
      if (deleted) notifications.publish(n, 'delete');
      return deleted;
    },

    lock(key, ttl) {
      return acquireLock(
        {
          link,
          reject: (reason) => rejections.reject(key, reason),
          publish: (n, message) => notifications.publish(n, message),
        },
        names(key),
        ttl,
      );
    },

    waitFor: (key, timeout, signal) => notifications.waitFor(key, timeout, signal),

    get available() {
      return health.available;
    },

    close: () => notifications.close(),
  };
  return store;
}
