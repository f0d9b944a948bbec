import { AuthError } from '../errors.js';
import type { FetchLike } from '../lib/fetch-json.js';
import { singleFlight } from '../lib/memo.js';
import { parseSecureUrl } from '../lib/secure-url.js';
import { discoverIssuer } from '../discovery/discover-issuer.js';
import { RemoteKeySet, type RemoteKeySetOptions } from './remote-key-set.js';

export interface IssuerKeysOptions extends RemoteKeySetOptions {
  fetch: FetchLike;
  allowInsecureRequests: boolean;
  /** Explicit JWKS URL; skips discovery. */
  jwksUri: URL | undefined;
}

/**
 * The signing keys of one issuer: discovery (once, retried after a cooldown when it fails), then its
 * JWKS through a {@link RemoteKeySet}.
 */
export class IssuerKeys {
  readonly issuer: string;
  readonly #options: IssuerKeysOptions;
  #keySet: RemoteKeySet | undefined;
  /** One discovery at a time, shared by every caller while it runs. */
  readonly #discovering = singleFlight(() => this.#discover());
  #failedAt = Number.NEGATIVE_INFINITY;

  constructor(issuer: string, options: IssuerKeysOptions) {
    this.issuer = issuer;
    this.#options = options;
    if (options.jwksUri) this.#keySet = new RemoteKeySet(options.jwksUri, options);
  }

  /** The key set, discovering the issuer first if needed. */
  keySet(): Promise<RemoteKeySet> | RemoteKeySet {
    if (this.#keySet) return this.#keySet;
    if (this.#options.now() - this.#failedAt < this.#options.cooldown) {
      return Promise.reject(unavailable());
    }
    return this.#discovering();
  }

  async #discover(): Promise<RemoteKeySet> {
    try {
      const configuration = await discoverIssuer(new URL(this.issuer), {
        timeout: this.#options.timeout,
        allowInsecureRequests: this.#options.allowInsecureRequests,
        fetch: this.#options.fetch,
      });
      const jwksUri = configuration.serverMetadata().jwks_uri;
      const url = parseSecureUrl(jwksUri, 'jwks_uri', this.#options.allowInsecureRequests);
      this.#keySet = new RemoteKeySet(url, this.#options);
      return this.#keySet;
    } catch (cause) {
      this.#failedAt = this.#options.now();
      throw unavailable(cause);
    }
  }
}

function unavailable(cause?: unknown): AuthError {
  return new AuthError('temporarily_unavailable', 'the token issuer is unavailable', {
    reason: 'discovery_failed',
    cause,
  });
}
