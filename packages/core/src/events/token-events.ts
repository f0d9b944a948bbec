import type { OutboundError } from '../errors.js';

/**
 * Why a token was requested.
 *
 * @example
 * ```ts
 * source.events.on('refresh', (e) => metrics.increment(`token.refresh.${e.reason}`));
 * ```
 */
export type RefreshReason = 'missing' | 'expired' | 'ahead';

/**
 * What a token source reports. Every value is redacted: no event carries a token or a secret. `key` is
 * the cache key, itself a SHA-256 digest.
 *
 * @example
 * ```ts
 * new ClientCredentials({ tokenEndpoint, clientId, clientSecret, onEvent: (e: TokenEvent) => log.debug(e) });
 * ```
 */
export type TokenEvent =
  | {
      /** A new token was obtained. */
      type: 'token';
      key: string;
      /** `Bearer` or `DPoP`. */
      tokenType: string;
      /** Expiry, in milliseconds since the Unix epoch. */
      expiresAt: number;
      /** When the next refresh will start, in milliseconds since the Unix epoch. */
      refreshAt: number;
      scope: string | undefined;
      /** True when the server handed back the token that was already cached. */
      reused: boolean;
    }
  | {
      /** A request to the token endpoint starts. */
      type: 'refresh';
      key: string;
      reason: RefreshReason;
      /** True when callers are being served the cached token meanwhile (refresh-ahead). */
      background: boolean;
    }
  | {
      /** Obtaining a token failed (after the retries). */
      type: 'refresh_error';
      key: string;
      error: OutboundError;
      /** True when a still-valid cached token goes on being served (stale-if-error). */
      stale: boolean;
    }
  | {
      /** A failed attempt is retried after `delay` milliseconds. */
      type: 'retry';
      key: string;
      /** The attempt that failed, from 1. */
      attempt: number;
      /** Delay before the next attempt, in milliseconds. */
      delay: number;
      error: OutboundError;
    }
  | {
      /** The endpoint asked us to wait (`429`, `503` + `Retry-After`); no request until `until`. */
      type: 'cooldown';
      key: string;
      /** End of the cooldown, in milliseconds since the Unix epoch. */
      until: number;
      status: number;
    };

/**
 * The name of a {@link TokenEvent}.
 *
 * @example
 * ```ts
 * const type: TokenEventType = 'refresh_error';
 * ```
 */
export type TokenEventType = TokenEvent['type'];

/**
 * A listener for one kind of {@link TokenEvent}.
 *
 * @example
 * ```ts
 * const onRetry: TokenEventListener<'retry'> = (e) => log.info(`retry ${e.attempt} in ${e.delay} ms`);
 * ```
 */
export type TokenEventListener<T extends TokenEventType = TokenEventType> = (
  event: Extract<TokenEvent, { type: T }>,
) => void;

/**
 * A small typed event emitter (runtime-agnostic: no Node `EventEmitter`). A listener that throws is
 * ignored, so observability can never break token delivery.
 *
 * @example
 * ```ts
 * const off = source.events.on('refresh_error', (e) => log.warn({ code: e.error.code, stale: e.stale }));
 * off(); // unsubscribe
 * ```
 */
export class TokenEvents {
  readonly #listeners = new Map<TokenEventType, Set<(event: TokenEvent) => void>>();

  /** Calls `listener` for every event of `type`; returns a function that unsubscribes. */
  on<T extends TokenEventType>(type: T, listener: TokenEventListener<T>): () => void {
    let set = this.#listeners.get(type);
    if (!set) this.#listeners.set(type, (set = new Set()));
    const wrapped = listener as (event: TokenEvent) => void;
    set.add(wrapped);
    return () => {
      set.delete(wrapped);
    };
  }

  /** Calls `listener` for every event. Returns a function that unsubscribes. */
  onAny(listener: (event: TokenEvent) => void): () => void {
    const offs = (['token', 'refresh', 'refresh_error', 'retry', 'cooldown'] as const).map((type) =>
      this.on(type, listener),
    );
    return () => offs.forEach((off) => off());
  }

  /** Delivers `event` to its listeners. */
  emit(event: TokenEvent): void {
    const set = this.#listeners.get(event.type);
    if (!set) return;
    for (const listener of set) {
      try {
        listener(event);
      } catch {
        // A failing listener must not break token delivery.
      }
    }
  }
}
