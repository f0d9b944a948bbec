import * as oidc from 'openid-client';
import { discoverIssuer } from '../discovery/discover-issuer.js';
import { ConfigurationError, OutboundError, TokenDiscoveryError, TokenRequestError } from '../errors.js';
import type { FetchLike } from '../lib/fetch-json.js';
import { guardedFetch } from '../lib/guarded-fetch.js';
import { MAX_RETRY_AFTER } from '../lib/retry-after.js';
import { parseSecureUrl, redactUrl, refuseUserinfo } from '../lib/secure-url.js';
import { ClientAuthentication, type ClientAuthOptions } from './client-auth.js';
import { mapGrantError } from './grant-errors.js';

/** Options shared by the token sources that talk to a token endpoint. */
export interface TokenEndpointOptions extends ClientAuthOptions {
  issuer?: string | URL | undefined;
  tokenEndpoint?: string | URL | undefined;
  clientId: string;
  assertionAudience?: string | undefined;
  allowInsecureRequests?: boolean | undefined;
  timeout?: number | undefined;
  maxResponseBytes?: number | undefined;
  defaultCooldown?: number | undefined;
  fetch?: FetchLike | undefined;
}

export const DEFAULT_TIMEOUT = 5000;
export const DEFAULT_MAX_RESPONSE_BYTES = 262_144;
/** Default cooldown (in milliseconds) after a `429` that has no `Retry-After`. */
export const DEFAULT_COOLDOWN = 5000;

export function positive(value: unknown, option: string, fallback: number, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new ConfigurationError(`${option} must be a ${allowZero ? 'non-negative' : 'positive'} number`);
  }
  return value;
}

/**
 * A token endpoint, found by discovery or configured directly, and the client that talks to it. Every
 * request goes through `openid-client` with a guarded `customFetch` (timeout, no redirects, size limit).
 */
export class TokenEndpoint {
  readonly clientId: string;
  readonly auth: ClientAuthentication;
  /** The configured issuer or token endpoint without query (redacted), for errors, events and telemetry. */
  readonly label: string;
  /** The configured issuer or token endpoint in full, for the cache key (which is hashed). */
  readonly url: string;
  readonly kind: 'issuer' | 'token_endpoint';
  readonly timeout: number;
  readonly #issuer: URL | undefined;
  readonly #tokenEndpoint: URL | undefined;
  readonly #insecure: boolean;
  readonly #maxBytes: number;
  readonly #fetch: FetchLike;
  readonly #assertionAudience: string | undefined;
  readonly #cooldown: number;
  #metadata: Promise<oidc.ServerMetadata> | undefined;

  constructor(options: TokenEndpointOptions) {
    if (typeof options !== 'object' || options === null) throw new ConfigurationError('options are required');
    if (options.allowInsecureRequests !== undefined && typeof options.allowInsecureRequests !== 'boolean') {
      throw new ConfigurationError('allowInsecureRequests must be a boolean');
    }
    this.#insecure = options.allowInsecureRequests === true;
    if ((options.issuer === undefined) === (options.tokenEndpoint === undefined)) {
      throw new ConfigurationError('pass exactly one of issuer and tokenEndpoint');
    }
    if (options.issuer !== undefined) {
      this.#issuer = refuseUserinfo(parseSecureUrl(options.issuer, 'issuer', this.#insecure), 'issuer');
      this.url = this.#issuer.href;
      this.kind = 'issuer';
    } else {
      this.#tokenEndpoint = refuseUserinfo(
        parseSecureUrl(options.tokenEndpoint, 'tokenEndpoint', this.#insecure),
        'tokenEndpoint',
      );
      this.url = this.#tokenEndpoint.href;
      this.kind = 'token_endpoint';
    }
    this.label = redactUrl(this.url);
    if (typeof options.clientId !== 'string' || options.clientId.length === 0) {
      throw new ConfigurationError('clientId must be a non-empty string');
    }
    this.clientId = options.clientId;
    this.auth = new ClientAuthentication(options);
    this.timeout = positive(options.timeout, 'timeout', DEFAULT_TIMEOUT);
    this.#maxBytes = positive(options.maxResponseBytes, 'maxResponseBytes', DEFAULT_MAX_RESPONSE_BYTES);
    this.#cooldown = positive(options.defaultCooldown, 'defaultCooldown', DEFAULT_COOLDOWN);
    if (this.#cooldown > MAX_RETRY_AFTER) {
      throw new ConfigurationError(`defaultCooldown must be at most ${MAX_RETRY_AFTER} (5 minutes)`);
    }
    if (options.fetch !== undefined && typeof options.fetch !== 'function') {
      throw new ConfigurationError('fetch must be a function');
    }
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    if (options.assertionAudience !== undefined && typeof options.assertionAudience !== 'string') {
      throw new ConfigurationError('assertionAudience must be a string');
    }
    this.#assertionAudience = options.assertionAudience;
  }

