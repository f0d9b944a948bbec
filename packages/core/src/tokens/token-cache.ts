import type { TokenRequestError } from '../errors.js';
import {
  ConfigurationError,
  M2mAuthError,
  OutboundError,
  TokenEndpointCooldownError,
  TokenRequestTimeoutError,
  TokenSourceClosedError,
} from '../errors.js';
import type { RefreshReason, TokenEvents } from '../events/token-events.js';
import { sleep } from '../lib/sleep.js';
import type { StoredToken, TokenStore } from '../stores/token-store.js';
import type { RefreshSpan, TokenTelemetry } from '../telemetry/token-telemetry.js';
import type { Token } from './token-source.js';
import { positive } from './token-endpoint.js';

/**
 * Retries of failed token requests: `5xx`, timeouts and network failures are retried with exponential
 * backoff and jitter (each delay between half and all of its doubled value), bounded in count
 * and total time. Checked when the token source is constructed.
 *
 * @example
 * ```ts
 * new ClientCredentials({ tokenEndpoint, clientId, clientSecret, retry: { retries: 4, maxElapsed: 20_000 } });
 * ```
 */
export interface RetryOptions {
  /** Retries after the first attempt: an integer from 0 to 10. Default is 2. */
  retries?: number;
  /**
   * Delay (in milliseconds) before the first retry, doubled at each retry; at most `maxDelay`. Default is
   * 200.
   */
  minDelay?: number;
  /** Largest delay (in milliseconds) between two attempts. Default is 2000. */
  maxDelay?: number;
  /**
   * Time budget (in milliseconds) of all attempts of one refresh, delays included: an attempt still
   * running when it runs out is abandoned with a `TokenRequestTimeoutError`, so a refresh never takes
   * longer than this. Default is 10000.
   */
  maxElapsed?: number;
}

/**
 * When cached tokens are refreshed.
 *
 * @example
 * ```ts
 * new ClientCredentials({ tokenEndpoint, clientId, clientSecret, refresh: { buffer: 30_000, jitter: 0.2 } });
 * ```
 */
export interface RefreshOptions {
  /** Largest refresh buffer (in milliseconds) before expiry. Default is 60000. */
  buffer?: number;
  /**
   * Refresh buffer as a fraction of the token's lifetime, when smaller than `buffer`: at least 0, below 1.
   * Default is 0.2.
   */
  fraction?: number;
  /**
   * Random extra buffer, as a fraction of the buffer, so that replicas do not refresh together: the
   * refresh starts between `buffer` and `buffer × (1 + jitter)` before expiry. From 0 to 1. Default is
   * 0.5.
   *
   * Whatever the options, the refresh never starts before half of the token's remaining lifetime (from
   * when it arrived) has passed, so short tokens cannot make every call refresh.
   */
  jitter?: number;
}

/** A token fresh from the endpoint, before caching. */
export interface FreshToken extends Token {
  /** When the request was sent (milliseconds since the epoch); the lifetime counts from there. */
  readonly obtainedAt: number;
}

export interface TokenCacheOptions {
  /** The cache key (computed once). */
  key: () => Promise<string>;
  store: TokenStore;
  events: TokenEvents;
  /** What to name in errors. */
  label: string;
  /** One attempt at obtaining a token. */
  obtain: (closed: AbortSignal) => Promise<FreshToken>;
  /** Timeout of one attempt (in milliseconds), to size the store lock. */
  timeout: number;
  refresh?: RefreshOptions | undefined;
  retry?: RetryOptions | false | undefined;
  /** Spans and metrics of each refresh; none when undefined. */
  telemetry?: TokenTelemetry | undefined;
}

interface ResolvedRetry {
  retries: number;
  minDelay: number;
  maxDelay: number;
  /** Time budget of one refresh; `Infinity` with `retry: false` (each attempt has its own timeout). */
  maxElapsed: number;
}

/** Largest accepted `retry.retries`. */
export const MAX_RETRIES = 10;
/** Longest pause (in milliseconds) between refresh attempts after a failed background refresh. */
const MAX_FAILURE_PAUSE = 30_000;
/** Pause (in milliseconds) of background refreshes after another process held the store lock. */
const LOST_LOCK_PAUSE = 1000;
/** Poll interval (in milliseconds) while another process holds the store lock. */
const LOCK_POLL = 50;
/** The refresh buffer is at most this share of the time a token has left when it arrives. */
const MAX_BUFFER_SHARE = 0.5;
/** How many invalidated token values are remembered, so that none is served again as stale. */
const INVALIDATED_MEMORY = 32;

