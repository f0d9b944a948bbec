import * as oidc from 'openid-client';
import {
  InvalidTokenResponseError,
  OutboundError,
  TokenRequestError,
  type InvalidTokenResponseReason,
} from '../errors.js';

function findOutbound(err: unknown): OutboundError | undefined {
  for (let e: unknown = err, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (e instanceof OutboundError) return e;
  }
  return undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.length ? value : undefined;
}

async function oauthBody(response: Response | undefined): Promise<Record<string, unknown> | undefined> {
  if (!response) return undefined;
  try {
    const json: unknown = await response.clone().json();
    return typeof json === 'object' && json !== null ? (json as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function oauthError(label: string, status: number, error?: string, description?: string): TokenRequestError {
  const message = error
    ? `${label} answered HTTP ${status} ${error}${description ? `: ${description}` : ''}`
    : `${label} answered HTTP ${status}`;
  return new TokenRequestError(message, label, { status, error, errorDescription: description });
}

/**
 * Turns whatever `openid-client` threw for a token request into one of m2m-auth's coded errors. The
 * original error is never kept as `cause`: `openid-client` attaches response bodies (which hold tokens)
 * to its errors.
 */
export async function mapGrantError(err: unknown, label: string): Promise<OutboundError> {
  const own = findOutbound(err);
  if (own) return own;
  if (err instanceof oidc.ResponseBodyError) {
    return oauthError(label, err.status, text(err.error), text(err.error_description));
  }
  if (err instanceof oidc.WWWAuthenticateChallengeError) {
    const body = await oauthBody(err.response);
    const challenge = err.cause[0]?.parameters;
    return oauthError(
      label,
      err.status,
      text(body?.error) ?? text(challenge?.error),
      text(body?.error_description) ?? text(challenge?.error_description),
    );
  }
  if (err instanceof oidc.ClientError) {
    const cause: unknown = err.cause;
    if (cause instanceof Response && cause.status !== 200) return oauthError(label, cause.status);
    const invalid = (reason: InvalidTokenResponseReason, what: string) =>
      new InvalidTokenResponseError(reason, `${label} answered 200 with ${what}`, label, 200);
    switch (err.code) {
      case 'OAUTH_RESPONSE_IS_NOT_JSON':
      case 'OAUTH_PARSE_ERROR':
        return invalid('not_json', 'a body that is not JSON');
      case 'OAUTH_INVALID_RESPONSE': {
        const detail = cause instanceof Error ? cause.message : '';
        if (detail.includes('"access_token"')) return invalid('missing_access_token', 'no access_token');
        if (detail.includes('top level object'))
          return invalid('not_json', 'a body that is not a JSON object');
        const field = /"response" body "([a-z_]+)"/.exec(detail)?.[1];
        return invalid('invalid_field', field ? `an invalid "${field}"` : 'an invalid token response');
      }
      case 'OAUTH_UNSUPPORTED_OPERATION':
        return invalid('unsupported_token_type', 'an unsupported token_type');
    }
  }
  const detail = err instanceof Error ? err.message : 'unknown failure';
  return new TokenRequestError(`token request to ${label} failed: ${detail}`, label, { status: 0 });
}
