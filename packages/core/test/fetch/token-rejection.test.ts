import { describe, expect, it } from 'vitest';
import { StaticToken, rejectsToken, renewRejectedToken, type Token, type TokenSource } from '@m2m-auth/core';
import { countingSource } from '../support/counting-source.js';

describe('rejectsToken', () => {
  it.each([
    [401, null, true],
    [401, 'Bearer realm="api"', true],
    [401, 'Bearer realm="api", error="invalid_token", error_description="expired"', true],
    [403, 'Bearer error="invalid_token"', true],
    [400, 'Bearer error=invalid_token', true],
    [401, 'Bearer realm="api", error="insufficient_scope", scope="write"', false],
    [401, 'Bearer error=INSUFFICIENT_SCOPE', false],
    [403, 'Bearer error="insufficient_scope"', false],
    [403, null, false],
    [500, undefined, false],
    // A parameter that merely ends in "error" is not the error parameter.
    [403, 'Bearer realm="api", xerror="invalid_token"', false],
  ] as const)('status %i with %s -> %s', (status, challenge, expected) => {
    expect(rejectsToken(status, challenge)).toBe(expected);
  });
});

describe('renewRejectedToken', () => {
  const refused: Token = { value: 'tok-1', type: 'Bearer', expiresAt: Infinity, scope: undefined };

  it('invalidates the refused token and hands out the fresh one', async () => {
    const { source, invalidated } = countingSource();
    const fresh = await renewRejectedToken(source, refused, true);
    expect(invalidated).toEqual(['tok-1']);
    expect(fresh?.value).toBe('tok-2');
  });

  it('invalidates, but gives no token to retry with, when the body cannot be replayed', async () => {
    const { source, invalidated } = countingSource();
    let asked = 0;
    const counting: TokenSource = { ...source, getToken: () => (asked++, source.getToken()) };
    expect(await renewRejectedToken(counting, refused, false)).toBeUndefined();
    expect(invalidated).toEqual(['tok-1']);
    expect(asked).toBe(0);
  });

  it('gives no token when the source hands out the same value again (a static key)', async () => {
    const key = new StaticToken('key');
    const token = await key.getToken();
    expect(await renewRejectedToken(key, token, true)).toBeUndefined();
  });

  it('invalidates before it asks for the fresh token', async () => {
    const calls: string[] = [];
    const source: TokenSource = {
      getToken: async () => (calls.push('getToken'), { ...refused, value: 'tok-2' }),
      invalidate: async (value) => void calls.push(`invalidate ${value}`),
      close: () => undefined,
    };
    await renewRejectedToken(source, refused, true);
    expect(calls).toEqual(['invalidate tok-1', 'getToken']);
  });
});
