import { decodeJwt, decodeProtectedHeader, type ProtectedHeaderParameters } from 'jose';
import { AuthError } from '../errors.js';
import type { TokenClaims } from '../principal/principal.js';
import { isAsymmetricAlgorithm, type AsymmetricAlgorithm } from './algorithms.js';

/** The protected header of a token that passed {@link precheckJws}: its `alg` is allowed. */
export type JwsHeader = ProtectedHeaderParameters & { alg: AsymmetricAlgorithm };

/** A token's header and its claims, decoded but not verified. */
export interface DecodedJws {
  readonly header: JwsHeader;
  /** The payload as the token states it: nothing here is verified yet. */
  readonly claims: TokenClaims;
}

/** What {@link precheckJws} checks a token against. */
export interface PrecheckOptions {
  /** The accepted JWS algorithms. */
  readonly algorithms: readonly AsymmetricAlgorithm[];
  /** Longest accepted token, in characters. */
  readonly maxTokenLength: number;
}

const SEGMENT = /^[A-Za-z0-9_-]+$/;
const SIGNATURE = /^[A-Za-z0-9_-]*$/;

function malformed(): AuthError {
  return new AuthError('invalid_token', 'token is malformed', { reason: 'token_malformed' });
}

/**
 * The checks a token must pass before any key is looked for, in this order: a non-empty string no
 * longer than `maxTokenLength`, not a JWE (five segments), three base64url segments whose header and
 * payload decode as JSON, an allowed algorithm, a signature present. Pure: no request, no clock.
 *
 * @returns the decoded header and the unverified claims.
 * @throws AuthError `invalid_token` (401) with reason `token_malformed`, `token_too_large`,
 *   `token_encrypted` or `algorithm_not_allowed`.
 */
export function precheckJws(token: string, options: PrecheckOptions): DecodedJws {
  if (typeof token !== 'string' || token === '') throw malformed();
  if (token.length > options.maxTokenLength) {
    throw new AuthError('invalid_token', 'token is too large', { reason: 'token_too_large' });
  }
  const segments = token.split('.');
  if (segments.length === 5) {
    throw new AuthError('invalid_token', 'encrypted tokens are not accepted', { reason: 'token_encrypted' });
  }
  const [encodedHeader, encodedPayload, signature] = segments;
  if (
    segments.length !== 3 ||
    !SEGMENT.test(encodedHeader!) ||
    !SEGMENT.test(encodedPayload!) ||
    !SIGNATURE.test(signature!)
  ) {
    throw malformed();
  }
  let header: ProtectedHeaderParameters;
  let claims: TokenClaims;
  try {
    header = decodeProtectedHeader(token);
    claims = decodeJwt<TokenClaims>(token);
  } catch {
    throw malformed();
  }
  const alg = header.alg;
  if (!isAsymmetricAlgorithm(alg) || !options.algorithms.includes(alg)) {
    throw new AuthError('invalid_token', 'token algorithm is not allowed', {
      reason: 'algorithm_not_allowed',
    });
  }
  if (signature === '')
    throw new AuthError('invalid_token', 'token is not signed', { reason: 'token_malformed' });
  return { header: header as JwsHeader, claims }; // alg checked above
}
