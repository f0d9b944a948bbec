import { ConfigurationError } from '../errors.js';
import type { StoredToken, TokenStore } from './token-store.js';

/**
 * Options of {@link memoryStore}.
 *
 * @example
 * ```ts
 * memoryStore({ maxEntries: 50 });
 * ```
 */
export interface MemoryStoreOptions {
  /**
   * Largest number of entries (one per cache key); the oldest entry is evicted beyond it. Default is
   * 1000.
   */
  maxEntries?: number;
}

/**
 * An in-process {@link TokenStore}: a bounded map whose entries expire after their time to live. The
 * default store of every token source.
 *
 * @example
 * ```ts
 * const store = memoryStore({ maxEntries: 100 });
 * const a = new ClientCredentials({ tokenEndpoint, clientId: 'a', clientSecret, store });
 * ```
 */
export function memoryStore(options: MemoryStoreOptions = {}): TokenStore {
  const maxEntries = options.maxEntries ?? 1000;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new ConfigurationError('maxEntries must be a positive integer');
  }
  const entries = new Map<string, { entry: StoredToken; until: number }>();
  return {
    get(key) {
      const hit = entries.get(key);
      if (!hit) return undefined;
      if (Date.now() >= hit.until) {
        entries.delete(key);
        return undefined;
      }
      return hit.entry;
    },
    set(key, entry, ttl) {
      entries.delete(key);
      entries.set(key, { entry, until: Date.now() + Math.max(0, ttl) });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next();
        if (oldest.done) break;
        entries.delete(oldest.value);
      }
    },
    delete(key, value) {
      const hit = entries.get(key);
      if (!hit) return false;
      if (value !== undefined && hit.entry.value !== value) return false;
      return entries.delete(key);
    },
  };
}
