import { errors as jose } from 'jose';
import { AuthError, type AuthErrorReason } from '../errors.js';

function invalid(reason: AuthErrorReason, description: string, cause?: unknown): AuthError {
  return new AuthError('invalid_token', description, { reason, cause });
}

/**
 * Maps a failure of `jose` (or of our own checks) to an {@link AuthError}. Claim values and the token
 * are never copied into the message; jose's errors (which hold the payload) are not kept as `cause`.
 */
export function mapJoseError(err: unknown): AuthError {
  if (err instanceof AuthError) return err;
  if (err instanceof jose.JWTExpired) {
    return err.claim === 'iat'
      ? invalid('token_too_old', 'token is older than the accepted maximum age')
      : invalid('token_expired', 'token expired');
  }
  if (err instanceof jose.JWTClaimValidationFailed) {
    switch (err.claim) {
      case 'iss':
        return invalid('issuer_mismatch', 'token issuer is not accepted');
      case 'aud':
        return invalid('audience_mismatch', 'token audience is not accepted');
      case 'nbf':
        if (err.reason !== 'check_failed') break;
        return invalid('token_not_yet_valid', 'token is not yet valid');
      case 'iat':
        // Only with maxTokenAge: jose checks that iat is not in the future (as we do otherwise).
        if (err.reason !== 'check_failed') break;
        return invalid('iat_in_future', 'token is issued in the future');
      case 'typ':
        return invalid('typ_invalid', 'token type is not an access token');
    }
    return err.reason === 'missing'
      ? invalid('claim_missing', `token lacks the ${safeName(err.claim)} claim`)
      : invalid('claim_invalid', `token ${safeName(err.claim)} claim is invalid`);
  }
  if (err instanceof jose.JWSSignatureVerificationFailed)
    return invalid('signature_invalid', 'token signature is invalid');
  if (err instanceof jose.JOSEAlgNotAllowed)
    return invalid('algorithm_not_allowed', 'token algorithm is not allowed');
  if (err instanceof jose.JOSENotSupported && /Extension Header Parameter/.test(err.message)) {
    return invalid('unsupported_critical_header', 'token has an unsupported critical header');
  }
  return invalid('token_malformed', 'token is malformed');
}

function safeName(claim: string): string {
  return /^[A-Za-z0-9_.:-]{1,64}$/.test(claim) ? claim : 'a required';
}
