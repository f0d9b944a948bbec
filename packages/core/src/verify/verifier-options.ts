import { ConfigurationError } from '../errors.js';
import type { FetchLike } from '../lib/fetch-json.js';
import { nonEmptyStrings, optionalBoolean, optionalFunction, positiveNumber } from '../lib/options.js';
import { parseSecureUrl } from '../lib/secure-url.js';
import type { ClaimMapper } from '../principal/claim-mappers.js';
import { DEFAULT_ALGORITHMS, isAsymmetricAlgorithm, type AsymmetricAlgorithm } from './algorithms.js';
import type { RejectionEvent } from './rejection-event.js';
import type { VerifierOptions } from './verifier.js';

/** {@link VerifierOptions} validated, with every default filled in. */
export interface ResolvedVerifierOptions {
  /** The accepted issuers (frozen). */
  readonly issuers: readonly string[];
  /** The accepted audiences (frozen). */
  readonly audiences: readonly string[];
  /** The explicit JWKS URL, when discovery is skipped. */
  readonly jwksUri: URL | undefined;
  /** The accepted JWS algorithms (frozen). */
  readonly algorithms: readonly AsymmetricAlgorithm[];
  /** Clock skew tolerated, in seconds. */
  readonly clockTolerance: number;
  /** Maximum token age from `iat`, in seconds; `undefined` for no limit. */
  readonly maxTokenAge: number | undefined;
  /** The claims every token must carry: `exp` first, then `requiredClaims` (frozen). */
  readonly requiredClaims: readonly string[];
  /** Whether the header must say `typ: at+jwt`. */
  readonly strictAccessTokenType: boolean;
  /** The claim mapper filling the principal's `permissions`, if any. */
  readonly claims: ClaimMapper | undefined;
  /** Verified tokens remembered; `0` when the cache is off. */
  readonly cacheSize: number;
  /** Longest accepted token, in characters. */
  readonly maxTokenLength: number;
  /** Timeout of each discovery and JWKS request, in milliseconds. */
  readonly timeout: number;
  /** Least time between JWKS refetches and back-off after failures, in milliseconds. */
  readonly jwksCooldown: number;
  /** Age after which the JWKS is refreshed in the background, in milliseconds. */
  readonly jwksMaxAge: number;
  /** Whether `http:` issuers and JWKS are allowed beyond loopback. */
  readonly allowInsecureRequests: boolean;
  /** The rejection hook, if any. */
  readonly onRejection: ((event: RejectionEvent) => void) | undefined;
  /** Transport for discovery and JWKS requests (the global `fetch` unless one was given). */
  readonly fetch: FetchLike;
  /** Clock, in epoch milliseconds. */
  readonly now: () => number;
}

/**
 * Validates verifier options and fills in their defaults, without building a key set or a cache and
 * without any request: what `createVerifier` does first, for code that only needs to fail early on bad
 * options.
 *
 * @throws ConfigurationError naming the first bad option.
 * @example
 * ```ts
 * const { issuers, audiences } = resolveVerifierOptions({ issuer, audience: 'tables-api' });
 * ```
 */
export function resolveVerifierOptions(options: VerifierOptions): ResolvedVerifierOptions {
  if (typeof options !== 'object' || options === null) throw new ConfigurationError('options are required');
  const allowInsecureRequests = optionalBoolean(options.allowInsecureRequests, 'allowInsecureRequests');
  const strictAccessTokenType = optionalBoolean(options.strictAccessTokenType, 'strictAccessTokenType');
  const issuers = nonEmptyStrings(options.issuer, 'issuer');
  for (const iss of issuers) parseSecureUrl(iss, 'issuer', allowInsecureRequests);
  const audiences = nonEmptyStrings(options.audience, 'audience');
  const algorithms = algorithmList(options.algorithms);
  if (options.jwksUri !== undefined && issuers.length !== 1) {
    throw new ConfigurationError('jwksUri can only be used with a single issuer');
  }
  const jwksUri =
    options.jwksUri === undefined
      ? undefined
      : parseSecureUrl(options.jwksUri, 'jwksUri', allowInsecureRequests);
  const clockTolerance = positiveNumber(options.clockTolerance, 'clockTolerance', 5, true);
  const maxTokenAge =
    options.maxTokenAge === undefined ? undefined : positiveNumber(options.maxTokenAge, 'maxTokenAge', 0);
  const cacheSize = Math.floor(positiveNumber(options.cacheSize, 'cacheSize', 10_000, true));
  const maxTokenLength = positiveNumber(options.maxTokenLength, 'maxTokenLength', 8192);
  const timeout = positiveNumber(options.timeout, 'timeout', 5000);
  const jwksCooldown = positiveNumber(options.jwksCooldown, 'jwksCooldown', 30_000, true);
  const jwksMaxAge = positiveNumber(options.jwksMaxAge, 'jwksMaxAge', 600_000);
  if (options.claims !== undefined && typeof options.claims !== 'function') {
    throw new ConfigurationError('claims must be a claim mapper function');
  }
  const requiredClaims = Object.freeze(['exp', ...claimNames(options.requiredClaims)]);
  const now = optionalFunction(options.now, 'now') ?? Date.now;
  const fetchImpl: FetchLike =
    optionalFunction(options.fetch, 'fetch') ?? ((input, init) => fetch(input, init));
  const onRejection = optionalFunction(options.onRejection, 'onRejection');
  return {
    issuers: Object.freeze([...issuers]),
    audiences: Object.freeze([...audiences]),
    jwksUri,
    algorithms,
    clockTolerance,
    maxTokenAge,
    requiredClaims,
    strictAccessTokenType,
    claims: options.claims,
    cacheSize,
    maxTokenLength,
    timeout,
    jwksCooldown,
    jwksMaxAge,
    allowInsecureRequests,
    onRejection,
    fetch: fetchImpl,
    now,
  };
}

function algorithmList(value: unknown): readonly AsymmetricAlgorithm[] {
  if (value !== undefined && !Array.isArray(value)) {
    throw new ConfigurationError('algorithms must be an array of JWS algorithm names');
  }
  const algorithms: unknown[] = [...((value as unknown[] | undefined) ?? DEFAULT_ALGORITHMS)];
  if (algorithms.length === 0) throw new ConfigurationError('algorithms must not be empty');
  for (const alg of algorithms) {
    if (!isAsymmetricAlgorithm(alg)) {
      throw new ConfigurationError(`algorithms: ${String(alg)} is not an asymmetric JWS algorithm`);
    }
  }
  return Object.freeze(algorithms as AsymmetricAlgorithm[]);
}

function claimNames(value: unknown): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string' && v !== '')) {
    throw new ConfigurationError('requiredClaims must be an array of claim names (non-empty strings)');
  }
  return value;
}
