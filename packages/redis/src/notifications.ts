import type { EntryNames } from './keys.js';
import type { RedisLink } from './link.js';

interface Subscription {
  state: 'pending' | 'ready' | 'failed';
  /** Resolves to whether the subscription was confirmed in time. */
  settled: Promise<boolean>;
  failedAt: number;
}

/**
 * How {@link Notifications} waits: the store's `pubsub`, `pollInterval` and `retryInterval` options.
 *
 * @example
 * ```ts
 * const options: NotificationOptions = { pubsub: true, pollInterval: 50, retryInterval: 1000 };
 * ```
 */
export interface NotificationOptions {
  /** Whether to use pub/sub at all. */
  pubsub: boolean;
  /** Longest sleep (in milliseconds) of a wait without pub/sub: the caller polls. */
  pollInterval: number;
  /** Pause (in milliseconds) before a failed subscription is tried again. */
  retryInterval: number;
}

/** At most this many channels stay subscribed; the oldest goes beyond. */
const MAX_CHANNELS = 256;

/**
 * Change notifications of entries over pub/sub: the store publishes on an entry's channel after each
 * change (`set`, `delete`, `unlock`), and {@link Notifications.waitFor} wakes on it. A channel stays
 * subscribed once waited on, so later waits start at once. Where pub/sub is off, not confirmed yet or
 * down, a wait lasts at most `pollInterval` (the caller polls), and always at most its timeout.
 *
 * @example
 * ```ts
 * const notifications = new Notifications(link, (key) => entryNames(prefix, key), options);
 * notifications.markRead(key); // when reading the entry
 * await notifications.waitFor(key, 2000); // then, on a miss
 * ```
 */
export class Notifications {
  readonly #link: RedisLink;
  readonly #names: (key: string) => EntryNames;
  readonly #options: NotificationOptions;
  readonly #subscriptions = new Map<string, Subscription>();
  readonly #waiters = new Map<string, Set<() => void>>();
  /** Per cache key: messages received, and their count when the entry was last read. */
  readonly #received = new Map<string, number>();
  readonly #seen = new Map<string, number>();
  #closed = false;

  constructor(link: RedisLink, names: (key: string) => EntryNames, options: NotificationOptions) {
    this.#link = link;
    this.#names = names;
    this.#options = options;
  }

  /** A read of `key` starts: a message from now on is news to the reader. */
  markRead(key: string): void {
    bounded(this.#seen, key, this.#received.get(key) ?? 0);
  }

  /** Tells the entry's waiters, on every replica, that it changed. Never rejects. */
  publish(names: EntryNames, message: string): void {
    if (this.#options.pubsub) void this.#link.send('publish', ['PUBLISH', names.channel, message], undefined);
  }

  /**
   * Resolves when the entry under `key` may have changed (a message on its channel, or one that came
   * after the last read), after `timeout` milliseconds, when `signal` aborts, or when Redis becomes
   * unavailable or available again. Never rejects.
   */
  waitFor(key: string, timeout: number, signal?: AbortSignal): Promise<void> {
    if (!(timeout > 0) || signal?.aborted || this.#closed) return Promise.resolve();
    if ((this.#received.get(key) ?? 0) !== (this.#seen.get(key) ?? 0)) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timers: ReturnType<typeof setTimeout>[] = [];
      let waiters = this.#waiters.get(key);
      if (!waiters) this.#waiters.set(key, (waiters = new Set()));
      const finish = () => {
        timers.forEach(clearTimeout);
        signal?.removeEventListener('abort', finish);
        waiters.delete(finish);
        if (waiters.size === 0 && this.#waiters.get(key) === waiters) this.#waiters.delete(key);
        offHealth();
        resolve();
      };
      const poll = () => timers.push(setTimeout(finish, Math.min(timeout, this.#options.pollInterval)));
      timers.push(setTimeout(finish, timeout));
      signal?.addEventListener('abort', finish, { once: true });
      waiters.add(finish);
      const offHealth = this.#link.health.onChange(finish);
      const { commands, health } = this.#link;
      if (!this.#options.pubsub || !commands.subscribe || !health.available) return void poll();
      const subscription = this.#subscribe(key);
      if (subscription.state === 'failed' || commands.subscriptionsReady?.() === false) return void poll();
      if (subscription.state === 'pending') {
        // A change may have slipped by before the subscription was confirmed: wake, the caller re-reads.
        void subscription.settled.then((ok) => (ok ? finish() : poll()));
      }
    });
  }

  /** Ends the subscriptions and wakes every waiter. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const waiters of [...this.#waiters.values()]) for (const wake of [...waiters]) wake();
    this.#subscriptions.clear();
    try {
      await this.#link.commands.close?.();
    } catch {
      // Closing is best effort.
    }
  }

  #subscribe(key: string): Subscription {
    const { channel } = this.#names(key);
    const known = this.#subscriptions.get(channel);
    if (known && (known.state !== 'failed' || Date.now() - known.failedAt < this.#options.retryInterval)) {
      return known;
    }
    const { commands, timeout } = this.#link;
    const subscription: Subscription = { state: 'pending', settled: Promise.resolve(false), failedAt: 0 };
    const confirmed = new Promise<void>((resolve) =>
      resolve(commands.subscribe?.(channel, () => this.#wake(key))),
    ).then(
      () => {
        subscription.state = 'ready';
        return true;
      },
      () => false,
    );
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeout * 4)));
    subscription.settled = Promise.race([confirmed, late]).then((ok) => {
      clearTimeout(timer);
      if (!ok && subscription.state !== 'ready') {
        subscription.state = 'failed';
        subscription.failedAt = Date.now();
      }
      return ok;
    });
    this.#subscriptions.delete(channel);
    this.#subscriptions.set(channel, subscription);
    if (this.#subscriptions.size > MAX_CHANNELS) {
      const [oldest] = this.#subscriptions.keys();
      if (oldest !== undefined) {
        this.#subscriptions.delete(oldest);
        void Promise.resolve()
          .then(() => commands.unsubscribe?.(oldest))
          .catch(() => undefined);
      }
    }
    return subscription;
  }

  /** A message for `key`: counts it, wakes its waiters. */
  #wake(key: string): void {
    bounded(this.#received, key, (this.#received.get(key) ?? 0) + 1);
    for (const wake of [...(this.#waiters.get(key) ?? [])]) wake();
  }
}

/** Sets `key` in `map`, dropping the oldest entry beyond 1000 (one per cache key in practice). */
function bounded(map: Map<string, number>, key: string, value: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > 1000) {
    const [oldest] = map.keys();
    if (oldest !== undefined) map.delete(oldest);
  }
}
