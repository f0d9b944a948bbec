import { decodeJwt } from 'jose';
import type { TokenEndpointResponse } from 'openid-client';
import { InvalidTokenResponseError } from '../errors.js';
import type { FreshToken } from './token-cache.js';

function jwtExpiry(value: string): number | undefined {
  if (value.split('.').length !== 3) return undefined;
  try {
    const { exp } = decodeJwt(value);
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Turns a token response (already checked by `openid-client`: `access_token` a string, `expires_in` a
 * number or numeric string, `token_type` Bearer or DPoP) into a token. The expiry is the earliest of
 * `expires_in` (counted from when the request was sent) and a JWT's `exp`; `defaultLifetime` (in
 * milliseconds) when there is neither. Unknown fields are ignored.
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
  const candidates: number[] = [];
  if (typeof response.expires_in === 'number') candidates.push(obtainedAt + response.expires_in * 1000);
  const exp = jwtExpiry(value);
  if (exp !== undefined) candidates.push(exp);
  const expiresAt = candidates.length ? Math.min(...candidates) : obtainedAt + defaultLifetime;
  const scope = typeof response.scope === 'string' ? response.scope : requestedScope;
  return { value, type, expiresAt, scope, obtainedAt };
}
