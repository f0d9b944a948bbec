import * as oidc from 'openid-client';
import { ConfigurationError } from '../errors.js';
import { TokenEvents, type TokenEvent } from '../events/token-events.js';
import type { FetchLike } from '../lib/fetch-json.js';
import { hashKey } from '../lib/hash-key.js';
import { memoryStore } from '../stores/memory-store.js';
import type { TokenStore } from '../stores/token-store.js';
import type { ClientAuthMethod, ClientPrivateKey, ClientSecret } from './client-auth.js';
import { RequestParams, type ExtraParams } from './request-params.js';
import { TokenCache, type RefreshOptions, type RetryOptions } from './token-cache.js';
import { positive, TokenEndpoint } from './token-endpoint.js';
import { tokenTelemetry, type TokenTelemetry } from '../telemetry/token-telemetry.js';
import { toFreshToken } from './token-response.js';
import type { Token, TokenSource } from './token-source.js';

/** Default lifetime (in milliseconds) of a token whose response has no `expires_in` and that is no JWT. */
export const DEFAULT_LIFETIME = 300_000;

/**
 * Options of {@link ClientCredentials}. Durations are in milliseconds.
 *
 * @example
 * ```ts
 * const options: ClientCredentialsOptions = { issuer: 'https://auth.example/oidc', clientId: 'svc', clientSecret: 's', scope: 'openid' };
 * ```
 */
export interface ClientCredentialsOptions {
  /**
   * The issuer, found by discovery (OpenID Connect Discovery, then RFC 8414). `https:`, or `http:` on a
   * loopback host or with `allowInsecureRequests`; no credentials (`user:password@`) in the URL. A query
   * is kept for requests but left out wherever the URL is named (errors, events, telemetry). Pass this or
   * `tokenEndpoint`.
   */
  issuer?: string | URL;
  /** The token endpoint itself, when there is no discovery document. Same URL rules as `issuer`. */
  tokenEndpoint?: string | URL;
  /** The client id. Required. */
  clientId: string;
  /**
   * The client secret, or a function returning it (a secrets manager). The function is called on the
   * first request, and again once after an `invalid_client` answer, so a rotated secret is picked up
   * without a restart.
   */
  clientSecret?: ClientSecret;
  /**
   * The private key for `private_key_jwt` (RFC 7523): a private JWK, or a PEM string holding an RSA, EC
   * (P-256, P-384, P-521) or Ed25519 key: PKCS#8 (`BEGIN PRIVATE KEY`), PKCS#1 (`BEGIN RSA PRIVATE KEY`)
   * or SEC1 (`BEGIN EC PRIVATE KEY`); encrypted keys are refused. A PEM is checked when the source is
   * constructed.
   */
  privateKey?: ClientPrivateKey;
  /**
   * Signing algorithm of the client assertion; must suit the key. Default is the JWK's `alg`, else
   * inferred from the key: RS256 for RSA, PS256 for RSA-PSS, ES256/ES384/ES512 by curve, EdDSA for
   * Ed25519.
   */
  privateKeyAlg?: string;
  /** `kid` of the client assertion (a non-empty string). Default is the JWK's `kid`, else none. */
  privateKeyId?: string;
  /**
   * `aud` of the client assertion. Default is the issuer when discovered, else the token endpoint.
   */
  assertionAudience?: string;
  /**
   * Client authentication. Default is `private_key_jwt` with a `privateKey`, `client_secret_post` with a
   * `clientSecret`, else `none`.
   */
  clientAuth?: ClientAuthMethod;
  /** Scope to request: a space-separated string or an array. Default is none (the server's default). */
  scope?: string | readonly string[];
  /** Resource indicator(s) (RFC 8707): absolute URIs. Default is none. */
  resource?: string | readonly string[];
  /** `audience` parameter (Auth0 and others). Default is none. */
  audience?: string | readonly string[];
  /** Other form parameters to send. Reserved names (`grant_type`, `scope`, …) are refused. */
  extraParams?: ExtraParams;
  /** Where tokens are cached. Default is a new {@link memoryStore} per source. */
  store?: TokenStore;
  /** When tokens are refreshed; see {@link RefreshOptions}. */
  refresh?: RefreshOptions;
  /** Retries of `5xx`, timeouts and network failures; `false` for none. See {@link RetryOptions}. */
  retry?: RetryOptions | false;
  /** Timeout (in milliseconds) of each request to the authorization server, body included. Default is 5000. */
  timeout?: number;
  /**
   * Lifetime (in milliseconds) of a token whose response has no `expires_in` and that is not a JWT with
   * `exp`. Default is 300000 (5 minutes).
   */
  defaultLifetime?: number;
  /** Largest accepted response body (in bytes). Default is 262144 (256 KiB). */
  maxResponseBytes?: number;
  /**
   * Cooldown (in milliseconds) after a `429` that has no `Retry-After`: no request is sent before it
   * ends. At most 300000 (5 minutes, the longest `Retry-After` honoured). Default is 5000.
   */
  defaultCooldown?: number;
  /**
   * Allow `http:` endpoints on non-loopback hosts (a boolean). Default is false: never do this in
   * production.
   */
  allowInsecureRequests?: boolean;
  /** Transport. Default is the global `fetch`. */
  fetch?: FetchLike;
  /** Called with every event (redacted); same as subscribing through {@link ClientCredentials.events}. */
  onEvent?: (event: TokenEvent) => void;
  /**
   * Report each refresh to OpenTelemetry (a `m2m_auth.token.refresh` span, the
   * `m2m_auth.token.refresh.duration` histogram, the `m2m_auth.token.retries` counter) when
   * `@opentelemetry/api` is installed; without it, or without a registered SDK, this costs nothing.
   * Default is true; false turns it off.
   */
  telemetry?: boolean;
}

