import { ConfigurationError, TokenSourceClosedError } from '../errors.js';
import type { Token, TokenSource } from './token-source.js';

/**
 * Options of {@link StaticToken}.
 *
 * @example
 * ```ts
 * new StaticToken(apiKey, { scheme: 'ApiKey' });
 * ```
 */
export interface StaticTokenOptions {
  /** Authorization scheme sent with the token, e.g. `Basic` or `ApiKey`. Default is `Bearer`. */
  scheme?: string;
  /** Scope to report in {@link Token.scope}. Default is none. */
  scope?: string;
}

/**
 * A fixed token (an API key, a long-lived token): always the same value, never expiring
 * (`expiresAt` is `Infinity`). `invalidate()` has nothing to renew, so `authFetch` hands back the `401`.
 *
 * @example
 * ```ts
 * const source = new StaticToken(btoa(`${user}:${password}`), { scheme: 'Basic' });
 * const api = authFetch(source, { origins: ['https://legacy.example'] });
 * ```
 */
export class StaticToken implements TokenSource {
  readonly #token: Token;
  #closed = false;

  constructor(value: string, options: StaticTokenOptions = {}) {
    if (typeof value !== 'string' || value.length === 0 || /[\r\n]/.test(value)) {
      throw new ConfigurationError('value must be a non-empty string without line breaks');
    }
    const scheme = options.scheme ?? 'Bearer';
    if (typeof scheme !== 'string' || !/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/.test(scheme)) {
      throw new ConfigurationError('scheme must be an HTTP authentication scheme name, e.g. Bearer');
    }
    this.#token = { value, type: scheme, expiresAt: Number.POSITIVE_INFINITY, scope: options.scope };
  }

  /** The token. */
  getToken(): Promise<Token> {
    if (this.#closed) return Promise.reject(new TokenSourceClosedError('static token'));
    return Promise.resolve(this.#token);
  }

  /** Nothing to renew: a no-op. */
  invalidate(_value: string): Promise<void> {
    return Promise.resolve();
  }

  /** `getToken()` rejects from then on. */
  close(): void {
    this.#closed = true;
  }
}
