import { ConfigurationError, createVerifier } from '@m2m-auth/core';
import { describe, expect, it } from 'vitest';
import { buildVerifier, refuseFormerOptions, validateAuthOptions } from '../src/auth.options.js';

const ISSUER = 'https://id.example/auth/realms/acme';

describe('validateAuthOptions', () => {
  it.each<[unknown, string]>([
    [null, 'where: options must be an object'],
    [undefined, 'where: options must be an object'],
    [{ verifier: { verify: 'no' } }, 'where: verifier must be a Verifier'],
    [{ issuer: ISSUER, audience: 'api', realm: 5 }, 'where: realm must be a string'],
    [{ issuer: ISSUER, audience: 'api', errorBody: 'x' }, 'where: errorBody must be a function'],
    [{ issuer: ISSUER, audience: 'api', allowQueryToken: 'yes' }, 'where: allowQueryToken must be a boolean'],
  ])('refuses %j, naming the option', (options, message) => {
    const validate = () => validateAuthOptions(options, 'where');
    expect(validate).toThrow(ConfigurationError);
    expect(validate).toThrow(message);
  });

  it('accepts the module options', () => {
    expect(() =>
      validateAuthOptions({ issuer: ISSUER, audience: 'api', realm: 'r', optional: true }, 'where'),
    ).not.toThrow();
  });
});

describe('buildVerifier', () => {
  it('takes a verifier passed in as it is', () => {
    const verifier = createVerifier({ issuer: ISSUER, audience: 'api' });
    expect(buildVerifier({ verifier, realm: 'r' }, 'where')).toBe(verifier);
  });

  it("builds one from the verifier's options, without the module's own", () => {
    const verifier = buildVerifier(
      { issuer: ISSUER, audience: ['api', 'b'], realm: 'r', optional: true, protectAllRoutes: true },
      'where',
    );
    expect(verifier.issuers).toEqual([ISSUER]);
    expect(verifier.audiences).toEqual(['api', 'b']);
  });

  it("prefixes the verifier's option errors with where", () => {
    expect(() => buildVerifier({ issuer: ISSUER, audience: '' }, 'M2mAuthModule')).toThrow(
      /^M2mAuthModule: audience/,
    );
  });
});

describe('refuseFormerOptions', () => {
  it('refuses global, naming protectAllRoutes', () => {
    expect(() => refuseFormerOptions({ global: true }, 'M2mAuthModule.forRoot')).toThrow(
      new ConfigurationError(
        'M2mAuthModule.forRoot: the option global is now protectAllRoutes (register M2mAuthGuard for every route)',
      ),
    );
  });

  it('lets everything else through', () => {
    expect(() => refuseFormerOptions({ protectAllRoutes: true }, 'x')).not.toThrow();
    expect(() => refuseFormerOptions(undefined, 'x')).not.toThrow();
  });
});
