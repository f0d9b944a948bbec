import {
  createLocalJWKSet,
  errors as jose,
  type JSONWebKeySet,
  type JWK,
  type JWSHeaderParameters,
} from 'jose';
import { AuthError } from '../errors.js';
import { fetchJson, type FetchLike } from '../lib/fetch-json.js';
import { singleFlight } from '../lib/memo.js';
import { keyFitsAlgorithm, type AsymmetricAlgorithm } from './algorithms.js';

export interface RemoteKeySetOptions {
  fetch: FetchLike;
  /** Timeout (in milliseconds) of one JWKS request. */
  timeout: number;
  /**
   * Least time (in milliseconds) between two refetches caused by unknown `kid`s, and the back-off after
   * a failed fetch while nothing is cached.
   */
  cooldown: number;
  /** Age (in milliseconds) after which the keys are refreshed in the background. */
  maxAge: number;
  /** Largest JWKS document (in bytes). */
  maxBytes: number;
  now: () => number;
}

type KeyGetter = ReturnType<typeof createLocalJWKSet>;
/** A key, or several candidates when the token names no `kid` and more than one key fits. */
export type ResolvedKeys = CryptoKey | AsyncIterable<CryptoKey>;

function isPublicVerificationKey(key: unknown): key is JWK {
  if (typeof key !== 'object' || key === null) return false;
  const jwk = key as Record<string, unknown>;
  return (
    (jwk.kty === 'RSA' || jwk.kty === 'EC' || jwk.kty === 'OKP') &&
    jwk.d === undefined &&
    (jwk.use === undefined || jwk.use === 'sig')
  );
}

/**
 * An issuer's JWKS, cached. An unknown `kid` causes at most one refetch per cooldown; stale keys are
 * refreshed in the background and keep working while the issuer is down. With nothing cached and the
 * issuer unreachable, lookups fail with a 503-class {@link AuthError}; after such a failure the JWKS is
 * not asked again before the cooldown has passed, so a flood of requests during an outage fails at once
 * instead of each waiting for its own timeout.
 */
export class RemoteKeySet {
  readonly #url: URL;
  readonly #options: RemoteKeySetOptions;
  #keys: JWK[] = [];
  #local: KeyGetter | undefined;
  #fetchedAt = 0;
  #lastAttempt = Number.NEGATIVE_INFINITY;
  #failedAt = Number.NEGATIVE_INFINITY;
  /** One JWKS request at a time, shared by every caller while it runs. */
  readonly #reload = singleFlight(() => this.#fetch());

  constructor(url: URL, options: RemoteKeySetOptions) {
    this.#url = url;
    this.#options = options;
  }

  /** Resolves the verification key(s) for a token's protected header. */
  async getKey(header: JWSHeaderParameters & { alg: AsymmetricAlgorithm }): Promise<ResolvedKeys> {
    const now = this.#options.now();
    if (!this.#local) {
      if (now - this.#failedAt < this.#options.cooldown) throw unavailable();
      await this.#reloadOrUnavailable();
    } else if (
      now - this.#fetchedAt > this.#options.maxAge &&
      now - this.#lastAttempt > this.#options.cooldown
    ) {
      this.#reload().catch(() => undefined);
    }
    const first = await this.#select(header);
    if (first !== 'no_match') return first;
    if (this.#options.now() - this.#lastAttempt < this.#options.cooldown) throw unknownKid();
    await this.#reloadOrUnavailable();
    const second = await this.#select(header);
    if (second !== 'no_match') return second;
    throw unknownKid();
  }

  async #select(
    header: JWSHeaderParameters & { alg: AsymmetricAlgorithm },
  ): Promise<ResolvedKeys | 'no_match'> {
    if (header.kid !== undefined) {
      const named = this.#keys.filter((k) => k.kid === header.kid);
      if (named.length > 0 && !named.some((k) => keyFitsAlgorithm(k, header.alg))) {
        throw new AuthError('invalid_token', 'token algorithm does not match its key', {
          reason: 'key_mismatch',
        });
      }
    }
    try {
      return await this.#local!({ alg: header.alg, kid: header.kid });
    } catch (err) {
      if (err instanceof jose.JWKSNoMatchingKey) return 'no_match';
      if (err instanceof jose.JWKSMultipleMatchingKeys) return err;
      throw new AuthError('invalid_token', 'token key cannot be used', {
        reason: 'key_mismatch',
        cause: err,
      });
    }
  }

  async #reloadOrUnavailable(): Promise<void> {
    try {
      await this.#reload();
    } catch (cause) {
      throw unavailable(cause);
    }
  }

  async #fetch(): Promise<void> {
    this.#lastAttempt = this.#options.now();
    try {
      await this.#load();
    } catch (err) {
      this.#failedAt = this.#options.now();
      throw err;
    }
  }

  async #load(): Promise<void> {
    const body = await fetchJson(this.#url, {
      fetch: this.#options.fetch,
      timeout: this.#options.timeout,
      maxBytes: this.#options.maxBytes,
    });
    const keys = (body as { keys?: unknown } | null)?.keys;
    if (!Array.isArray(keys)) throw new Error('JWKS document has no "keys" array');
    const usable = keys.filter(isPublicVerificationKey);
    const set: JSONWebKeySet = { keys: usable };
    this.#local = createLocalJWKSet(set);
    this.#keys = usable;
    this.#fetchedAt = this.#options.now();
  }
}

function unavailable(cause?: unknown): AuthError {
  return new AuthError('temporarily_unavailable', 'the token issuer keys are unavailable', {
    reason: 'jwks_unavailable',
    cause,
  });
}

function unknownKid(): AuthError {
  return new AuthError('invalid_token', 'token signing key is not known to the issuer', {
    reason: 'unknown_kid',
  });
}