/**
 * Obtains access tokens with the OAuth 2.0 client-credentials grant, caches them, refreshes them ahead
 * of expiry, and survives the token endpoint's bad days (retries, cooldowns, stale-if-error).
 *
 * @example
 * ```ts
 * const source = new ClientCredentials({
 *   tokenEndpoint: 'https://id.example/auth/realms/acme/protocol/openid-connect/token',
 *   clientId: 'MPS-test',
 *   clientSecret: process.env.CLIENT_SECRET!,
 *   scope: 'project-45c0',
 * });
 * const { value, type } = await source.getToken();
 * await fetch('https://acme.api.example/v1/projects', { headers: { authorization: `${type} ${value}` } });
 * ```
 */
export class ClientCredentials implements TokenSource {
  /** Events: `token`, `refresh`, `refresh_error`, `retry`, `cooldown`. Redacted. */
  readonly events = new TokenEvents();
  readonly #endpoint: TokenEndpoint;
  readonly #params: RequestParams;
  readonly #cache: TokenCache;

  constructor(options: ClientCredentialsOptions) {
    this.#endpoint = new TokenEndpoint(options);
    this.#params = new RequestParams(options);
    const defaultLifetime = positive(options.defaultLifetime, 'defaultLifetime', DEFAULT_LIFETIME);
    if (options.store !== undefined) checkStore(options.store);
    if (options.onEvent !== undefined) {
      if (typeof options.onEvent !== 'function') throw new ConfigurationError('onEvent must be a function');
      this.events.onAny(options.onEvent);
    }
    const endpoint = this.#endpoint;
    const params = this.#params;
    this.#cache = new TokenCache({
      key: () =>
        hashKey('m2m-auth:cc:', [
          endpoint.kind,
          endpoint.url,
          endpoint.clientId,
          endpoint.auth.method,
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
          return oidc.clientCredentialsGrant(config, params.toSearchParams());
        });
        return toFreshToken(response, obtainedAt, params.scope, defaultLifetime, url);
      },
    });
  }

  /** A valid token: from the cache, or from the token endpoint (one request for any number of callers). */
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

  /** The cache key of this source's tokens: a SHA-256 digest of everything that shapes them, never the secret. */
  cacheKey(): Promise<string> {
    return this.#cache.key();
  }
}

export function checkStore(store: TokenStore): void {
  if (
    typeof store !== 'object' ||
    store === null ||
    typeof store.get !== 'function' ||
    typeof store.set !== 'function' ||
    typeof store.delete !== 'function' ||
    (store.lock !== undefined && typeof store.lock !== 'function')
  ) {
    throw new ConfigurationError('store must implement get, set and delete (and optionally lock)');
  }
}

/** The telemetry of a source, unless the `telemetry` option turns it off. */
export function telemetryOption(
  option: unknown,
  endpoint: { label: string; clientId: string },
): TokenTelemetry | undefined {
  if (option !== undefined && typeof option !== 'boolean')
    throw new ConfigurationError('telemetry must be a boolean');
  return option === false
    ? undefined
    : tokenTelemetry({ endpoint: endpoint.label, clientId: endpoint.clientId });
}
