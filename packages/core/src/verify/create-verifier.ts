import { decodeJwt, decodeProtectedHeader, jwtVerify, type JWTVerifyOptions } from 'jose';
import { AuthError, ConfigurationError } from '../errors.js';
import type { FetchLike } from '../lib/fetch-json.js';
import { ExpiringLru } from '../lib/lru.js';
import { parseSecureUrl } from '../lib/secure-url.js';
import type { ClaimMapper } from '../principal/claim-mappers.js';
import { createPrincipal, type Principal, type TokenClaims } from '../principal/principal.js';
import { DEFAULT_ALGORITHMS, isAsymmetricAlgorithm, type AsymmetricAlgorithm } from './algorithms.js';
import { IssuerKeys } from './issuer-keys.js';
import { mapJoseError } from './map-jose-error.js';
import type { ResolvedKeys } from './remote-key-set.js';

/** What the rejection hook receives: never the token. */
export interface RejectionEvent {
  code: AuthError['code'];
  reason: AuthError['reason'];
  status: number;
  description: string;
  /** The token's issuer, when it was readable and accepted. */
  issuer?: string;
  /** The token's client, when it was verified (authorization failures). */
  clientId?: string;
}

/** Options of {@link createVerifier}. */
export interface VerifierOptions {
  /**
   * The issuer identifier, compared exactly with the token's `iss`; or several (a realm per
   * organization). Keys are found through discovery (OpenID Connect, then RFC 8414) unless `jwksUri`
   * is given.
   */
  issuer: string | readonly string[];
  /** The audience (or audiences, any of which) the token's `aud` must contain. */
  audience: string | readonly string[];
  /** The JWKS URL, skipping discovery. Only with a single issuer. */
  jwksUri?: string;
  /**
   * Accepted JWS algorithms, asymmetric only. Default is RS256, RS384, RS512, PS256, PS384, PS512,
   * ES256, ES384, ES512, EdDSA and Ed25519.
   */
  algorithms?: readonly AsymmetricAlgorithm[];
  /** Clock skew tolerated (in seconds) on `exp`, `nbf` and `iat`. Default is 5. */
  clockTolerance?: number;
  /** Maximum age (in seconds) of a token, from its `iat`. Default is no limit. */
  maxTokenAge?: number;
  /**
   * Claims that must be present, beyond `iss`, `aud` and `exp` (always required): an array of claim
   * names, e.g. `['sub', 'client_id']`. Default is none.
   */
  requiredClaims?: readonly string[];
  /**
   * Require the RFC 9068 header `typ: at+jwt` (or `application/at+jwt`), refusing ID tokens and other
   * JWTs. Default is `false`, since many issuers (Keycloak among them) do not set it.
   */
  strictAccessTokenType?: boolean;
  /** Fills the principal's `permissions`: `keycloak()`, `auth0()`, `entra()` or your own function. */
  claims?: ClaimMapper;
  /**
   * How many verified tokens to remember (LRU), so that a token presented again costs a lookup. Each
   * entry is dropped at the token's expiry. `0` disables the cache. Default is 10000.
   */
  cacheSize?: number;
  /** Longest accepted token (in characters). Default is 8192. */
  maxTokenLength?: number;
  /** Timeout (in milliseconds) of each discovery and JWKS request. Default is 5000. */
  timeout?: number;
  /**
   * Least time (in milliseconds) between two JWKS refetches caused by unknown `kid`s, and between two
   * discovery or JWKS attempts after a failure while no keys are cached: during that back-off, requests
   * fail at once with a `503` instead of each waiting up to `timeout`. Default is 30000.
   */
  jwksCooldown?: number;
  /** Age (in milliseconds) after which the JWKS is refreshed in the background. Default is 600000. */
  jwksMaxAge?: number;
  /**
   * Allow `http:` issuers and JWKS on hosts other than loopback (`localhost`, `127.0.0.0/8`, `::1`,
   * which are always allowed). Default is `false`.
   */
  allowInsecureRequests?: boolean;
  /** Called with every rejection and its reason, for logs and metrics. Never receives the token. */
  onRejection?: (event: RejectionEvent) => void;
  /** Transport for discovery and JWKS requests. Default is the global `fetch`. */
  fetch?: FetchLike;
  /** Clock (epoch milliseconds), for tests. Default is `Date.now`. */
  now?: () => number;
}

/** Verifies access tokens; create one per API with {@link createVerifier} and share it. */
export interface Verifier {
  /**
   * Verifies a JWT access token.
   *
   * @throws AuthError `invalid_token` (401) for a bad, expired or unverifiable token;
   *   `temporarily_unavailable` (503) when the issuer's keys cannot be had.
   */
  verify(token: string): Promise<Principal>;
  /** Reports a rejection to the `onRejection` hook (used by adapters for request-level errors). */
  reportRejection(error: AuthError, principal?: Principal): void;
  /** The accepted issuers. */
  readonly issuers: readonly string[];
  /** The accepted audiences. */
  readonly audiences: readonly string[];
}

