import { describe, expect, it } from 'vitest';
import { M2mAuthError } from '../../src/errors/m2m-auth-error.js';
import {
  CredentialsUnavailableError,
  InvalidTokenResponseError,
  OutboundError,
  TokenDiscoveryError,
  TokenEndpointCooldownError,
  TokenRequestError,
  TokenRequestNetworkError,
  TokenRequestTimeoutError,
  TokenSourceClosedError,
} from '../../src/errors/outbound-errors.js';

const ENDPOINT = 'https://id.example/token';

describe('the outbound errors', () => {
  it('are OutboundErrors named for their class, carrying the endpoint', () => {
    for (const error of [
      new TokenRequestError('refused', ENDPOINT, { status: 400 }),
      new TokenEndpointCooldownError(ENDPOINT, new Date(0), 429),
      new TokenRequestTimeoutError(ENDPOINT, 100),
      new TokenRequestNetworkError(ENDPOINT),
      new InvalidTokenResponseError('too_large', 'too large', ENDPOINT, 200),
      new TokenDiscoveryError('no metadata', ENDPOINT),
      new CredentialsUnavailableError('no secret', ENDPOINT),
      new TokenSourceClosedError(ENDPOINT),
    ]) {
      expect(error).toBeInstanceOf(OutboundError);
      expect(error).toBeInstanceOf(M2mAuthError);
      expect(error.name).toBe(error.constructor.name);
      expect(error.endpoint).toBe(ENDPOINT);
    }
  });

  it('TokenRequestError carries the OAuth error, its description and the status', () => {
    const error = new TokenRequestError('refused', ENDPOINT, {
      status: 401,
      error: 'invalid_client',
      errorDescription: 'bad secret',
    });
    expect(error).toMatchObject({
      code: 'token_request_failed',
      status: 401,
      error: 'invalid_client',
      errorDescription: 'bad secret',
      message: 'refused',
    });
  });

  it('TokenEndpointCooldownError says until when, and which status closed the gate', () => {
    const error = new TokenEndpointCooldownError(ENDPOINT, new Date('2030-01-01T00:00:00Z'), 503);
    expect(error.message).toBe('token endpoint asked to retry after 2030-01-01T00:00:00.000Z (HTTP 503)');
    expect(error.retryAfter.toISOString()).toBe('2030-01-01T00:00:00.000Z');
    expect(error.status).toBe(503);
  });

  it('TokenRequestTimeoutError names the timeout; TokenRequestNetworkError keeps its cause hidden', () => {
    expect(new TokenRequestTimeoutError(ENDPOINT, 2500).message).toBe(
      'token endpoint did not answer within 2500 ms',
    );
    const cause = new Error('ECONNREFUSED');
    const network = new TokenRequestNetworkError(ENDPOINT, { cause });
    expect(network.message).toBe('token endpoint could not be reached');
    expect(network.cause).toBe(cause);
    expect(Object.keys(network)).not.toContain('cause');
  });

  it('InvalidTokenResponseError carries its reason and the status; TokenSourceClosedError says closed', () => {
    expect(new InvalidTokenResponseError('not_json', 'not JSON', ENDPOINT, 200)).toMatchObject({
      code: 'invalid_token_response',
      reason: 'not_json',
      status: 200,
    });
    expect(new TokenSourceClosedError(ENDPOINT).message).toBe('token source is closed');
  });
});