function retryable(err: OutboundError): boolean {
  switch (err.code) {
    case 'token_request_timeout':
    case 'token_request_network':
    case 'discovery_failed':
    case 'credentials_unavailable':
      return true;
    case 'token_request_failed':
      return (err as TokenRequestError).status >= 500;
    default:
      return false;
  }
}

function asToken(entry: StoredToken): Token {
  return { value: entry.value, type: entry.type, expiresAt: entry.expiresAt, scope: entry.scope };
}

export function resolveRetry(retry: RetryOptions | false | undefined): ResolvedRetry {
  if (retry === false) return { retries: 0, minDelay: 0, maxDelay: 0, maxElapsed: Number.POSITIVE_INFINITY };
  if (retry !== undefined && (typeof retry !== 'object' || retry === null)) {
    throw new ConfigurationError('retry must be an object or false');
  }
  const retries = positive(retry?.retries, 'retry.retries', 2, true);
  if (!Number.isInteger(retries) || retries > MAX_RETRIES) {
    throw new ConfigurationError(`retry.retries must be an integer from 0 to ${MAX_RETRIES}`);
  }
  const minDelay = positive(retry?.minDelay, 'retry.minDelay', 200, true);
  const maxDelay = positive(retry?.maxDelay, 'retry.maxDelay', 2000, true);
  if (minDelay > maxDelay) {
    throw new ConfigurationError(
      `retry.minDelay (${minDelay}) must not be larger than retry.maxDelay (${maxDelay})`,
    );
  }
  return {
    retries,
    minDelay,
    maxDelay,
    maxElapsed: positive(retry?.maxElapsed, 'retry.maxElapsed', 10_000),
  };
}

/** A number in `[0, max]` (or `[0, max)` when `open`), else a `ConfigurationError` naming `option`. */
function share(value: unknown, option: string, fallback: number, max: number, open: boolean): number {
  const n = positive(value, option, fallback, true);
  if (open ? n >= max : n > max) {
    throw new ConfigurationError(
      `${option} must be a number from 0 ${open ? 'up to, not including,' : 'to'} ${max}`,
    );
  }
  return n;
}

/**
 * The cache behind a token source: one entry per key in a {@link TokenStore}; single-flight requests;
 * refresh-ahead inside a jittered buffer; stale-if-error; a cooldown gate after `429`/`503`; retries with
 * backoff; compare-and-delete invalidation.
 */
export class TokenCache {
  readonly #options: TokenCacheOptions;
  readonly #retry: ResolvedRetry;
  readonly #buffer: number;
  readonly #fraction: number;
  readonly #jitter: number;
  readonly #closer = new AbortController();
  #key: Promise<string> | undefined;
  #inflight: Promise<Token> | undefined;
  /** Cooldown gate: no request before this time (ms since the epoch). */
  #gateUntil = 0;
  #gateStatus = 0;
  /** After a failed background refresh: no new one before this time. */
  #pauseUntil = 0;
  #failures = 0;
  /** Recently invalidated token values (oldest first): never served again, not even as stale. */
  readonly #invalidated = new Set<string>();

  constructor(options: TokenCacheOptions) {
    this.#options = options;
    this.#retry = resolveRetry(options.retry);
    const refresh = options.refresh;
    if (refresh !== undefined && (typeof refresh !== 'object' || refresh === null)) {
      throw new ConfigurationError('refresh must be an object');
    }
    this.#buffer = positive(refresh?.buffer, 'refresh.buffer', 60_000, true);
    this.#fraction = share(refresh?.fraction, 'refresh.fraction', 0.2, 1, true);
    this.#jitter = share(refresh?.jitter, 'refresh.jitter', 0.5, 1, false);
  }

  get closed(): AbortSignal {
    return this.#closer.signal;
  }

