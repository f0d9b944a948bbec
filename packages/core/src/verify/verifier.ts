import type { FetchLike } from '../lib/fetch-json.js';
import type { ClaimMapper } from '../principal/claim-mappers.js';
import type { Principal } from '../principal/principal.js';
import type { AsymmetricAlgorithm } from './algorithms.js';
import type { RejectionEvent } from './rejection-event.js';

/** Options of `createVerifier` (and of `resolveVerifierOptions`). */
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

/** Verifies access tokens; create one per API with `createVerifier` and share it. */
export interface Verifier {
  /**
   * Verifies a JWT access token.
   *
   * @throws AuthError `invalid_token` (401) for a bad, expired or unverifiable token;
   *   `temporarily_unavailable` (503) when the issuer's keys cannot be had.
   */
  verify(token: string): Promise<Principal>;
  /** The accepted issuers. */
  readonly issuers: readonly string[];
  /** The accepted audiences. */
  readonly audiences: readonly string[];
}
