import { describe, expect, it } from 'vitest';
import { ConfigurationError, StaticToken } from '@m2m-auth/core';
import { checkClient, checkName } from '../src/http.validation.js';

const where = 'M2mHttpModule.register';
const token = { issuer: 'https://id.example', clientId: 'c', clientSecret: 's' };

describe('checkName', () => {
  it('defaults to "default" and keeps a given name', () => {
    expect(checkName(undefined, where)).toBe('default');
    expect(checkName('tables', where)).toBe('tables');
  });

  it.each([[''], ['  '], [42]])('refuses %j, saying where', (name) => {
    expect(() => checkName(name, where)).toThrow(/^M2mHttpModule.register: name must be a non-empty string$/);
  });
});

describe('checkClient', () => {
  it('accepts ClientCredentials options or a TokenSource, with a baseURL, origins or anyOrigin', () => {
    expect(() => checkClient({ token, baseURL: 'https://api.example/v1' }, where)).not.toThrow();
    expect(() =>
      checkClient({ token: new StaticToken('key'), origins: ['https://a.example'] }, where),
    ).not.toThrow();
    expect(() => checkClient({ token, anyOrigin: true }, where)).not.toThrow();
  });

  it.each([
    [null, /^M2mHttpModule.register: options must be an object$/],
    [{}, /^M2mHttpModule.register: token must be ClientCredentials options or a TokenSource$/],
    [{ token: 'secret' }, /token must be ClientCredentials options or a TokenSource/],
    [
      { token: { issuer: 'https://id.example', clientId: '' } },
      /^M2mHttpModule.register: token: clientId must be/,
    ],
    [
      { token: { ...token, issuer: 'http://id.example' } },
      /^M2mHttpModule.register: token: issuer .*plain http/,
    ],
    [{ token, baseURL: '/v1' }, /^M2mHttpModule.register: baseURL must be an absolute URL$/],
    [{ token, baseURL: 42 }, /baseURL must be an absolute URL/],
    [{ token }, /^M2mHttpModule.register: pass origins \(or anyOrigin: true\), or a baseURL$/],
    [{ token, origins: [] }, /^M2mHttpModule.register: origins must be a non-empty array/],
    [
      { token, origins: ['https://a.example'], anyOrigin: true },
      /^M2mHttpModule.register: pass either origins/,
    ],
    [
      { token, baseURL: 'https://api.example', anyOrigin: 'yes' },
      /^M2mHttpModule.register: .*anyOrigin must be a boolean$/,
    ],
    [
      { token, baseURL: 'http://api.example/v1' },
      /^M2mHttpModule.register: baseURL http:\/\/api.example cannot get the token: origins entry http:\/\/api.example uses plain http:/,
    ],
  ])('refuses %j, saying where', (options, message) => {
    expect(() => checkClient(options, where)).toThrow(ConfigurationError);
    expect(() => checkClient(options, where)).toThrow(message);
  });

  it('never checks a TokenSource passed in as ClientCredentials options', () => {
    const source = { getToken: async () => undefined, invalidate: async () => undefined, clientId: '' };
    expect(() => checkClient({ token: source, anyOrigin: true }, where)).not.toThrow();
  });
});
