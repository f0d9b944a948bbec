import * as oidc from 'openid-client';
import { ConfigurationError } from '../errors.js';
import { TokenEvents } from '../events/token-events.js';
import { hashKey } from '../lib/hash-key.js';
import { memoryStore } from '../stores/memory-store.js';
import {
  checkStore,
  DEFAULT_LIFETIME,
  telemetryOption,
  type ClientCredentialsOptions,
} from './client-credentials.js';
import { RequestParams } from './request-params.js';
import { TokenCache } from './token-cache.js';
import { positive, TokenEndpoint } from './token-endpoint.js';
import { toFreshToken } from './token-response.js';
import type { Token, TokenSource } from './token-source.js';

/**
 * Options of {@link RefreshTokenSource}: those of {@link ClientCredentialsOptions} (without `audience`),
 * plus the refresh token. Durations are in milliseconds.
 *
 * @example
 * ```ts
 * const options: RefreshTokenSourceOptions = { tokenEndpoint: 'https://hdp.example/oauth2/token', clientId: 'c', refreshToken: rt };
 * ```
 */
export interface RefreshTokenSourceOptions extends Omit<ClientCredentialsOptions, 'audience'> {
  /** The refresh token to start from. Required. Never logged. */
  refreshToken: string;
  /**
   * Called with the new refresh token when the server rotates it, so that you can persist it. Errors it
   * throws are ignored (the new token is used in this process regardless).
   */
  onRefreshToken?: (refreshToken: string) => void | Promise<void>;
  /**
   * Distinguishes this grant's tokens in a shared store (for instance a user or tenant id; never the
   * refresh token). Default is a random id: tokens are not shared between instances.
   */
  cacheId?: string;
}

/**
 * Obtains access tokens with the refresh-token grant, for providers that issue refresh tokens; uses the
 * new refresh token when the server rotates it. Cached and refreshed like {@link ClientCredentials}.
 *
 * @example
 * ```ts
 * const source = new RefreshTokenSource({
 *   tokenEndpoint: 'https://hdp.example/oauth2/token',
 *   clientId: 'reporting',
 *   clientSecret: process.env.CLIENT_SECRET!,
 *   refreshToken: await vault.read('hdp-refresh-token'),
 *   onRefreshToken: (next) => vault.write('hdp-refresh-token', next),
 * });
 * const token = await source.getToken();
 * ```
 */
export class RefreshTokenSource implements TokenSource {
  /** Events: `token`, `refresh`, `refresh_error`, `retry`, `cooldown`. Redacted. */
  readonly events = new TokenEvents();
  readonly #cache: TokenCache;
  #refreshToken: string;

  constructor(options: RefreshTokenSourceOptions) {
    const endpoint = new TokenEndpoint(options);
    if (typeof options.refreshToken !== 'string' || options.refreshToken.length === 0) {
      throw new ConfigurationError('refreshToken must be a non-empty string');
    }
    if (options.onRefreshToken !== undefined && typeof options.onRefreshToken !== 'function') {
      throw new ConfigurationError('onRefreshToken must be a function');
    }
    if (options.cacheId !== undefined && (typeof options.cacheId !== 'string' || !options.cacheId)) {
      throw new ConfigurationError('cacheId must be a non-empty string');
    }
    if ((options as { audience?: unknown }).audience !== undefined)
      throw new ConfigurationError('audience is not a refresh-token grant option');
    const params = new RequestParams(options);
    const defaultLifetime = positive(options.defaultLifetime, 'defaultLifetime', DEFAULT_LIFETIME);
    if (options.store !== undefined) checkStore(options.store);
    if (options.onEvent !== undefined) {
      if (typeof options.onEvent !== 'function') throw new ConfigurationError('onEvent must be a function');
      this.events.onAny(options.onEvent);
    }
    this.#refreshToken = options.refreshToken;
    const cacheId = options.cacheId ?? crypto.randomUUID();
    const onRefreshToken = options.onRefreshToken;
    this.#cache = new TokenCache({
      key: () =>
        hashKey('m2m-auth:rt:', [
          endpoint.kind,
          endpoint.url,
          endpoint.clientId,
          endpoint.auth.method,
          cacheId,
          ...params.keyParts(),
        ]),
      store: options.store ?? memoryStore(),
      events: this.events,
      label: endpoint.label,
      timeout: endpoint.timeout,
      refresh: options.refresh,
      retry: options.retry,
      telemetry: telemetryOption(options.telemetry, endpoint),
      obtain: async (closed) => {
        const obtainedAt = Date.now();
        let url = endpoint.label;
        const response = await endpoint.request(closed, (config, label) => {
          url = label;
          return oidc.refreshTokenGrant(config, this.#refreshToken, params.toSearchParams());
        });
        const token = toFreshToken(response, obtainedAt, params.scope, defaultLifetime, url);
        const next = response.refresh_token;
        if (typeof next === 'string' && next.length > 0 && next !== this.#refreshToken) {
          this.#refreshToken = next;
          try {
            await onRefreshToken?.(next);
          } catch {
            // Documented: ignored; the new refresh token is used in this process regardless.
          }
        }
        return token;
      },
    });
  }

  /** A valid token: from the cache, or from the refresh-token grant (one request for any number of callers). */
  getToken(): Promise<Token> {
    return this.#cache.getToken();
  }

  /** Drops the cached token if it is still `value` (after a `401` for it). */
  invalidate(value: string): Promise<void> {
    return this.#cache.invalidate(value);
  }

  /** Aborts in-flight requests; `getToken()` throws `TokenSourceClosedError` from then on. */
  close(): void {
    this.#cache.close();
  }
}