function positive(value: number | undefined, fallback: number, option: string, allowZero = false): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (!allowZero && value === 0)) {
    throw new ConfigurationError(`${option} must be a ${allowZero ? 'non-negative' : 'positive'} number`);
  }
  return value;
}

function nonEmptyStrings(value: unknown, option: string): string[] {
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? (value as unknown[]) : undefined;
  if (!list || list.length === 0 || !list.every((v): v is string => typeof v === 'string' && v !== '')) {
    throw new ConfigurationError(`${option} must be a non-empty string or array of strings`);
  }
  return list;
}

function optionalFunction<T>(value: T | undefined, option: string): T | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new ConfigurationError(`${option} must be a function`);
  }
  return value;
}

function optionalBoolean(value: unknown, option: string): boolean {
  if (value !== undefined && typeof value !== 'boolean') {
    throw new ConfigurationError(`${option} must be a boolean`);
  }
  return value === true;
}

function claimNames(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string' && v !== '')) {
    throw new ConfigurationError('requiredClaims must be an array of claim names (non-empty strings)');
  }
  return value;
}

/**
 * Creates a verifier for JWT access tokens from one or more issuers.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({
 *   issuer: 'https://id.example/auth/realms/acme',
 *   audience: 'tables-api',
 *   claims: keycloak({ clientId: 'tables-api' }),
 * });
 * const principal = await verifier.verify(token);
 * ```
 */
