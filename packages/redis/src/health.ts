import type { RedisOperation, RedisStoreEvent, UnavailableReason } from './events.js';

/**
 * One command's permission to go to Redis, from {@link RedisHealth.attempt}.
 *
 * @example
 * ```ts
 * const attempt: Attempt = { startedAt: Date.now(), probe: false };
 * ```
 */
export interface Attempt {
  /** When the command was sent (ms since the epoch). */
  readonly startedAt: number;
  /** Whether it is the probe of an outage. */
  readonly probe: boolean;
}

/**
 * Whether Redis is available, as the store's commands find out: after a failure (timeout, no
 * connection) the store stops sending commands and uses each replica's own cache; one command, a probe,
 * goes through every `retryInterval` milliseconds until one succeeds. Each transition is reported once.
 *
 * @example
 * ```ts
 * const health = new RedisHealth(1000, (event) => log.warn(event));
 * const attempt = health.attempt();
 * if (attempt) try { await send(); health.succeeded(attempt, 'get'); } catch { health.failed(attempt, 'get', 'timeout', undefined); }
 * ```
 */
export class RedisHealth {
  readonly #retryInterval: number;
  readonly #report: (event: RedisStoreEvent) => void;
  readonly #now: () => number;
  readonly #listeners = new Set<() => void>();
  /** Since when Redis is unavailable (ms since the epoch), or `undefined` while it is available. */
  #downSince: number | undefined;
  /** When Redis last became available again. */
  #upSince = 0;
  #nextProbe = 0;
  #probing = false;

  constructor(retryInterval: number, report: (event: RedisStoreEvent) => void, now: () => number = Date.now) {
    this.#retryInterval = retryInterval;
    this.#report = report;
    this.#now = now;
  }

  /** Whether Redis is taken to be available. */
  get available(): boolean {
    return this.#downSince === undefined;
  }

  /**
   * Whether a command may be sent now: always while available; while unavailable, once per
   * `retryInterval` (the probe). The attempt goes to {@link RedisHealth.succeeded} or
   * {@link RedisHealth.failed} when the command ends.
   */
  attempt(): Attempt | undefined {
    const now = this.#now();
    if (this.#downSince === undefined) return { startedAt: now, probe: false };
    if (this.#probing || now < this.#nextProbe) return undefined;
    this.#probing = true;
    return { startedAt: now, probe: true };
  }

  /**
   * Redis answered a command. Marks it available again only for a command sent after the outage began
   * (a late answer to an older command says little), and reports the recovery once.
   */
  succeeded(attempt: Attempt, operation: RedisOperation): void {
    if (attempt.probe) this.#probing = false;
    const since = this.#downSince;
    if (since === undefined || attempt.startedAt < since) return;
    this.#downSince = undefined;
    this.#upSince = this.#now();
    this.#emit({ type: 'redis_recovered', operation, downtime: Math.max(0, this.#now() - since) });
  }

  /**
   * A command got no answer (or a busy server's): Redis is unavailable, reported once per outage. A
   * failure of a command sent before the last recovery changes nothing.
   */
  failed(
    attempt: Attempt,
    operation: RedisOperation,
    reason: UnavailableReason,
    detail: string | undefined,
  ): void {
    if (attempt.probe) this.#probing = false;
    if (attempt.startedAt < this.#upSince) return;
    const now = this.#now();
    this.#nextProbe = now + this.#retryInterval;
    if (this.#downSince !== undefined) return;
    this.#downSince = now;
    this.#emit({ type: 'redis_unavailable', operation, reason, detail });
  }

  /** Calls `listener` on every transition; returns a function that unsubscribes. */
  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(event: RedisStoreEvent): void {
    try {
      this.#report(event);
    } catch {
      // A failing listener must not break token delivery.
    }
    for (const listener of this.#listeners) listener();
  }
}
