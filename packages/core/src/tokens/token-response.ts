import { decodeJwt } from 'jose';
import type { TokenEndpointResponse } from 'openid-client';
import { InvalidTokenResponseError } from '../errors.js';
import type { FreshToken } from './token-cache.js';

/** The `exp` and `iat` of a JWT access token (in seconds), when it is a JWT with a numeric `exp`. */
function jwtTimes(value: string): { exp: number; iat: number | undefined } | undefined {
  if (value.split('.').length !== 3) return undefined;
  try {
    const { exp, iat } = decodeJwt(value);
    if (typeof exp !== 'number' || !Number.isFinite(exp)) return undefined;
    return { exp, iat: typeof iat === 'number' && Number.isFinite(iat) ? iat : undefined };
  } catch {
    return undefined;
  }
}

/** `expires_in` in seconds, as a number or a numeric string; `undefined` when absent. */
function expiresIn(response: TokenEndpointResponse): number | undefined {
  const raw: unknown = response.expires_in;
  if (typeof raw === 'number') return raw;
  if (typeof raw === 'string' && /^\s*-?\d+(?:\.\d+)?\s*$/.test(raw)) return Number(raw);
  return undefined;
}

/**
 * Turns a token response (already checked by `openid-client`: `access_token` a string, `expires_in` a
 * number or numeric string, `token_type` Bearer or DPoP) into a token. The lifetime is `expires_in`,
 * counted from when the request was sent (`obtainedAt`). Without `expires_in`, a JWT's lifetime: `exp -
 * iat` counted from `obtainedAt` when the JWT has `iat` (so a skewed server clock does not matter), else
 * `exp` against the local clock. Neither: `defaultLifetime` (in milliseconds). A lifetime of zero or less
 * is an {@link InvalidTokenResponseError} (`already_expired`): such a token could never be cached, and
 * every call would ask again. Unknown fields are ignored.
 */
export function toFreshToken(
  response: TokenEndpointResponse,
  obtainedAt: number,
  requestedScope: string | undefined,
  defaultLifetime: number,
  label: string,
): FreshToken {
  const value = response.access_token;
  if (typeof value !== 'string' || value.length === 0) {
    throw new InvalidTokenResponseError(
      'missing_access_token',
      `${label} answered 200 with no access_token`,
      label,
      200,
    );
  }
  const type = response.token_type.toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer';
  let expiresAt: number;
  let source: string;
  const seconds = expiresIn(response);
  const jwt = seconds === undefined ? jwtTimes(value) : undefined;
  if (seconds !== undefined) {
    expiresAt = obtainedAt + seconds * 1000;
    source = `expires_in ${seconds}`;
  } else if (jwt?.iat !== undefined) {
    expiresAt = obtainedAt + (jwt.exp - jwt.iat) * 1000;
    source = `a JWT lifetime (exp - iat) of ${jwt.exp - jwt.iat} s`;
  } else if (jwt) {
    expiresAt = jwt.exp * 1000;
    source = `a JWT exp ${Math.round((expiresAt - obtainedAt) / 1000)} s from now (no expires_in, no iat)`;
  } else {
    expiresAt = obtainedAt + defaultLifetime;
    source = 'defaultLifetime';
  }
  if (!(expiresAt > obtainedAt)) {
    throw new InvalidTokenResponseError(
      'already_expired',
      `${label} answered with a token that is already expired (${source})`,
      label,
      200,
    );
  }
  const scope = typeof response.scope === 'string' ? response.scope : requestedScope;
  return { value, type, expiresAt, scope, obtainedAt };
}
