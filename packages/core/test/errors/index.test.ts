import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  AuthError,
  ConfigurationError,
  CredentialsUnavailableError,
  InvalidTokenResponseError,
  isM2mAuthError,
  TokenDiscoveryError,
  TokenEndpointCooldownError,
  TokenRequestError,
  TokenRequestNetworkError,
  TokenRequestTimeoutError,
  TokenSourceClosedError,
  type AnyM2mAuthError,
  type AnyOutboundError,
  type M2mAuthError,
  type M2mAuthErrorCode,
  type StoreErrorCode,
} from '../../src/errors/index.js';

const ENDPOINT = 'https://id.example/token';

/** One of each concrete class, as a thrower would hand it over. */
const every: AnyM2mAuthError[] = [
  new ConfigurationError('x'),
  new AuthError('insufficient_scope', 'x', { reason: 'scope_missing', required: ['a'] }),
  new TokenRequestError('x', ENDPOINT, { status: 400, error: 'invalid_client' }),
  new TokenEndpointCooldownError(ENDPOINT, new Date(0), 429),
  new TokenRequestTimeoutError(ENDPOINT, 5000),
  new TokenRequestNetworkError(ENDPOINT),
  new InvalidTokenResponseError('not_json', 'x', ENDPOINT, 200),
  new TokenDiscoveryError('x', ENDPOINT),
  new CredentialsUnavailableError('x', ENDPOINT),
  new TokenSourceClosedError(ENDPOINT),
];

/** What a `switch (err.code)` can read after narrowing; compiles only if each case narrows. */
function detail(err: AnyM2mAuthError): string {
  switch (err.code) {
    case 'invalid_configuration':
      expectTypeOf(err).toEqualTypeOf<ConfigurationError>();
      return err.message;
    case 'invalid_request':
    case 'invalid_token':
    case 'insufficient_scope':
    case 'temporarily_unavailable':
      expectTypeOf(err).toEqualTypeOf<AuthError>();
      return `${err.status} ${err.reason}`;
    case 'token_request_failed':
      expectTypeOf(err).toEqualTypeOf<TokenRequestError>();
      return `${err.status} ${err.error ?? ''}`;
    case 'token_endpoint_cooldown':
      expectTypeOf(err).toEqualTypeOf<TokenEndpointCooldownError>();
      return err.retryAfter.toISOString();
    case 'token_request_timeout':
      expectTypeOf(err).toEqualTypeOf<TokenRequestTimeoutError>();
      return String(err.timeout);
    case 'token_request_network':
      expectTypeOf(err).toEqualTypeOf<TokenRequestNetworkError>();
      return err.endpoint;
    case 'invalid_token_response':
      expectTypeOf(err).toEqualTypeOf<InvalidTokenResponseError>();
      return err.reason;
    case 'discovery_failed':
      expectTypeOf(err).toEqualTypeOf<TokenDiscoveryError>();
      return err.endpoint;
    case 'credentials_unavailable':
      expectTypeOf(err).toEqualTypeOf<CredentialsUnavailableError>();
      return err.endpoint;
    case 'token_source_closed':
      expectTypeOf(err).toEqualTypeOf<TokenSourceClosedError>();
      return err.endpoint;
    default:
      // Closed: no code is left over.
      expectTypeOf(err).toBeNever();
      return err;
  }
}

describe('the closed unions of error codes and classes', () => {
  it('narrow on code: a switch reaches the fields of each class', () => {
    expect(every.map(detail)).toEqual([
      'x',
      '403 scope_missing',
      '400 invalid_client',
      '1970-01-01T00:00:00.000Z',
      '5000',
      ENDPOINT,
      'not_json',
      ENDPOINT,
      ENDPOINT,
      ENDPOINT,
    ]);
  });

  it('M2mAuthError.code is the closed union of codes, not string', () => {
    expectTypeOf<M2mAuthError['code']>().toEqualTypeOf<M2mAuthErrorCode>();
    // Every code but a shared store's, whose class lives in its own package (and never reaches callers).
    expectTypeOf<AnyM2mAuthError['code']>().toEqualTypeOf<Exclude<M2mAuthErrorCode, StoreErrorCode>>();
    expectTypeOf<AnyOutboundError>().toExtend<AnyM2mAuthError>();
  });

  it('gives every class its own code', () => {
    const codes = every.map((err) => err.code).filter((code) => !code.startsWith('insufficient'));
    expect(new Set(codes).size).toBe(codes.length);
  });

  it('isM2mAuthError recognises every class, and nothing else', () => {
    for (const err of every) expect(isM2mAuthError(err)).toBe(true);
    for (const other of [new Error('x'), { code: 'invalid_token' }, 'invalid_token', undefined]) {
      expect(isM2mAuthError(other)).toBe(false);
    }
    const unknown: unknown = every[3];
    if (isM2mAuthError(unknown)) expectTypeOf(unknown).toEqualTypeOf<AnyM2mAuthError>();
  });
});
