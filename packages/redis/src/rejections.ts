import type { EntryRejection, RedisStoreEvent } from './events.js';

/** At most this many cache keys are remembered as rejected; the oldest is forgotten beyond. */
const MAX_KEYS = 1000;

/**
 * Reports rejected values once per cache key and reason, not per read: a key is reported again only
 * after a good read of it (or with another reason).
 *
 * @example
 * ```ts
 * const rejections = new Rejections(onEvent);
 * rejections.reject(key, 'not_ours'); // reported
 * rejections.reject(key, 'not_ours'); // not again
 * rejections.accept(key); // a good read: the next rejection is news
 * ```
 */
export class Rejections {
  readonly #report: (event: RedisStoreEvent) => void;
  readonly #rejected = new Map<string, EntryRejection>();

  constructor(report: (event: RedisStoreEvent) => void) {
    this.#report = report;
  }

  /** The value under `key` was not usable, for `reason`. */
  reject(key: string, reason: EntryRejection): void {
    if (this.#rejected.get(key) === reason) return;
    this.#rejected.delete(key);
    this.#rejected.set(key, reason);
    if (this.#rejected.size > MAX_KEYS) {
      const [oldest] = this.#rejected.keys();
      if (oldest !== undefined) this.#rejected.delete(oldest);
    }
    try {
      this.#report({ type: 'entry_rejected', key, reason });
    } catch {
      // A failing listener must not break token delivery.
    }
  }

  /** The value under `key` was read and used (or was absent). */
  accept(key: string): void {
    this.#rejected.delete(key);
  }
}
