import { errors } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../../src/errors.js';
import { mapJoseError } from '../../src/verify/map-jose-error.js';

const payload = { sub: 'secret-subject', exp: 1 };
const claimFailure = (claim: string, reason: string) =>
  new errors.JWTClaimValidationFailed('x', payload, claim, reason);

describe('mapJoseError', () => {
  it.each([
    [new errors.JWTExpired('x', payload, 'exp', 'check_failed'), 'token_expired'],
    [new errors.JWTExpired('x', payload, 'iat', 'check_failed'), 'token_too_old'],
    [claimFailure('iss', 'check_failed'), 'issuer_mismatch'],
    [claimFailure('aud', 'check_failed'), 'audience_mismatch'],
    [claimFailure('aud', 'missing'), 'audience_mismatch'],
    [claimFailure('nbf', 'check_failed'), 'token_not_yet_valid'],
    [claimFailure('nbf', 'missing'), 'claim_missing'],
    [claimFailure('nbf', 'invalid'), 'claim_invalid'],
    [claimFailure('iat', 'check_failed'), 'iat_in_future'],
    [claimFailure('iat', 'invalid'), 'claim_invalid'],
    [claimFailure('typ', 'check_failed'), 'typ_invalid'],
    [claimFailure('jti', 'missing'), 'claim_missing'],
    [claimFailure('exp', 'invalid'), 'claim_invalid'],
    [new errors.JWSSignatureVerificationFailed(), 'signature_invalid'],
    [new errors.JOSEAlgNotAllowed('x'), 'algorithm_not_allowed'],
    [
      new errors.JOSENotSupported('Extension Header Parameter "x" is not recognized'),
      'unsupported_critical_header',
    ],
    [new errors.JWTInvalid('x'), 'token_malformed'],
    [new TypeError('boom'), 'token_malformed'],
  ])('%s → %s (401 invalid_token)', (error, reason) => {
    const mapped = mapJoseError(error);
    expect(mapped).toBeInstanceOf(AuthError);
    expect(mapped).toMatchObject({ code: 'invalid_token', status: 401, reason });
  });

  it('passes an AuthError through unchanged', () => {
    const error = new AuthError('temporarily_unavailable', 'x', { reason: 'jwks_unavailable' });
    expect(mapJoseError(error)).toBe(error);
  });

  it('keeps neither the jose error (which holds the payload) nor claim values', () => {
    const mapped = mapJoseError(new errors.JWTExpired('x', payload, 'exp', 'check_failed'));
    expect(mapped.cause).toBeUndefined();
    expect(JSON.stringify(mapped) + mapped.message).not.toContain('secret-subject');
  });

  it('names a claim in the description only when the name is safe', () => {
    expect(mapJoseError(claimFailure('tenant_id', 'missing')).description).toBe(
      'token lacks the tenant_id claim',
    );
    expect(mapJoseError(claimFailure('a"b<script>', 'missing')).description).toBe(
      'token lacks the a required claim',
    );
  });
});
