import { describe, expect, it } from 'vitest';
import {
  checkAdapterOptions,
  errorAnswer,
  errorForApp,
  resolveAdapterOptions,
} from '../../src/authorize/adapter-options.js';
import { AuthError, ConfigurationError } from '../../src/errors.js';
import type { Verifier } from '../../src/verify/verifier.js';

const verifier: Verifier = {
  issuers: ['https://id.example'],
  audiences: ['tables-api', 'other'],
  verify: () => Promise.reject(new Error('not used')),
};
const scope = new AuthError('insufficient_scope', 'missing scope write', {
  reason: 'scope_missing',
  required: ['write'],
});

describe('checkAdapterOptions', () => {
  it.each<[string, object, string]>([
    ['optional', { optional: 1 }, 'requireAuth: optional must be a boolean'],
    ['allowQueryToken', { allowQueryToken: 'true' }, 'requireAuth: allowQueryToken must be a boolean'],
    ['allowBodyToken', { allowBodyToken: null }, 'requireAuth: allowBodyToken must be a boolean'],
    ['passErrors', { passErrors: 'yes' }, 'requireAuth: passErrors must be a boolean'],
    ['realm', { realm: 42 }, 'requireAuth: realm must be a string'],
    ['an empty realm', { realm: '' }, 'requireAuth: realm must be a string'],
    ['a blank realm', { realm: '  ' }, 'requireAuth: realm must be a string'],
    ['errorBody', { errorBody: {} }, 'requireAuth: errorBody must be a function'],
  ])('refuses a wrong %s, naming it', (_name, options, message) => {
    const check = () => checkAdapterOptions(options, 'requireAuth');
    expect(check).toThrow(ConfigurationError);
    expect(check).toThrow(message);
  });

  it('accepts what is valid, and nothing at all', () => {
    expect(() => checkAdapterOptions({}, 'x')).not.toThrow();
    expect(() =>
      checkAdapterOptions({ realm: 'r', optional: false, passErrors: true, errorBody: () => ({}) }, 'x'),
    ).not.toThrow();
  });
});

describe('resolveAdapterOptions', () => {
  it('defaults realm to the first audience and every flag to false', () => {
    expect(resolveAdapterOptions({}, verifier, 'x')).toEqual({
      realm: 'tables-api',
      passErrors: false,
      errorBody: undefined,
      authentication: { optional: false, allowQueryToken: false, allowBodyToken: false },
    });
  });

  it('keeps what is set', () => {
    const errorBody = () => ({ message: 'no' });
    const resolved = resolveAdapterOptions(
      { realm: 'tables', passErrors: true, errorBody, optional: true, allowBodyToken: true },
      verifier,
      'x',
    );
    expect(resolved).toEqual({
      realm: 'tables',
      passErrors: true,
      errorBody,
      authentication: { optional: true, allowQueryToken: false, allowBodyToken: true },
    });
    expect(Object.isFrozen(resolved)).toBe(true);
  });

  it('checks the options', () => {
    expect(() => resolveAdapterOptions({ realm: 5 as never }, verifier, 'M2mAuthGuard')).toThrow(
      'M2mAuthGuard: realm must be a string',
    );
  });
});

describe('errorAnswer', () => {
  it('answers with the status, the headers for the realm and the default body', () => {
    expect(errorAnswer(scope, resolveAdapterOptions({}, verifier, 'x'), {})).toEqual({
      status: 403,
      headers: {
        'WWW-Authenticate':
          'Bearer realm="tables-api", error="insufficient_scope", error_description="missing scope write", scope="write"',
        'Cache-Control': 'no-store',
      },
      body: { error: 'insufficient_scope', error_description: 'missing scope write' },
    });
  });

  it('sends errorBody(error, request) as the body, and no challenge on a 503', () => {
    const down = new AuthError('temporarily_unavailable', 'down', { reason: 'jwks_unavailable' });
    const resolved = resolveAdapterOptions(
      {
        errorBody: (error: AuthError, request: { url: string }) => ({ code: error.code, path: request.url }),
      },
      verifier,
      'x',
    );
    expect(errorAnswer(down, resolved, { url: '/t' })).toEqual({
      status: 503,
      headers: { 'Cache-Control': 'no-store' },
      body: { code: 'temporarily_unavailable', path: '/t' },
    });
  });
});

describe('errorForApp', () => {
  it('hands on a copy naming the realm; the error itself is left as it is', () => {
    const handed = errorForApp(scope, resolveAdapterOptions({ realm: 'tables' }, verifier, 'x'));
    expect(handed).not.toBe(scope);
    expect(handed.realm).toBe('tables');
    expect(handed.headers['WWW-Authenticate']).toMatch(/^Bearer realm="tables", error="insufficient_scope"/);
    expect(scope.realm).toBeUndefined();
  });

  it('hands on an error that names its own realm as it is', () => {
    const own = new AuthError('invalid_token', 'x', { reason: 'token_expired', realm: 'mine' });
    expect(errorForApp(own, resolveAdapterOptions({ realm: 'tables' }, verifier, 'x'))).toBe(own);
  });
});
