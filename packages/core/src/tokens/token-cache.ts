import type { TokenRequestError } from '../errors.js';
import {
  ConfigurationError,
  M2mAuthError,
  OutboundError,
  TokenEndpointCooldownError,
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
 * and total time.
 *
 * @example
 * ```ts
 * new ClientCredentials({ tokenEndpoint, clientId, clientSecret, retry: { retries: 4, maxElapsed: 20_000 } });
 * ```
 */
export interface RetryOptions {
  /** Retries after the first attempt. Default is 2. */
  retries?: number;
  /** Delay (in milliseconds) before the first retry, doubled at each retry. Default is 200. */
  minDelay?: number;
  /** Largest delay (in milliseconds) between two attempts. Default is 2000. */
  maxDelay?: number;
  /** Time budget (in milliseconds) of all attempts of one refresh. Default is 10000. */
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
  /** Refresh buffer as a fraction of the token's lifetime, when smaller than `buffer`. Default is 0.2. */
  fraction?: number;
  /**
   * Random extra buffer, as a fraction of the buffer, so that replicas do not refresh together: the
   * refresh starts between `buffer` and `buffer × (1 + jitter)` before expiry. Default is 0.5.
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
  maxElapsed: number;
}

/** Longest pause (in milliseconds) between refresh attempts after a failed background refresh. */
const MAX_FAILURE_PAUSE = 30_000;
/** Poll interval (in milliseconds) while another process holds the store lock. */
const LOCK_POLL = 50;

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
  if (retry === false) return { retries: 0, minDelay: 0, maxDelay: 0, maxElapsed: 0 };
  if (retry !== undefined && (typeof retry !== 'object' || retry === null)) {
    throw new ConfigurationError('retry must be an object or false');
  }
  const retries = positive(retry?.retries, 'retry.retries', 2, true);
  if (!Number.isInteger(retries)) throw new ConfigurationError('retry.retries must be an integer');
  return {
    retries,
    minDelay: positive(retry?.minDelay, 'retry.minDelay', 200, true),
    maxDelay: positive(retry?.maxDelay, 'retry.maxDelay', 2000, true),
    maxElapsed: positive(retry?.maxElapsed, 'retry.maxElapsed', 10_000, true),
  };
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

  constructor(options: TokenCacheOptions) {
    this.#options = options;
    this.#retry = resolveRetry(options.retry);
    const refresh = options.refresh;
    if (refresh !== undefined && (typeof refresh !== 'object' || refresh === null)) {
      throw new ConfigurationError('refresh must be an object');
    }
    this.#buffer = positive(refresh?.buffer, 'refresh.buffer', 60_000, true);
    this.#fraction = positive(refresh?.fraction, 'refresh.fraction', 0.2, true);
    if (this.#fraction >= 1) throw new ConfigurationError('refresh.fraction must be below 1');
    this.#jitter = positive(refresh?.jitter, 'refresh.jitter', 0.5, true);
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
    const key = await this.key();
    await this.#options.store.delete(key, value);
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
    if (store.lock) {
      const lockTtl = this.#retry.maxElapsed + this.#options.timeout * 2;
      try {
        release = await store.lock(key, lockTtl);
      } catch {
        release = () => undefined; // lock unavailable: go on alone
      }
      if (!release) {
        const other = await this.#waitForOther(key, previous, lockTtl, background);
        if (other) {
          span?.end('shared');
          return asToken(other);
        }
      }
    }
    try {
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
      const stale = previous !== undefined && now < previous.expiresAt;
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
    if (background && previous) return previous; // keep serving; the other process refreshes
    const deadline = Date.now() + wait;
    while (Date.now() < deadline) {
      await sleep(LOCK_POLL, this.#closer.signal);
      const entry = await this.#read(key);
      if (entry && entry.value !== previous?.value && Date.now() < entry.expiresAt) return entry;
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
    const buffer = Math.min(this.#buffer, lifetime * this.#fraction) * (1 + this.#jitter * Math.random());
    const refreshAt = Math.max(fresh.obtainedAt, fresh.expiresAt - buffer);
    return {
      value: fresh.value,
      type: fresh.type,
      scope: fresh.scope,
      expiresAt: fresh.expiresAt,
      refreshAt,
    };
  }

  async #obtainWithRetry(key: string, span: RefreshSpan | undefined): Promise<FreshToken> {
    const started = Date.now();
    const { retries, minDelay, maxDelay, maxElapsed } = this.#retry;
    const obtain = () => this.#options.obtain(this.#closer.signal);
    for (let attempt = 1; ; attempt++) {
      try {
        return await (span ? span.run(obtain) : obtain());
      } catch (err) {
        if (this.#closer.signal.aborted) throw new TokenSourceClosedError(this.#options.label);
        if (!(err instanceof OutboundError) || !retryable(err) || attempt > retries) throw err;
        const cap = Math.min(maxDelay, minDelay * 2 ** (attempt - 1));
        const delay = Math.round(cap / 2 + (Math.random() * cap) / 2);
        if (Date.now() + delay - started > maxElapsed) throw err;
        this.#options.events.emit({ type: 'retry', key, attempt, delay, error: err });
        span?.retry(attempt, delay, err);
        await sleep(delay, this.#closer.signal);
      }
    }
  }
}
