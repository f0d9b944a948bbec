import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/errors.js';
import { keycloak } from '../../src/principal/claim-mappers.js';
import { DEFAULT_ALGORITHMS } from '../../src/verify/algorithms.js';
import { createVerifier } from '../../src/verify/create-verifier.js';
import { resolveVerifierOptions } from '../../src/verify/verifier-options.js';
import { FakeNetwork } from '../support/fake-issuer.js';
import { AUDIENCE, ISSUER } from '../support/verifier-fixture.js';

function thrownBy(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  return undefined;
}

describe('resolveVerifierOptions: validation', () => {
  const base = { issuer: ISSUER, audience: AUDIENCE };

  it.each([
    ['issuer', { audience: AUDIENCE }],
    ['issuer', { ...base, issuer: [] }],
    ['issuer', { ...base, issuer: [''] }],
    ['issuer', { ...base, issuer: 'not a url' }],
    ['issuer', { ...base, issuer: 'http://id.example' }],
    ['issuer', { ...base, issuer: 'ftp://id.example' }],
    ['audience', { issuer: ISSUER }],
    ['audience', { ...base, audience: '' }],
    ['algorithms', { ...base, algorithms: ['HS256'] }],
    ['algorithms', { ...base, algorithms: ['none'] }],
    ['algorithms', { ...base, algorithms: [] }],
    ['jwksUri', { ...base, issuer: [ISSUER, 'https://b.example'], jwksUri: 'https://id.example/certs' }],
    ['jwksUri', { ...base, jwksUri: 'http://id.example/certs' }],
    ['clockTolerance', { ...base, clockTolerance: -1 }],
    ['maxTokenAge', { ...base, maxTokenAge: -1 }],
    ['maxTokenAge', { ...base, maxTokenAge: 0 }],
    ['cacheSize', { ...base, cacheSize: -1 }],
    ['maxTokenLength', { ...base, maxTokenLength: -1 }],
    ['timeout', { ...base, timeout: -1 }],
    ['timeout', { ...base, timeout: 0 }],
    ['timeout', { ...base, timeout: Number.NaN }],
    ['jwksCooldown', { ...base, jwksCooldown: -1 }],
    ['jwksMaxAge', { ...base, jwksMaxAge: -1 }],
    ['claims', { ...base, claims: 'keycloak' }],
    ['requiredClaims', { ...base, requiredClaims: 'sub' }],
    ['requiredClaims', { ...base, requiredClaims: [''] }],
    ['requiredClaims', { ...base, requiredClaims: ['sub', 42] }],
    ['requiredClaims', { ...base, requiredClaims: { sub: true } }],
    ['onRejection', { ...base, onRejection: 'console.log' }],
    ['onRejection', { ...base, onRejection: null }],
    ['fetch', { ...base, fetch: {} }],
    ['fetch', { ...base, fetch: null }],
    ['now', { ...base, now: 1_700_000_000_000 }],
    ['now', { ...base, now: new Date() }],
    ['algorithms', { ...base, algorithms: 'RS256' }],
    ['strictAccessTokenType', { ...base, strictAccessTokenType: 'yes' }],
    ['allowInsecureRequests', { ...base, allowInsecureRequests: 1 }],
  ])(
    'rejects a bad %s with a ConfigurationError naming it (%j), as createVerifier does',
    (option, options) => {
      for (const error of [
        thrownBy(() => resolveVerifierOptions(options as never)),
        thrownBy(() => createVerifier(options as never)),
      ]) {
        expect(error).toBeInstanceOf(ConfigurationError);
        expect((error as ConfigurationError).code).toBe('invalid_configuration');
        expect((error as Error).message).toContain(option);
      }
    },
  );

  it.each([
    [{ ...base, cacheSize: -1 }, 'cacheSize must be a non-negative number'],
    [{ ...base, timeout: 0 }, 'timeout must be a positive number'],
    [{ ...base, audience: [] }, 'audience must be a non-empty string or array of strings'],
    [{ ...base, algorithms: 'RS256' }, 'algorithms must be an array of JWS algorithm names'],
    [{ ...base, algorithms: [] }, 'algorithms must not be empty'],
    [{ ...base, algorithms: ['ES256', 'HS256'] }, 'algorithms: HS256 is not an asymmetric JWS algorithm'],
    [
      { ...base, issuer: [ISSUER, 'https://b.example'], jwksUri: 'https://id.example/certs' },
      'jwksUri can only be used with a single issuer',
    ],
    [{ ...base, claims: {} }, 'claims must be a claim mapper function'],
    [{ ...base, requiredClaims: [''] }, 'requiredClaims must be an array of claim names (non-empty strings)'],
    [{ ...base, now: 1 }, 'now must be a function'],
    [{ ...base, strictAccessTokenType: 1 }, 'strictAccessTokenType must be a boolean'],
  ])('says exactly what is wrong (%j)', (options, message) => {
    expect(() => resolveVerifierOptions(options as never)).toThrow(new ConfigurationError(message));
  });

  it('checks allowInsecureRequests before the issuer it applies to, and the issuer before the audience', () => {
    expect(() => resolveVerifierOptions({ issuer: 'http://id.internal', audience: '' })).toThrow(/^issuer/);
    expect(() =>
      resolveVerifierOptions({
        issuer: 'http://id.internal',
        audience: '',
        allowInsecureRequests: 1,
      } as never),
    ).toThrow(/^allowInsecureRequests/);
  });

  it('rejects missing options', () => {
    expect(() => resolveVerifierOptions(undefined as never)).toThrow(
      new ConfigurationError('options are required'),
    );
    expect(() => createVerifier(undefined as never)).toThrow(ConfigurationError);
  });

  it.each(['http://127.0.0.1:8080/realms/a', 'http://localhost:3000', 'http://[::1]:4000'])(
    'allows a loopback http issuer (%s)',
    (issuer) => {
      expect(resolveVerifierOptions({ issuer, audience: AUDIENCE }).issuers).toEqual([issuer]);
      expect(createVerifier({ issuer, audience: AUDIENCE }).issuers).toEqual([issuer]);
    },
  );

  it('allows an http issuer on another host with allowInsecureRequests', () => {
    const verifier = createVerifier({
      issuer: 'http://id.internal',
      audience: AUDIENCE,
      jwksUri: 'http://id.internal/certs',
      allowInsecureRequests: true,
    });
    expect(verifier.issuers).toEqual(['http://id.internal']);
  });

  it('allows cacheSize 0, jwksCooldown 0 and clockTolerance 0, and makes no request when created', () => {
    const network = new FakeNetwork();
    const verifier = createVerifier({
      issuer: ISSUER,
      audience: [AUDIENCE, 'https://b.example'],
      cacheSize: 0,
      jwksCooldown: 0,
      clockTolerance: 0,
      fetch: network.fetch,
    });
    expect(verifier.audiences).toEqual([AUDIENCE, 'https://b.example']);
    expect(network.count()).toBe(0);
  });
});

