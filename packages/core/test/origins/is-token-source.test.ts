import { describe, expect, it } from 'vitest';
import { StaticToken } from '../../src/tokens/static-token.js';
import { isTokenSource } from '../../src/origins/is-token-source.js';

describe('isTokenSource', () => {
  it('is true for a source of ours and for one of your own', () => {
    expect(isTokenSource(new StaticToken('key'))).toBe(true);
    expect(isTokenSource({ getToken: () => undefined, invalidate: () => undefined })).toBe(true);
  });

  it.each<[string, unknown]>([
    ['ClientCredentials options', { issuer: 'https://id.example', clientId: 'c', clientSecret: 's' }],
    ['getToken alone', { getToken: () => undefined }],
    ['invalidate alone', { invalidate: () => undefined }],
    ['getToken that is not a function', { getToken: 'token', invalidate: () => undefined }],
    ['null', null],
    ['undefined', undefined],
    ['a function', () => undefined],
    ['a string', 'token'],
  ])('is false for %s', (_name, value) => {
    expect(isTokenSource(value)).toBe(false);
  });
});
