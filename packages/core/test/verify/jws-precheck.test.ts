import { describe, expect, it } from 'vitest';
import { AuthError } from '../../src/errors.js';
import { DEFAULT_ALGORITHMS } from '../../src/verify/algorithms.js';
import { precheckJws, type PrecheckOptions } from '../../src/verify/jws-precheck.js';
import { b64, sign, testKeys } from '../support/fake-issuer.js';

const keys = await testKeys();
const options: PrecheckOptions = { algorithms: DEFAULT_ALGORITHMS, maxTokenLength: 8192 };
const claims = { iss: 'https://id.example', aud: 'api', exp: 2e9 };
const signature = 'c2lnbmF0dXJl';

/** A compact JWS from a header and a payload (not really signed: the pre-checks do not verify). */
const jws = (header: unknown, payload: unknown = claims, sig = signature) =>
  `${b64(header)}.${b64(payload)}.${sig}`;

function reasonOf(token: unknown, opts: PrecheckOptions = options): string | undefined {
  try {
    precheckJws(token as string, opts);
  } catch (err) {
    expect(err).toBeInstanceOf(AuthError);
    expect(err).toMatchObject({ code: 'invalid_token', status: 401 });
    return (err as AuthError).reason;
  }
  return undefined;
}

describe('precheckJws', () => {
  it('returns the decoded header and the unverified claims of a signed token', async () => {
    const token = await sign(keys.ec1, { ...claims, scope: 'read' });
    const decoded = precheckJws(token, options);
    expect(decoded.header).toEqual({ alg: 'ES256', kid: 'ec-1', typ: 'at+jwt' });
    expect(decoded.claims).toEqual({ ...claims, scope: 'read' });
  });

  it('passes a forged token: it decodes, it does not verify', () => {
    expect(precheckJws(jws({ alg: 'RS256' }), options).claims).toEqual(claims);
  });

  it.each([
    ['the empty string', ''],
    ['not a string', undefined],
    ['a number', 42],
    ['two segments', 'abc.def'],
    ['four segments', 'a.b.c.d'],
    ['six segments', 'a.b.c.d.e.f'],
    ['an empty header segment', `.${b64(claims)}.${signature}`],
    ['an empty payload segment', `${b64({ alg: 'ES256' })}..${signature}`],
    ['a non-base64url header', `ab$c.${b64(claims)}.${signature}`],
    ['base64 padding', `${b64({ alg: 'ES256' })}=.${b64(claims)}.${signature}`],
    ['a non-base64url signature', jws({ alg: 'ES256' }, claims, 'c2ln+')],
    ['a header that is not JSON', `${b64('nope')}.${b64(claims)}.${signature}`],
    ['a payload that is not JSON', `${b64({ alg: 'ES256' })}.${b64('nope')}.${signature}`],
    ['a payload that is a JSON array', jws({ alg: 'ES256' }, [1])],
    ['an empty signature', jws({ alg: 'ES256' }, claims, '')],
  ])('%s → token_malformed', (_name, token) => {
    expect(reasonOf(token)).toBe('token_malformed');
  });

  it('says an empty signature is not signed', () => {
    expect(() => precheckJws(jws({ alg: 'ES256' }, claims, ''), options)).toThrow('token is not signed');
  });

  it('a JWE (five segments) → token_encrypted, whatever its segments hold', () => {
    expect(reasonOf(`${b64({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.a.b.c.d`)).toBe('token_encrypted');
    expect(reasonOf('$.$.$.$.$')).toBe('token_encrypted');
  });

  it('a token longer than maxTokenLength → token_too_large, checked before anything else', () => {
    const token = jws({ alg: 'ES256' });
    expect(reasonOf(token, { ...options, maxTokenLength: token.length })).toBeUndefined();
    expect(reasonOf(token, { ...options, maxTokenLength: token.length - 1 })).toBe('token_too_large');
    expect(reasonOf('$.$.$.$.$', { ...options, maxTokenLength: 4 })).toBe('token_too_large');
  });

  it.each([
    ['none', { alg: 'none' }],
    ['None', { alg: 'None' }],
    ['HS256', { alg: 'HS256' }],
    ['no alg', { typ: 'JWT' }],
    ['a non-string alg', { alg: 256 }],
    ['an inherited name', { alg: 'toString' }],
  ])('alg %s → algorithm_not_allowed', (_name, header) => {
    expect(reasonOf(jws(header))).toBe('algorithm_not_allowed');
  });

  it('checks the algorithm before the signature: an unsigned `none` token is algorithm_not_allowed', () => {
    expect(reasonOf(jws({ alg: 'none' }, claims, ''))).toBe('algorithm_not_allowed');
  });

  it('allows only the configured algorithms', () => {
    const es256Only: PrecheckOptions = { ...options, algorithms: ['ES256'] };
    expect(reasonOf(jws({ alg: 'ES256' }), es256Only)).toBeUndefined();
    expect(reasonOf(jws({ alg: 'RS256' }), es256Only)).toBe('algorithm_not_allowed');
  });
});
