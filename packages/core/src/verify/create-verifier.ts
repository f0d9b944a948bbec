import type { JWTVerifyOptions } from 'jose';
import { AuthError } from '../errors.js';
import { createPrincipal, type Principal } from '../principal/principal.js';
import { precheckJws, type DecodedJws } from './jws-precheck.js';
import { KeySelection, type KeyVerification } from './key-selection.js';
import { mapJoseError } from './map-jose-error.js';
import { rejectionHook } from './rejection-event.js';
import { REPORT, type Reporting } from './report.js';
import { VerifiedTokenCache } from './verified-token-cache.js';
import { resolveVerifierOptions } from './verifier-options.js';
import type { Verifier, VerifierOptions } from './verifier.js';

/**
 * Creates a verifier for JWT access tokens from one or more issuers.
 *
 * @throws ConfigurationError for a bad option (see `resolveVerifierOptions`); makes no request.
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
  const resolved = resolveVerifierOptions(options);
  const { maxTokenLength, clockTolerance, now, claims: mapClaims } = resolved;
  const keys = new KeySelection(resolved);
  const cache = new VerifiedTokenCache(resolved.cacheSize, resolved);
  const report = rejectionHook(resolved.onRejection);
  const rules: JWTVerifyOptions = {
    audience: [...resolved.audiences],
    clockTolerance,
    requiredClaims: [...resolved.requiredClaims],
    crit: {},
  };
  if (resolved.maxTokenAge !== undefined) rules.maxTokenAge = resolved.maxTokenAge;
  if (resolved.strictAccessTokenType) rules.typ = 'at+jwt';

  async function verifyUncached(token: string, at: number): Promise<KeyVerification> {
    let jws: DecodedJws;
    try {
      jws = precheckJws(token, resolved);
    } catch (error) {
      return { ok: false, issuer: undefined, error };
    }
    const found = await keys.verify(token, jws, rules, at);
    const iat = found.ok ? found.claims.iat : undefined;
    if (typeof iat === 'number' && iat > at / 1000 + clockTolerance) {
      const error = new AuthError('invalid_token', 'token is issued in the future', {
        reason: 'iat_in_future',
      });
      return { ok: false, issuer: found.issuer, error };
    }
    return found;
  }

  const verifier: Verifier & Reporting = {
    issuers: resolved.issuers,
    audiences: resolved.audiences,
    [REPORT]: report,
    async verify(token: string): Promise<Principal> {
      const at = now();
      if (typeof token === 'string' && token.length <= maxTokenLength) {
        const hit = cache.get(token, at);
        if (hit) return hit;
      }
      const found = await verifyUncached(token, at);
      if (!found.ok) {
        const error = mapJoseError(found.error);
        report(error, undefined, found.issuer);
        throw error;
      }
      // Not a rejection: a failing claim mapper is a bug in the app (a 500), not a bad token.
      const permissions = mapClaims ? mapClaims(found.claims) : [];
      const principal = createPrincipal(found.claims, token, found.issuer, permissions);
      cache.remember(principal);
      return principal;
    },
  };
  return verifier;
}