  #guarded(closed: AbortSignal, label: string): FetchLike {
    return guardedFetch({
      fetch: this.#fetch,
      timeout: this.timeout,
      maxBytes: this.#maxBytes,
      closed,
      label,
      defaultCooldown: this.#cooldown,
    });
  }

  /** Server metadata: discovered once (again after a failure), or built from `tokenEndpoint`. */
  async metadata(closed: AbortSignal): Promise<oidc.ServerMetadata> {
    if (this.#tokenEndpoint) {
      return { issuer: this.#tokenEndpoint.origin, token_endpoint: this.#tokenEndpoint.href };
    }
    const issuer = this.#issuer as URL;
    const pending = (this.#metadata ??= (async () => {
      let config: oidc.Configuration;
      try {
        config = await discoverIssuer(issuer, {
          timeout: this.timeout,
          allowInsecureRequests: this.#insecure || issuer.protocol === 'http:',
          fetch: this.#guarded(closed, this.label),
        });
      } catch (err) {
        const own = await mapGrantError(err, this.label);
        if (own.code === 'token_source_closed') throw own;
        throw new TokenDiscoveryError(`discovery of ${this.label} failed: ${own.message}`, this.label);
      }
      const metadata = config.serverMetadata();
      try {
        refuseUserinfo(
          parseSecureUrl(metadata.token_endpoint, 'token_endpoint', this.#insecure),
          'token_endpoint',
        );
      } catch {
        throw new TokenDiscoveryError(
          `${this.label} names no usable token_endpoint (https:, or http: on loopback or with allowInsecureRequests; no credentials in the URL)`,
          this.label,
        );
      }
      return metadata;
    })());
    pending.catch(() => {
      if (this.#metadata === pending) this.#metadata = undefined;
    });
    return pending;
  }

  /**
   * Runs one grant: `grant` receives a fresh `openid-client` configuration and the token endpoint's
   * redacted URL (to name in errors). After an `invalid_client` answer, a secret function is called once
   * more and the grant repeated once.
   */
  async request(
    closed: AbortSignal,
    grant: (config: oidc.Configuration, label: string) => Promise<oidc.TokenEndpointResponse>,
  ): Promise<oidc.TokenEndpointResponse> {
    const metadata = await this.metadata(closed);
    const endpoint = metadata.token_endpoint ?? this.url;
    const label = redactUrl(endpoint);
    const audience = this.#assertionAudience ?? (this.kind === 'issuer' ? metadata.issuer : endpoint);
    for (let rotated = false; ; rotated = true) {
      const config = new oidc.Configuration(
        metadata,
        this.clientId,
        undefined,
        await this.auth.build(audience, endpoint),
      );
      config[oidc.customFetch] = this.#guarded(closed, label) as oidc.CustomFetch;
      config.timeout = Math.ceil(this.timeout / 1000) + 1;
      if (new URL(endpoint).protocol === 'http:') oidc.allowInsecureRequests(config);
      try {
        return await grant(config, label);
      } catch (err) {
        const mapped = err instanceof OutboundError ? err : await mapGrantError(err, label);
        if (
          !rotated &&
          this.auth.canRotate &&
          mapped instanceof TokenRequestError &&
          mapped.error === 'invalid_client'
        ) {
          this.auth.rotate();
          continue;
        }
        throw mapped;
      }
    }
  }
}