describe('resolveVerifierOptions: resolved values', () => {
  it('fills every default', () => {
    const resolved = resolveVerifierOptions({ issuer: ISSUER, audience: AUDIENCE });
    expect(resolved).toMatchObject({
      issuers: [ISSUER],
      audiences: [AUDIENCE],
      jwksUri: undefined,
      algorithms: DEFAULT_ALGORITHMS,
      clockTolerance: 5,
      maxTokenAge: undefined,
      requiredClaims: ['exp'],
      strictAccessTokenType: false,
      claims: undefined,
      cacheSize: 10_000,
      maxTokenLength: 8192,
      timeout: 5000,
      jwksCooldown: 30_000,
      jwksMaxAge: 600_000,
      allowInsecureRequests: false,
      onRejection: undefined,
      now: Date.now,
    });
    expect(resolved.fetch).toBeTypeOf('function');
  });

  it('keeps what was given: lists copied and frozen, exp first among the required claims', () => {
    const issuers = ['https://id.example/realms/a', 'https://id.example/realms/b'];
    const claims = keycloak({ clientId: 'api' });
    const onRejection = () => undefined;
    const now = () => 0;
    const resolved = resolveVerifierOptions({
      issuer: issuers,
      audience: 'api',
      algorithms: ['ES256'],
      clockTolerance: 0,
      maxTokenAge: 60,
      requiredClaims: ['sub', 'jti'],
      strictAccessTokenType: true,
      claims,
      cacheSize: 10.9,
      onRejection,
      now,
    });
    issuers.push('https://evil.example');
    expect(resolved.issuers).toEqual(['https://id.example/realms/a', 'https://id.example/realms/b']);
    expect(Object.isFrozen(resolved.issuers)).toBe(true);
    expect(Object.isFrozen(resolved.audiences)).toBe(true);
    expect(Object.isFrozen(resolved.algorithms)).toBe(true);
    expect(resolved.audiences).toEqual(['api']);
    expect(resolved.algorithms).toEqual(['ES256']);
    expect(resolved.requiredClaims).toEqual(['exp', 'sub', 'jti']);
    expect(resolved).toMatchObject({ clockTolerance: 0, maxTokenAge: 60, strictAccessTokenType: true });
    expect(resolved.cacheSize).toBe(10);
    expect(resolved.claims).toBe(claims);
    expect(resolved.onRejection).toBe(onRejection);
    expect(resolved.now).toBe(now);
  });

  it('parses jwksUri, and uses the given fetch without calling it', () => {
    const network = new FakeNetwork();
    const resolved = resolveVerifierOptions({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksUri: 'https://id.example/certs',
      fetch: network.fetch,
    });
    expect(resolved.jwksUri).toEqual(new URL('https://id.example/certs'));
    expect(resolved.fetch).toBe(network.fetch);
    expect(network.count()).toBe(0);
  });
});
