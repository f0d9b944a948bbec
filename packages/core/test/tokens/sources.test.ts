import { afterEach, describe, expect, it, vi } from 'vitest';
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

afterEach(() => {
  vi.useRealTimers();
});

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

  it('refresh_error (stale or not) and cooldown events carry neither the token, the secret, nor a query', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const secret = 'secret-that-must-not-leak';
    let n = 0;
    const { fetch } = fakeEndpoint(() => {
      n++;
      if (n === 1) return json({ access_token: `tok-${n}-visible`, token_type: 'Bearer', expires_in: 100 });
      if (n === 2) return json({ error: 'server_error', error_description: 'down' }, 500);
      return json({ error: 'slow_down' }, 429, { 'retry-after': '30' });
    });
    const events: TokenEvent[] = [];
    const source = new ClientCredentials({
      tokenEndpoint: `${TOKEN_ENDPOINT}?key=query-value-that-must-not-leak`,
      clientId: 'c',
      clientSecret: secret,
      fetch,
      retry: false,
      refresh: { jitter: 0 },
      onEvent: (e) => events.push(e),
    });
    const first = await source.getToken();
    // Inside the refresh buffer: a background refresh fails (500), the cached token is served.
    vi.setSystemTime(Date.now() + 90_000);
    expect((await source.getToken()).value).toBe(first.value);
    await vi.waitFor(() => expect(events.some((e) => e.type === 'refresh_error')).toBe(true));
    // Expired: the next request is answered 429.
    vi.setSystemTime(Date.now() + 20_000);
    await expect(source.getToken()).rejects.toMatchObject({ code: 'token_endpoint_cooldown' });
    const types = events.map((e) => e.type);
    expect(types).toEqual([
      'refresh',
      'token',
      'refresh',
      'refresh_error',
      'refresh',
      'cooldown',
      'refresh_error',
    ]);
    expect(
      events.filter((e) => e.type === 'refresh_error').map((e) => e.type === 'refresh_error' && e.stale),
    ).toEqual([true, false]);
    const dump = JSON.stringify(events, (_k, v: unknown) =>
      v instanceof Error
        ? { ...v, name: v.name, message: v.message, stack: v.stack, cause: String(v.cause) }
        : v,
    );
    expect(dump).toContain('token_endpoint_cooldown');
    expect(dump).not.toContain(secret);
    expect(dump).not.toContain('visible');
    expect(dump).not.toContain('query-value');
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
    const state = { held: false };
    const store: TokenStore = {
      get: (k) => map.get(k),
      set: (k, e) => void map.set(k, e),
      delete: (k, v) => (v === undefined || map.get(k)?.value === v ? map.delete(k) : false),
      lock: async () => {
        if (state.held) return undefined;
        state.held = true;
        return () => {
          state.held = false;
        };
      },
    };
    return { store, map, state };
  }

  it('re-reads the store after taking the lock: a token stored meanwhile by another replica is used', async () => {
    const { store } = lockingStore();
    const a = fakeEndpoint(() => tokenResponse());
    const b = fakeEndpoint(() => tokenResponse());
    const common = { tokenEndpoint: TOKEN_ENDPOINT, clientId: 'c', clientSecret: 's' };
    const sourceA = new ClientCredentials({ ...common, store, fetch: a.fetch });
    // Replica B read the store (a miss) before A wrote; A finishes before B asks for the lock.
    const storeB: TokenStore = {
      ...store,
      lock: async (key, ttl) => {
        await sourceA.getToken();
        return store.lock!(key, ttl);
      },
    };
    const sourceB = new ClientCredentials({ ...common, store: storeB, fetch: b.fetch });
    const tb = await sourceB.getToken();
    expect(a.requests).toHaveLength(1);
    expect(b.requests).toHaveLength(0);
    expect(tb.value).toBe((await sourceA.getToken()).value);
  });

  it('after losing the lock, a background refresh pauses instead of asking for it on every call', async () => {
    const { store, map, state } = lockingStore();
    let lockCalls = 0;
    const counting: TokenStore = {
      ...store,
      lock: (key, ttl) => {
        lockCalls++;
        return store.lock!(key, ttl);
      },
    };
    const { fetch, requests } = fakeEndpoint(() => tokenResponse());
    const source = new ClientCredentials({
      tokenEndpoint: TOKEN_ENDPOINT,
      clientId: 'c',
      clientSecret: 's',
      store: counting,
      fetch,
    });
    const key = await source.cacheKey();
    // Another replica's token, inside its refresh window; that replica holds the lock (refreshing).
    map.set(key, {
      value: 'from-other',
      type: 'Bearer',
      scope: undefined,
      expiresAt: Date.now() + 60_000,
      refreshAt: Date.now() - 1,
    });
    state.held = true;
    for (let i = 0; i < 20; i++) {
      expect((await source.getToken()).value).toBe('from-other');
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(lockCalls).toBeLessThanOrEqual(2);
    expect(requests).toHaveLength(0);
  });

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