export function createVerifier(options: VerifierOptions): Verifier {
  if (typeof options !== 'object' || options === null) throw new ConfigurationError('options are required');
  const allowInsecureRequests = optionalBoolean(options.allowInsecureRequests, 'allowInsecureRequests');
  const strictAccessTokenType = optionalBoolean(options.strictAccessTokenType, 'strictAccessTokenType');
  const issuers = nonEmptyStrings(options.issuer, 'issuer');
  for (const iss of issuers) parseSecureUrl(iss, 'issuer', allowInsecureRequests);
  const audience = nonEmptyStrings(options.audience, 'audience');
  if (options.algorithms !== undefined && !Array.isArray(options.algorithms)) {
    throw new ConfigurationError('algorithms must be an array of JWS algorithm names');
  }
  const algorithms = [...(options.algorithms ?? DEFAULT_ALGORITHMS)];
  if (algorithms.length === 0) throw new ConfigurationError('algorithms must not be empty');
  for (const alg of algorithms) {
    if (!isAsymmetricAlgorithm(alg)) {
      throw new ConfigurationError(`algorithms: ${String(alg)} is not an asymmetric JWS algorithm`);
    }
  }
  if (options.jwksUri !== undefined && issuers.length !== 1) {
    throw new ConfigurationError('jwksUri can only be used with a single issuer');
  }
  const jwksUri =
    options.jwksUri === undefined
      ? undefined
      : parseSecureUrl(options.jwksUri, 'jwksUri', allowInsecureRequests);
  const clockTolerance = positive(options.clockTolerance, 5, 'clockTolerance', true);
  const maxTokenAge =
    options.maxTokenAge === undefined ? undefined : positive(options.maxTokenAge, 0, 'maxTokenAge');
  const cacheSize = Math.floor(positive(options.cacheSize, 10_000, 'cacheSize', true));
  const maxTokenLength = positive(options.maxTokenLength, 8192, 'maxTokenLength');
  const timeout = positive(options.timeout, 5000, 'timeout');
  const cooldown = positive(options.jwksCooldown, 30_000, 'jwksCooldown', true);
  const maxAge = positive(options.jwksMaxAge, 600_000, 'jwksMaxAge');
  if (options.claims !== undefined && typeof options.claims !== 'function') {
    throw new ConfigurationError('claims must be a claim mapper function');
  }
  const requiredClaims = ['exp', ...claimNames(options.requiredClaims)];
  const now = optionalFunction(options.now, 'now') ?? Date.now;
  const fetchImpl: FetchLike =
    optionalFunction(options.fetch, 'fetch') ?? ((input, init) => fetch(input, init));
  const onRejection = optionalFunction(options.onRejection, 'onRejection');

  const keys = new Map(
    issuers.map((iss) => [
      iss,
      new IssuerKeys(iss, {
        fetch: fetchImpl,
        timeout,
        cooldown,
        maxAge,
        maxBytes: 512 * 1024,
        now,
        allowInsecureRequests,
        jwksUri,
      }),
    ]),
  );
  const cache = new ExpiringLru<string, Principal>(cacheSize);

  function reportRejection(error: AuthError, principal?: Principal, issuer?: string): void {
    if (!onRejection) return;
    const event: RejectionEvent = {
      code: error.code,
      reason: error.reason,
      status: error.status,
      description: error.description,
    };
    const iss = principal?.issuer ?? issuer;
    if (iss !== undefined) event.issuer = iss;
    if (principal?.clientId !== undefined) event.clientId = principal.clientId;
    try {
      onRejection(event);
    } catch {
      // A failing logger must not change the outcome.
    }
  }

  async function verifyUncached(
    token: string,
    at: number,
    seen: { issuer?: string },
  ): Promise<{ claims: TokenClaims; issuer: string }> {
    const segments = token.split('.');
    if (segments.length === 5) {
      throw new AuthError('invalid_token', 'encrypted tokens are not accepted', {
        reason: 'token_encrypted',
      });
    }
    const [encodedHeader, encodedPayload, signature] = segments;
    if (
      segments.length !== 3 ||
      !/^[A-Za-z0-9_-]+$/.test(encodedHeader!) ||
      !/^[A-Za-z0-9_-]+$/.test(encodedPayload!) ||
      !/^[A-Za-z0-9_-]*$/.test(signature!)
    ) {
      throw new AuthError('invalid_token', 'token is malformed', { reason: 'token_malformed' });
    }
    let header: ReturnType<typeof decodeProtectedHeader>;
    let unverified: TokenClaims;
    try {
      header = decodeProtectedHeader(token);
      unverified = decodeJwt<TokenClaims>(token);
    } catch {
      throw new AuthError('invalid_token', 'token is malformed', { reason: 'token_malformed' });
    }
    const alg = header.alg;
    if (!isAsymmetricAlgorithm(alg) || !algorithms.includes(alg)) {
      throw new AuthError('invalid_token', 'token algorithm is not allowed', {
        reason: 'algorithm_not_allowed',
      });
    }
    if (signature === '')
      throw new AuthError('invalid_token', 'token is not signed', { reason: 'token_malformed' });
    const issuer = typeof unverified.iss === 'string' ? keys.get(unverified.iss) : undefined;
    if (!issuer) {
      throw new AuthError('invalid_token', 'token issuer is not accepted', { reason: 'issuer_mismatch' });
    }
    seen.issuer = issuer.issuer;
    const keySet = await issuer.keySet();
    const resolved = await keySet.getKey({ alg, kid: header.kid });

    const verifyOptions: JWTVerifyOptions = {
      issuer: issuer.issuer,
      audience,
      algorithms: [alg],
      clockTolerance,
      requiredClaims,
      currentDate: new Date(at),
      crit: {},
    };
    if (maxTokenAge !== undefined) verifyOptions.maxTokenAge = maxTokenAge;
    if (strictAccessTokenType) verifyOptions.typ = 'at+jwt';
    const claims = await verifyWithKeys(token, resolved, verifyOptions);
    if (typeof claims.iat === 'number' && claims.iat > at / 1000 + clockTolerance) {
      throw new AuthError('invalid_token', 'token is issued in the future', { reason: 'iat_in_future' });
    }
    return { claims, issuer: issuer.issuer };
  }

  function cacheUntil(principal: Principal): number {
    const { exp, iat } = principal.claims;
    let until = (exp as number) * 1000;
    if (maxTokenAge !== undefined && typeof iat === 'number')
      until = Math.min(until, (iat + maxTokenAge) * 1000);
    return until + clockTolerance * 1000;
  }

  return {
    issuers: Object.freeze([...issuers]),
    audiences: Object.freeze([...audience]),
    reportRejection: (error, principal) => reportRejection(error, principal),
    async verify(token: string): Promise<Principal> {
      const at = now();
      if (typeof token === 'string' && token.length <= maxTokenLength) {
        const hit = cache.get(token, at);
        if (hit) return hit;
      }
      const seen: { issuer?: string } = {};
      let verified: { claims: TokenClaims; issuer: string };
      try {
        if (typeof token !== 'string' || token === '') {
          throw new AuthError('invalid_token', 'token is malformed', { reason: 'token_malformed' });
        }
        if (token.length > maxTokenLength) {
          throw new AuthError('invalid_token', 'token is too large', { reason: 'token_too_large' });
        }
        verified = await verifyUncached(token, at, seen);
      } catch (err) {
        const error = mapJoseError(err);
        reportRejection(error, undefined, seen.issuer);
        throw error;
      }
      // Outside the try: a failing claim mapper is a bug in the app (a 500), not a bad token.
      const permissions = options.claims ? options.claims(verified.claims) : [];
      const principal = createPrincipal(verified.claims, token, verified.issuer, permissions);
      cache.set(token, principal, cacheUntil(principal));
      return principal;
    },
  };
}

async function verifyWithKeys(
  token: string,
  keys: ResolvedKeys,
  options: JWTVerifyOptions,
): Promise<TokenClaims> {
  if (!(Symbol.asyncIterator in keys)) {
    return (await jwtVerify(token, keys, options)).payload;
  }
  // No `kid` and several keys fit: try each, as RFC 7515 allows.
  let lastError: unknown = new AuthError('invalid_token', 'token signature is invalid', {
    reason: 'signature_invalid',
  });
  for await (const key of keys) {
    try {
      return (await jwtVerify(token, key, options)).payload;
    } catch (err) {
      lastError = err;
      if (!(err instanceof Error && err.name === 'JWSSignatureVerificationFailed')) break;
    }
  }
  throw lastError;
}
