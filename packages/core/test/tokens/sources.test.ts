import { describe, expect, it, vi } from 'vitest';
import {
  ClientCredentials,
  ConfigurationError,
  RefreshTokenSource,
  StaticToken,
  TokenSourceClosedError,
  type StoredToken,
  type TokenEvent,
  type TokenStore,
} from '@m2m-auth/core';
import { fakeEndpoint, json, TOKEN_ENDPOINT, tokenResponse } from './fake-endpoint.js';

describe('StaticToken', () => {
  it('hands out the same never-expiring token with its scheme', async () => {
    const source = new StaticToken('api-key-1', { scheme: 'Basic', scope: 'read' });
    expect(await source.getToken()).toEqual({
      value: 'api-key-1',
      type: 'Basic',
      expiresAt: Number.POSITIVE_INFINITY,
      scope: 'read',
    });
    await source.invalidate('api-key-1');
    expect((await source.getToken()).value).toBe('api-key-1');
    source.close();
    await expect(source.getToken()).rejects.toBeInstanceOf(TokenSourceClosedError);
  });

  it('validates its value and scheme', () => {
    expect(() => new StaticToken('')).toThrow(/value/);
    expect(() => new StaticToken('a\r\nInjected: 1')).toThrow(/line breaks/);
    expect(() => new StaticToken('a', { scheme: 'Bad Scheme' })).toThrow(/scheme/);
  });
});

describe('RefreshTokenSource', () => {
  it('uses the refresh-token grant and rotates the refresh token when the server returns a new one', async () => {
    const seen: string[] = [];
    const { fetch, requests } = fakeEndpoint((req) => {
      seen.push(req.form.get('refresh_token') ?? '');
      return tokenResponse({ refresh_token: `rt-${seen.length + 1}` });
    });
    const rotated = vi.fn();
    const source = new RefreshTokenSource({
      tokenEndpoint: TOKEN_ENDPOINT,
      clientId: 'c',
      clientSecret: 's',
      refreshToken: 'rt-1',
      onRefreshToken: rotated,
      fetch,
    });
    const first = await source.getToken();
    expect(requests[0]!.form.get('grant_type')).toBe('refresh_token');
    await source.invalidate(first.value);
    await source.getToken();
    expect(seen).toEqual(['rt-1', 'rt-2']);
    expect(rotated.mock.calls).toEqual([['rt-2'], ['rt-3']]);
  });

  it('keeps the refresh token when the server does not rotate it, and fails fast on invalid_grant', async () => {
    const { fetch, requests } = fakeEndpoint((_, n) =>
      n === 1 ? tokenResponse() : json({ error: 'invalid_grant', error_description: 'expired' }, 400),
    );
    const source = new RefreshTokenSource({
      tokenEndpoint: TOKEN_ENDPOINT,
      clientId: 'c',
      refreshToken: 'rt',
      fetch,
    });
    const first = await source.getToken();
    await source.invalidate(first.value);
    await expect(source.getToken()).rejects.toMatchObject({
      code: 'token_request_failed',
      error: 'invalid_grant',
    });
    expect(requests.map((r) => r.form.get('refresh_token'))).toEqual(['rt', 'rt']);
  });

  it('validates refreshToken', () => {
    expect(
      () => new RefreshTokenSource({ tokenEndpoint: TOKEN_ENDPOINT, clientId: 'c', refreshToken: '' }),
    ).toThrow(ConfigurationError);
  });
});

describe('events are redacted', () => {
  it('never carry the token or the secret', async () => {
    const secret = 'secret-that-must-not-leak';
    let n = 0;
    const { fetch } = fakeEndpoint(() => {
      n++;
      return n === 2
        ? json({ error: 'server_error' }, 500)
        : json({ access_token: `tok-${n}-visible`, token_type: 'Bearer', expires_in: 60 });
    });
    const events: TokenEvent[] = [];
    const source = new ClientCredentials({
      tokenEndpoint: TOKEN_ENDPOINT,
      clientId: 'c',
      clientSecret: secret,
      fetch,
      retry: { retries: 1, minDelay: 1, maxDelay: 1 },
      onEvent: (e) => events.push(e),
    });
    const t = await source.getToken();
    await source.invalidate(t.value);
    await source.getToken();
    expect(events.map((e) => e.type)).toEqual(['refresh', 'token', 'refresh', 'retry', 'token']);
    const dump = JSON.stringify(events, (_k, v: unknown) =>
      v instanceof Error ? { ...v, message: v.message } : v,
    );
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain('visible');
  });

  it('a throwing listener does not break token delivery', async () => {
    const { fetch } = fakeEndpoint(() => tokenResponse());
    const source = new ClientCredentials({
      tokenEndpoint: TOKEN_ENDPOINT,
      clientId: 'c',
      clientSecret: 's',
      fetch,
    });
    source.events.on('token', () => {
      throw new Error('listener bug');
    });
    await expect(source.getToken()).resolves.toMatchObject({ type: 'Bearer' });
  });
});

describe('store lock', () => {
  function lockingStore() {
    const map = new Map<string, StoredToken>();
    let held = false;
    const store: TokenStore = {
      get: (k) => map.get(k),
      set: (k, e) => void map.set(k, e),
      delete: (k, v) => (v === undefined || map.get(k)?.value === v ? map.delete(k) : false),
      lock: async () => {
        if (held) return undefined;
        held = true;
        return () => {
          held = false;
        };
      },
    };
    return { store, map };
  }

  it('a source that cannot take the lock waits for the token another one stores', async () => {
    const { store } = lockingStore();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const a = fakeEndpoint(async () => {
      await gate;
      return tokenResponse();
    });
    const b = fakeEndpoint(() => tokenResponse());
    const common = { tokenEndpoint: TOKEN_ENDPOINT, clientId: 'c', clientSecret: 's', store };
    const sourceA = new ClientCredentials({ ...common, fetch: a.fetch });
    const sourceB = new ClientCredentials({ ...common, fetch: b.fetch });
    const pendingA = sourceA.getToken();
    await vi.waitFor(() => expect(a.requests).toHaveLength(1));
    const pendingB = sourceB.getToken();
    await new Promise((r) => setTimeout(r, 120));
    release();
    const [ta, tb] = await Promise.all([pendingA, pendingB]);
    expect(tb.value).toBe(ta.value);
    expect(b.requests).toHaveLength(0);
  });
});
