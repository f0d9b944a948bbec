import { describe, expect, it } from 'vitest';
import { AuthError } from '../../src/errors/auth-error.js';
import type { AuthErrorCode } from '../../src/errors/codes.js';
import { M2mAuthError } from '../../src/errors/m2m-auth-error.js';

describe('AuthError', () => {
  it.each<[AuthErrorCode, number]>([
    ['invalid_request', 400],
    ['invalid_token', 401],
    ['insufficient_scope', 403],
    ['temporarily_unavailable', 503],
  ])('%s maps to HTTP %i', (code, status) => {
    const error = new AuthError(code, 'x', { reason: 'token_malformed' });
    expect(error.status).toBe(status);
    expect(error.statusCode).toBe(status);
    expect(error.code).toBe(code);
  });

  it('is an M2mAuthError and an Error named AuthError', () => {
    const error = new AuthError('invalid_token', 'token expired', { reason: 'token_expired' });
    expect(error).toBeInstanceOf(M2mAuthError);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('AuthError');
    expect(error.message).toBe('token expired');
    expect(error.reason).toBe('token_expired');
  });

  it('gives a bare challenge for a missing token', () => {
    const error = new AuthError('invalid_token', 'no bearer token', { reason: 'token_missing' });
    expect(error.wwwAuthenticate('x')).toBe('Bearer realm="x"');
    expect(error.wwwAuthenticate()).toBe('Bearer');
    expect(error.headers).toEqual({ 'WWW-Authenticate': 'Bearer', 'Cache-Control': 'no-store' });
  });

  it('names its realm in headers once an adapter sets it, or from the options', () => {
    const error = new AuthError('invalid_token', 'no bearer token', { reason: 'token_missing' });
    error.realm = 'tables';
    expect(error.headers['WWW-Authenticate']).toBe('Bearer realm="tables"');
    const bad = new AuthError('invalid_token', 'token expired', { reason: 'token_expired', realm: 'api' });
    expect(bad.realm).toBe('api');
    expect(bad.headers['WWW-Authenticate']).toBe(
      'Bearer realm="api", error="invalid_token", error_description="token expired"',
    );
  });

  it('builds the headers for any realm without touching the error (what the adapters send)', () => {
    const error = new AuthError('insufficient_scope', 'missing scope write', {
      reason: 'scope_missing',
      required: ['write'],
    });
    expect(error.responseHeaders('tables')).toEqual({
      'WWW-Authenticate':
        'Bearer realm="tables", error="insufficient_scope", error_description="missing scope write", scope="write"',
      'Cache-Control': 'no-store',
    });
    expect(error.realm).toBeUndefined();
    const down = new AuthError('temporarily_unavailable', 'down', { reason: 'jwks_unavailable' });
    expect(down.responseHeaders('tables')).toEqual({ 'Cache-Control': 'no-store' });
  });

  it('sends no challenge on a 503, as the built-in responders do', () => {
    const error = new AuthError('temporarily_unavailable', 'the token issuer is unavailable', {
      reason: 'discovery_failed',
      realm: 'api',
    });
    expect(error.headers).toEqual({ 'Cache-Control': 'no-store' });
  });

  it('gives a request without a token no error code in the body either (RFC 6750 §3.1)', () => {
    const error = new AuthError('invalid_token', 'no bearer token', { reason: 'token_missing' });
    expect(error.code).toBe('invalid_token');
    expect(error.status).toBe(401);
    expect(error.toJSON()).toEqual({ error: 'unauthorized', error_description: 'no bearer token' });
  });

  it('gives error and error_description for an invalid token', () => {
    const error = new AuthError('invalid_token', 'token expired', { reason: 'token_expired' });
    expect(error.wwwAuthenticate('api')).toBe(
      'Bearer realm="api", error="invalid_token", error_description="token expired"',
    );
    expect(error.headers).toEqual({
      'WWW-Authenticate': 'Bearer error="invalid_token", error_description="token expired"',
      'Cache-Control': 'no-store',
    });
  });

  it('gives error and error_description for a malformed request', () => {
    const error = new AuthError('invalid_request', 'malformed Authorization header', {
      reason: 'header_malformed',
    });
    expect(error.wwwAuthenticate('api')).toBe(
      'Bearer realm="api", error="invalid_request", error_description="malformed Authorization header"',
    );
  });

  it('adds scope="a b" for insufficient_scope', () => {
    const error = new AuthError('insufficient_scope', 'requires all of scopes: a b', {
      reason: 'scope_missing',
      required: ['a', 'b'],
    });
    expect(error.required).toEqual(['a', 'b']);
    expect(error.wwwAuthenticate('api')).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="requires all of scopes: a b", scope="a b"',
    );
  });

  it('gives a challenge without an RFC 6750 error code when the issuer is unavailable', () => {
    // RFC 6750 §3.1 defines no code for this; the 503 status and JSON body carry it.
    const error = new AuthError('temporarily_unavailable', 'the token issuer keys are unavailable', {
      reason: 'jwks_unavailable',
    });
    expect(error.wwwAuthenticate('api')).toBe('Bearer realm="api"');
    expect(error.toJSON()).toEqual({
      error: 'temporarily_unavailable',
      error_description: 'the token issuer keys are unavailable',
    });
  });

  it('sanitises quotes, backslashes, newlines and non-ASCII out of the description and the realm', () => {
    const error = new AuthError('invalid_token', 'bad "kid"\\ here\r\nInjected: 1\u00e9', {
      reason: 'unknown_kid',
    });
    expect(error.description).toBe('bad kid hereInjected: 1');
    const header = error.wwwAuthenticate('a"b\\c\nd');
    expect(header).toBe(
      'Bearer realm="abcd", error="invalid_token", error_description="bad kid hereInjected: 1"',
    );
    expect(header).not.toMatch(/[\r\n\\]/);
  });

  it('sanitises required scopes in the scope parameter', () => {
    const error = new AuthError('insufficient_scope', 'x', {
      reason: 'scope_missing',
      required: ['a"', 'b\n'],
    });
    expect(error.wwwAuthenticate()).toContain('scope="a b"');
  });

  it('serialises to { error, error_description } only', () => {
    const error = new AuthError('invalid_token', 'token expired', {
      reason: 'token_expired',
      cause: new Error('secret detail eyJhbGciOi'),
    });
    expect(error.toJSON()).toEqual({ error: 'invalid_token', error_description: 'token expired' });
    expect(JSON.stringify(error)).toBe('{"error":"invalid_token","error_description":"token expired"}');
  });

  it('keeps cause non-enumerable', () => {
    const cause = new Error('secret detail eyJhbGciOi');
    const error = new AuthError('temporarily_unavailable', 'x', { reason: 'jwks_unavailable', cause });
    expect(error.cause).toBe(cause);
    expect(Object.keys(error)).not.toContain('cause');
    expect(Object.getOwnPropertyDescriptor(error, 'cause')?.enumerable).toBe(false);
    expect(JSON.stringify({ ...error })).not.toContain('secret detail');
    expect(JSON.stringify(error)).not.toContain('secret detail');
  });

  it('has no cause property at all without a cause', () => {
    const error = new AuthError('invalid_token', 'x', { reason: 'token_malformed' });
    expect('cause' in error).toBe(false);
  });

  it('withRealm: a copy naming the realm, of the same class, message, stack and cause; the error unchanged', () => {
    const cause = new Error('low-level');
    const error = new AuthError('insufficient_scope', 'missing scope "write"', {
      reason: 'scope_missing',
      required: ['write'],
      cause,
    });
    const copy = error.withRealm('tables');
    expect(copy).not.toBe(error);
    expect(copy).toBeInstanceOf(AuthError);
    expect(copy.realm).toBe('tables');
    expect(error.realm).toBeUndefined();
    expect(copy.headers['WWW-Authenticate']).toBe(
      'Bearer realm="tables", error="insufficient_scope", error_description="missing scope write", scope="write"',
    );
    expect(error.headers['WWW-Authenticate']).toBe(
      'Bearer error="insufficient_scope", error_description="missing scope write", scope="write"',
    );
    expect(copy).toMatchObject({
      code: 'insufficient_scope',
      reason: 'scope_missing',
      status: 403,
      description: 'missing scope write',
      required: ['write'],
      name: 'AuthError',
    });
    expect(copy.message).toBe(error.message);
    expect(copy.stack).toBe(error.stack);
    expect(copy.cause).toBe(cause);
    expect(Object.keys(copy)).not.toContain('cause');
    expect(copy.toJSON()).toEqual(error.toJSON());
  });

  it('withRealm keeps a subclass', () => {
    class TenantError extends AuthError {}
    const copy = new TenantError('invalid_token', 'x', { reason: 'token_expired' }).withRealm('r');
    expect(copy).toBeInstanceOf(TenantError);
    expect(copy.name).toBe('TenantError');
  });

  it('toResponse() is the Web answer: status, challenge, no-store, JSON body', async () => {
    const error = new AuthError('insufficient_scope', 'missing scope project-X', {
      reason: 'scope_missing',
      required: ['project-X'],
    });
    const response = error.toResponse({ realm: 'tables' });
    expect(response).toBeInstanceOf(Response);
    expect(response.status).toBe(403);
    expect(response.headers.get('www-authenticate')).toBe(
      'Bearer realm="tables", error="insufficient_scope", error_description="missing scope project-X", scope="project-X"',
    );
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(await response.json()).toEqual({
      error: 'insufficient_scope',
      error_description: 'missing scope project-X',
    });
  });

  it('toResponse(): a missing token gets a bare challenge and "unauthorized"; a 503 no challenge', async () => {
    const missing = new AuthError('invalid_token', 'no bearer token', {
      reason: 'token_missing',
      realm: 'r',
    });
    const answer = missing.toResponse();
    expect(answer.headers.get('www-authenticate')).toBe('Bearer realm="r"');
    expect(await answer.json()).toEqual({ error: 'unauthorized', error_description: 'no bearer token' });
    const down = new AuthError('temporarily_unavailable', 'issuer unreachable', {
      reason: 'jwks_unavailable',
    });
    const unavailable = down.toResponse({ body: { error: 'down' } });
    expect(unavailable.status).toBe(503);
    expect(unavailable.headers.has('www-authenticate')).toBe(false);
    expect(unavailable.headers.get('cache-control')).toBe('no-store');
    expect(await unavailable.json()).toEqual({ error: 'down' });
  });
});