  key(): Promise<string> {
    return (this.#key ??= this.#options.key());
  }

  async getToken(): Promise<Token> {
    if (this.#closer.signal.aborted) throw new TokenSourceClosedError(this.#options.label);
    const key = await this.key();
    const entry = await this.#read(key);
    const now = Date.now();
    if (entry && now < entry.expiresAt) {
      if (now >= entry.refreshAt && now >= this.#pauseUntil && now >= this.#gateUntil && !this.#inflight) {
        this.#flight(key, entry, 'ahead', true).catch(() => undefined);
      }
      return asToken(entry);
    }
    if (this.#inflight) return this.#inflight;
    if (now < this.#gateUntil) {
      throw new TokenEndpointCooldownError(this.#options.label, new Date(this.#gateUntil), this.#gateStatus);
    }
    return this.#flight(key, entry, entry ? 'expired' : 'missing', false);
  }

  async invalidate(value: string): Promise<void> {
    if (typeof value !== 'string') return;
    this.#invalidated.delete(value);
    this.#invalidated.add(value);
    for (const old of this.#invalidated) {
      if (this.#invalidated.size <= INVALIDATED_MEMORY) break;
      this.#invalidated.delete(old);
    }
    const key = await this.key();
    await this.#options.store.delete(key, value);
  }

  /** Whether `entry` may be handed out: still valid at `now` and never invalidated. */
  #servable(entry: StoredToken | undefined, now: number): entry is StoredToken {
    return entry !== undefined && now < entry.expiresAt && !this.#invalidated.has(entry.value);
  }

  close(): void {
    this.#closer.abort(new TokenSourceClosedError(this.#options.label));
  }

  async #read(key: string): Promise<StoredToken | undefined> {
    try {
      return await this.#options.store.get(key);
    } catch {
      // A failing shared store must not stop token delivery: behave as on a miss.
      return undefined;
    }
  }

  #flight(key: string, previous: StoredToken | undefined, reason: RefreshReason, background: boolean) {
    const flight = this.#run(key, previous, reason, background).finally(() => {
      if (this.#inflight === flight) this.#inflight = undefined;
    });
    this.#inflight = flight;
    return flight;
  }

  async #run(
    key: string,
    previous: StoredToken | undefined,
    reason: RefreshReason,
    background: boolean,
  ): Promise<Token> {
    const { events, store } = this.#options;
    events.emit({ type: 'refresh', key, reason, background });
    const span = await this.#options.telemetry?.start({ key, reason, background });
    let release: (() => Promise<void> | void) | undefined;
    let locked = false;
    if (store.lock) {
      const budget = Number.isFinite(this.#retry.maxElapsed) ? this.#retry.maxElapsed : 0;
      const lockTtl = budget + this.#options.timeout * 2;
      try {
        release = await store.lock(key, lockTtl);
        locked = release !== undefined;
      } catch {
        release = () => undefined; // lock unavailable: go on alone
      }
      if (!release) {
        let other: StoredToken | undefined;
        try {
          other = await this.#waitForOther(key, previous, lockTtl, background);
        } catch (thrown) {
          span?.end('error', thrown); // closed while waiting for the other process
          throw thrown;
        }
        if (other) {
          span?.end('shared');
          return asToken(other);
        }
      }
    }
    try {
      if (locked) {
        // Another process may have stored a token between our read and our lock: use it.
        const current = await this.#read(key);
        if (
          this.#servable(current, Date.now()) &&
          current.value !== previous?.value &&
          current.expiresAt > (previous?.expiresAt ?? 0)
        ) {
          this.#failures = 0;
          this.#pauseUntil = 0;
          span?.end('shared');
          return asToken(current);
        }
      }
      const fresh = await this.#obtainWithRetry(key, span);
      const entry = this.#toEntry(fresh, previous);
      const ttl = entry.expiresAt - Date.now();
      if (ttl > 0) {
        try {
          await store.set(key, entry, ttl);
        } catch {
          // The caller still gets its token; the next one asks again.
        }
      }
      this.#failures = 0;
      this.#pauseUntil = 0;
      events.emit({
        type: 'token',
        key,
        tokenType: entry.type,
        expiresAt: entry.expiresAt,
        refreshAt: entry.refreshAt,
        scope: entry.scope,
        reused: previous?.value === entry.value,
      });
      span?.end('success');
      return asToken(entry);
    } catch (thrown) {
      const error =
        thrown instanceof OutboundError ? thrown : thrown instanceof M2mAuthError ? thrown : undefined;
      const now = Date.now();
      if (thrown instanceof TokenEndpointCooldownError) {
        this.#gateUntil = Math.max(this.#gateUntil, thrown.retryAfter.getTime());
        this.#gateStatus = thrown.status;
        events.emit({ type: 'cooldown', key, until: this.#gateUntil, status: thrown.status });
      }
      // Never serve as stale a token that was invalidated meanwhile (a 401 for it).
      const stale = this.#servable(previous, now);
      if (stale) {
        this.#failures++;
        const pause = Math.min(MAX_FAILURE_PAUSE, 1000 * 2 ** (this.#failures - 1));
        this.#pauseUntil = now + Math.min(pause, (previous.expiresAt - now) / 2);
      }
      if (error instanceof OutboundError) events.emit({ type: 'refresh_error', key, error, stale });
      span?.end(stale ? 'stale' : 'error', thrown);
      if (stale) return asToken(previous);
      throw thrown;
    } finally {
      await release?.();
    }
  }

  /** Another process holds the lock: wait for the token it will store, up to `wait` milliseconds. */
  async #waitForOther(
    key: string,
    previous: StoredToken | undefined,
    wait: number,
    background: boolean,
  ): Promise<StoredToken | undefined> {
    const now = Date.now();
    if (background && this.#servable(previous, now)) {
      // Keep serving; the other process refreshes. Pause background attempts for a moment, so that the
      // calls meanwhile do not each ask for the lock; after the pause the store holds its token.
      this.#pauseUntil = Math.max(
        this.#pauseUntil,
        now + Math.min(LOST_LOCK_PAUSE, (previous.expiresAt - now) / 4),
      );
      return previous;
    }
    const deadline = now + wait;
    while (Date.now() < deadline) {
      await sleep(LOCK_POLL, this.#closer.signal);
      const entry = await this.#read(key);
      if (this.#servable(entry, Date.now()) && entry.value !== previous?.value) return entry;
    }
    return undefined;
  }

  #toEntry(fresh: FreshToken, previous: StoredToken | undefined): StoredToken {
    if (previous && previous.value === fresh.value) {
      // Same token again (some servers do this until it expires): asking again before it expires would
      // only get it again, so do not refresh it early, and keep the earlier expiry.
      const expiresAt = Math.min(previous.expiresAt, fresh.expiresAt);
      return { value: fresh.value, type: fresh.type, scope: fresh.scope, expiresAt, refreshAt: expiresAt };
    }
    const lifetime = Math.max(0, fresh.expiresAt - fresh.obtainedAt);
    const jittered = Math.min(this.#buffer, lifetime * this.#fraction) * (1 + this.#jitter * Math.random());
    // Never refresh before half of what is left (from now, the token's arrival) has passed: no options and
    // no slow endpoint can make every call start a refresh.
    const arrived = Math.max(fresh.obtainedAt, Date.now());
    const buffer = Math.min(jittered, Math.max(0, fresh.expiresAt - arrived) * MAX_BUFFER_SHARE);
    const refreshAt = fresh.expiresAt - buffer;
    return {
      value: fresh.value,
      type: fresh.type,
      scope: fresh.scope,
      expiresAt: fresh.expiresAt,
      refreshAt,
    };
  }

  /** One attempt, abandoned (and aborted) with a timeout error when the refresh's budget runs out. */
  async #attempt(span: RefreshSpan | undefined, remaining: number): Promise<FreshToken> {
    if (!Number.isFinite(remaining)) {
      const obtain = () => this.#options.obtain(this.#closer.signal);
      return span ? span.run(obtain) : obtain();
    }
    const budget = new AbortController();
    const signal = AbortSignal.any([this.#closer.signal, budget.signal]);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const outOfTime = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => {
          const error = new TokenRequestTimeoutError(this.#options.label, Math.max(0, Math.round(remaining)));
          reject(error);
          budget.abort(error);
        },
        Math.max(0, remaining),
      );
    });
    const obtain = () => this.#options.obtain(signal);
    const pending = span ? span.run(obtain) : obtain();
    pending.catch(() => undefined); // after the budget ran out, its rejection is no one's concern
    try {
      return await Promise.race([pending, outOfTime]);
    } finally {
      clearTimeout(timer);
    }
  }

  async #obtainWithRetry(key: string, span: RefreshSpan | undefined): Promise<FreshToken> {
    const started = Date.now();
    const { retries, minDelay, maxDelay, maxElapsed } = this.#retry;
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#attempt(span, maxElapsed - (Date.now() - started));
      } catch (err) {
        if (this.#closer.signal.aborted) throw new TokenSourceClosedError(this.#options.label);
        if (!(err instanceof OutboundError) || !retryable(err) || attempt > retries) throw err;
        const cap = Math.min(maxDelay, minDelay * 2 ** (attempt - 1));
        const delay = Math.round(cap / 2 + (Math.random() * cap) / 2);
        if (Date.now() + delay - started >= maxElapsed) throw err;
        this.#options.events.emit({ type: 'retry', key, attempt, delay, error: err });
        span?.retry(attempt, delay, err);
        await sleep(delay, this.#closer.signal);
      }
    }
  }
}
