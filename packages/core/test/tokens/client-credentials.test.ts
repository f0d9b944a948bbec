import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ClientCredentials,
  ConfigurationError,
  InvalidTokenResponseError,
  memoryStore,
  TokenEndpointCooldownError,
  TokenDiscoveryError,
  TokenRequestError,
  TokenRequestTimeoutError,
  TokenSourceClosedError,
  type FetchLike,
  type TokenEvent,
} from '@m2m-auth/core';
import { fakeEndpoint, json, TOKEN_ENDPOINT, tokenResponse } from './fake-endpoint.js';

const SECRET = 'very-secret-value-123';

function jwtWithExp(exp: number, claims: Record<string, unknown> = {}): string {
  const enc = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `${enc({ alg: 'RS256', typ: 'at+jwt' })}.${enc({ sub: 'c', exp, ...claims })}.c2ln`;
}

afterEach(() => {
  vi.useRealTimers();
});

describe('ClientCredentials options', () => {
  const base = { tokenEndpoint: TOKEN_ENDPOINT, clientId: 'c', clientSecret: SECRET };
  it.each([
    [{ clientId: 'c', clientSecret: SECRET }, /issuer and tokenEndpoint/],
    [{ ...base, issuer: 'https://id.example' }, /issuer and tokenEndpoint/],
    [{ ...base, tokenEndpoint: 'http://id.example/token' }, /tokenEndpoint .*plain http/],
    [{ ...base, tokenEndpoint: 'not a url' }, /tokenEndpoint must be an absolute URL/],
    [{ ...base, clientId: '' }, /clientId/],
    [
      { ...base, clientSecret: undefined, clientAuth: 'client_secret_basic' },
      /client_secret_basic needs clientSecret/,
    ],
    [
      { ...base, clientAuth: 'private_key_jwt' },
      /private_key_jwt needs privateKey|either clientSecret or privateKey/,
    ],
    [{ ...base, clientAuth: 'mtls' }, /clientAuth must be one of/],
    [{ ...base, privateKey: 'nope', clientSecret: undefined }, /privateKey/],
    [{ ...base, scope: 'a "b"' }, /scope/],
    [{ ...base, resource: 'relative/path' }, /resource must be an absolute URI/],
    [{ ...base, extraParams: { grant_type: 'password' } }, /extraParams.grant_type is reserved/],
    [{ ...base, timeout: -1 }, /timeout must be a positive number/],
    [{ ...base, retry: { retries: 1.5 } }, /retry.retries/],
    [{ ...base, retry: { retries: 11 } }, /retry.retries must be an integer from 0 to 10/],
    [{ ...base, retry: { minDelay: 500, maxDelay: 100 } }, /retry.minDelay \(500\) must not be larger/],
    [{ ...base, retry: { minDelay: 3000 } }, /retry.minDelay \(3000\).*retry.maxDelay \(2000\)/],
    [{ ...base, retry: { maxElapsed: 0 } }, /retry.maxElapsed must be a positive number/],
    [{ ...base, refresh: { fraction: 2 } }, /refresh.fraction/],
    [
      { ...base, refresh: { fraction: 1 } },
      /refresh.fraction must be a number from 0 up to, not including, 1/,
    ],
    [{ ...base, refresh: { jitter: 1.5 } }, /refresh.jitter must be a number from 0 to 1/],
    [{ ...base, refresh: { jitter: -0.1 } }, /refresh.jitter/],
    [{ ...base, privateKeyId: 42 }, /privateKeyId must be a non-empty string/],
    [{ ...base, privateKeyId: 'k1' }, /privateKeyAlg and privateKeyId need privateKey/],
    [{ ...base, allowInsecureRequests: 'yes' }, /allowInsecureRequests must be a boolean/],
    [{ ...base, defaultCooldown: 0 }, /defaultCooldown must be a positive number/],
    [{ ...base, defaultCooldown: 600_000 }, /defaultCooldown must be at most 300000/],
    [
      { clientId: 'c', clientSecret: SECRET, issuer: 'https://svc:hunter2@id.example/realms/a' },
      /issuer must not carry credentials/,
    ],
    [
      { ...base, tokenEndpoint: 'https://svc:hunter2@id.example/token' },
      /tokenEndpoint must not carry credentials/,
    ],
    [{ ...base, store: {} }, /store must implement/],
  ])('refuses %j', (options, message) => {
    expect(() => new ClientCredentials(options as never)).toThrow(ConfigurationError);
    expect(() => new ClientCredentials(options as never)).toThrow(message);
    const error = (() => {
      try {
        new ClientCredentials(options as never);
      } catch (e) {
        return e as Error;
      }
    })();
    expect(error?.message).not.toContain('hunter2');
  });

  it('accepts http on loopback, and elsewhere only with allowInsecureRequests', () => {
    expect(
      () => new ClientCredentials({ ...base, tokenEndpoint: 'http://127.0.0.1:8080/token' }),
    ).not.toThrow();
    expect(
      () =>
        new ClientCredentials({
          ...base,
          tokenEndpoint: 'http://id.internal/token',
          allowInsecureRequests: true,
        }),
    ).not.toThrow();
  });
});

describe('ClientCredentials requests', () => {
  it('sends client_secret_post with scope, resource, audience and extra parameters; no redirects', async () => {
    const { fetch, requests } = fakeEndpoint(() => tokenResponse());
    const source = new ClientCredentials({
      tokenEndpoint: TOKEN_ENDPOINT,
      clientId: 'MPS-test',
      clientSecret: SECRET,
      scope: ['project-45c0', 'read'],
      resource: ['https://api.example/', 'https://other.example/'],
      audience: 'https://aud.example',
      extraParams: { tenant: 'acme' },
      fetch,
    });
    await source.getToken();
    expect(requests).toHaveLength(1);
    const [req] = requests;
    expect(req!.url).toBe(TOKEN_ENDPOINT);
    expect(req!.method).toBe('POST');
    expect(req!.redirect).toBe('manual');
    expect(req!.form.get('grant_type')).toBe('client_credentials');
    expect(req!.form.get('client_id')).toBe('MPS-test');
    expect(req!.form.get('client_secret')).toBe(SECRET);
    expect(req!.form.get('scope')).toBe('project-45c0 read');
    expect(req!.form.getAll('resource')).toEqual(['https://api.example/', 'https://other.example/']);
    expect(req!.form.get('audience')).toBe('https://aud.example');
    expect(req!.form.get('tenant')).toBe('acme');
    expect(req!.headers.get('authorization')).toBeNull();
  });

  it('sends client_secret_basic in the Authorization header', async () => {
    const { fetch, requests } = fakeEndpoint(() => tokenResponse());
    const source = new ClientCredentials({
      tokenEndpoint: TOKEN_ENDPOINT,
      clientId: 'c',
      clientSecret: SECRET,
      clientAuth: 'client_secret_basic',
      fetch,
    });
    await source.getToken();
    // RFC 6749 §2.3.1: the id and secret are form-urlencoded before base64.
    const [scheme, encoded] = requests[0]!.headers.get('authorization')!.split(' ');
    expect(scheme).toBe('Basic');
    expect(atob(encoded!).split(':').map(decodeURIComponent)).toEqual(['c', SECRET]);
    expect(requests[0]!.form.get('client_secret')).toBeNull();
  });

  it('sends only client_id with none', async () => {
    const { fetch, requests } = fakeEndpoint(() => tokenResponse());
    await new ClientCredentials({ tokenEndpoint: TOKEN_ENDPOINT, clientId: 'pub', fetch }).getToken();
    expect(requests[0]!.form.get('client_id')).toBe('pub');
    expect(requests[0]!.form.has('client_secret')).toBe(false);
    expect(requests[0]!.headers.get('authorization')).toBeNull();
  });
});

describe('ClientCredentials response parsing', () => {
  const make = (body: Response | (() => Response), extra: Record<string, unknown> = {}) => {
    const { fetch } = fakeEndpoint(() => (typeof body === 'function' ? body() : body));
    return new ClientCredentials({
      tokenEndpoint: TOKEN_ENDPOINT,
      clientId: 'c',
      clientSecret: SECRET,
      fetch,
      ...extra,
    });
  };

  it('reads expires_in as a numeric string, echoes scope, tolerates unknown fields', async () => {
    const before = Date.now();
    const token = await make(
      json({
        access_token: 'abc',
        token_type: 'bearer',
        expires_in: '120',
        scope: 'project-1 profile',
        refresh_expires_in: 0,
        'not-before-policy': 0,
        grant_id: 'g',
      }),
    ).getToken();
    expect(token.value).toBe('abc');
    expect(token.type).toBe('Bearer');
    expect(token.scope).toBe('project-1 profile');
    expect(token.expiresAt).toBeGreaterThanOrEqual(before + 120_000);
    expect(token.expiresAt).toBeLessThanOrEqual(Date.now() + 120_000);
  });

  it('falls back to the requested scope', async () => {
    const token = await make(json({ access_token: 'abc', token_type: 'Bearer', expires_in: 60 }), {
      scope: 'project-9',
    }).getToken();
    expect(token.scope).toBe('project-9');
  });

  it("uses a JWT's exp when expires_in is missing (no iat: against the local clock)", async () => {
    const exp = Math.floor(Date.now() / 1000) + 90;
    const t1 = await make(json({ access_token: jwtWithExp(exp), token_type: 'Bearer' })).getToken();
    expect(t1.expiresAt).toBe(exp * 1000);
  });

  it('prefers expires_in over a JWT exp, so a skewed server clock cannot hand out an expired token', async () => {
    // The server's clock is 10 minutes behind: its JWT expired "5 minutes ago" by our clock.
    const serverNow = Math.floor(Date.now() / 1000) - 600;
    const skewed = jwtWithExp(serverNow + 300, { iat: serverNow });
    const before = Date.now();
    const t1 = await make(json({ access_token: skewed, token_type: 'Bearer', expires_in: 300 })).getToken();
    expect(t1.expiresAt).toBeGreaterThanOrEqual(before + 300_000);
    expect(t1.expiresAt).toBeLessThanOrEqual(Date.now() + 300_000);
    // Longer exp than expires_in: expires_in still wins.
    const long = jwtWithExp(Math.floor(Date.now() / 1000) + 3600);
    const t2 = await make(json({ access_token: long, token_type: 'Bearer', expires_in: 60 })).getToken();
    expect(t2.expiresAt).toBeLessThanOrEqual(Date.now() + 60_000);
  });

  it("counts a JWT's exp - iat from the request when there is no expires_in (clock skew)", async () => {
    const serverNow = Math.floor(Date.now() / 1000) - 600;
    const before = Date.now();
    const token = await make(
      json({ access_token: jwtWithExp(serverNow + 120, { iat: serverNow }), token_type: 'Bearer' }),
    ).getToken();
    expect(token.expiresAt).toBeGreaterThanOrEqual(before + 120_000);
    expect(token.expiresAt).toBeLessThanOrEqual(Date.now() + 120_000);
  });

  it.each([
    ['expires_in: 0', () => json({ access_token: 'x', token_type: 'Bearer', expires_in: 0 }), /expires_in 0/],
    [
      'expires_in: "0"',
      () => json({ access_token: 'x', token_type: 'Bearer', expires_in: '0' }),
      /expires_in 0/,
    ],
    [
      'a JWT whose exp equals its iat',
      () => json({ access_token: jwtWithExp(1_900_000_000, { iat: 1_900_000_000 }), token_type: 'Bearer' }),
      /exp - iat/,
    ],
    [
      'a JWT without iat whose exp has passed',
      () => json({ access_token: jwtWithExp(Math.floor(Date.now() / 1000) - 60), token_type: 'Bearer' }),
      /JWT exp/,
    ],
  ])('refuses a token that is already expired (%s), every time it is asked', async (_name, answer, why) => {
    const { fetch, requests } = fakeEndpoint(() => answer());
    const source = new ClientCredentials({
      tokenEndpoint: TOKEN_ENDPOINT,
      clientId: 'c',
      clientSecret: SECRET,
      fetch,
      retry: false,
    });
    for (let i = 0; i < 2; i++) {
      const error = (await source.getToken().catch((e: unknown) => e)) as InvalidTokenResponseError;
      expect(error).toBeInstanceOf(InvalidTokenResponseError);
      expect(error.reason).toBe('already_expired');
      expect(error.message).toMatch(/already expired/);
      expect(error.message).toMatch(why);
      expect(error.message).not.toContain('eyJ');
    }
    expect(requests).toHaveLength(2);
  });

  it('uses defaultLifetime for an opaque token without expires_in', async () => {
    const before = Date.now();
    const token = await make(json({ access_token: 'opaque', token_type: 'Bearer' }), {
      defaultLifetime: 42_000,
    }).getToken();
    expect(token.expiresAt).toBeGreaterThanOrEqual(before + 42_000);
    expect(token.expiresAt).toBeLessThanOrEqual(Date.now() + 42_000);
  });

  it('treats a missing token_type as Bearer and keeps DPoP', async () => {
    expect((await make(json({ access_token: 'x', expires_in: 60 })).getToken()).type).toBe('Bearer');
    expect(
      (await make(json({ access_token: 'x', token_type: 'DPoP', expires_in: 60 })).getToken()).type,
    ).toBe('DPoP');
  });

  it.each([
    ['not_json', () => new Response('<html>oops</html>', { headers: { 'content-type': 'text/html' } })],
    ['not_json', () => new Response('{"access_token":', { headers: { 'content-type': 'application/json' } })],
    ['missing_access_token', () => json({})],
    ['missing_access_token', () => json({ token_type: 'Bearer', expires_in: 60 })],
    ['invalid_field', () => json({ access_token: 'x', token_type: 'Bearer', expires_in: 'soon' })],
    ['unsupported_token_type', () => json({ access_token: 'x', token_type: 'mac', expires_in: 60 })],
    ['too_large', () => json({ access_token: 'x'.repeat(300_000), token_type: 'Bearer' })],
  ] as const)('answers %s with a typed error', async (reason, answer) => {
    const error = await make(answer, { retry: false })
      .getToken()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTokenResponseError);
    expect((error as InvalidTokenResponseError).reason).toBe(reason);
    expect((error as InvalidTokenResponseError).endpoint).toBe(TOKEN_ENDPOINT);
  });
});

describe('ClientCredentials errors', () => {
  it.each(['invalid_client', 'unauthorized_client', 'invalid_scope', 'invalid_grant'])(
    '%s fails at once with a TokenRequestError that never names the secret',
    async (code) => {
      const { fetch, requests } = fakeEndpoint(() =>
        json({ error: code, error_description: `bad ${code}` }, code === 'invalid_client' ? 401 : 400),
      );
      const source = new ClientCredentials({
        tokenEndpoint: TOKEN_ENDPOINT,
        clientId: 'c',
        clientSecret: SECRET,
        fetch,
      });
      const error = (await source.getToken().catch((e: unknown) => e)) as TokenRequestError;
      expect(error).toBeInstanceOf(TokenRequestError);
      expect(error.code).toBe('token_request_failed');
      expect(error.error).toBe(code);
      expect(error.errorDescription).toBe(`bad ${code}`);
      expect(error.status).toBe(code === 'invalid_client' ? 401 : 400);
      expect(error.endpoint).toBe(TOKEN_ENDPOINT);
      expect(requests).toHaveLength(1);
      const dump = `${error.message} ${error.stack} ${JSON.stringify(error)} ${String(error.cause)}`;
      expect(dump).not.toContain(SECRET);
    },
  );

  it('reads the OAuth error of a 401 that carries a WWW-Authenticate challenge', async () => {
    const { fetch } = fakeEndpoint(() =>
      json({ error: 'invalid_client', error_description: 'nope' }, 401, {
        'www-authenticate': 'Basic realm="x"',
      }),
    );
    const source = new ClientCredentials({
      tokenEndpoint: TOKEN_ENDPOINT,
      clientId: 'c',
      clientSecret: SECRET,
      fetch,
    });
    const error = (await source.getToken().catch((e: unknown) => e)) as TokenRequestError;
    expect(error.error).toBe('invalid_client');
    expect(error.status).toBe(401);
  });

  it('keeps the query of the token endpoint or issuer out of errors (it may hold a key)', async () => {
    const { fetch, requests } = fakeEndpoint(() => json({ error: 'invalid_scope' }, 400));
    const error = (await new ClientCredentials({
      tokenEndpoint: `${TOKEN_ENDPOINT}?api_key=query-secret-1`,
      clientId: 'c',
      clientSecret: SECRET,
      fetch,
    })
      .getToken()
      .catch((e: unknown) => e)) as TokenRequestError;
    expect(requests[0]!.url).toBe(`${TOKEN_ENDPOINT}?api_key=query-secret-1`); // still sent
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error.endpoint).toBe(TOKEN_ENDPOINT);
    expect(`${error.message} ${JSON.stringify(error)}`).not.toContain('query-secret-1');

    const discovery = fakeEndpoint(() => json({ error: 'not_found' }, 404));
    const failed = (await new ClientCredentials({
      issuer: 'https://id.example/realms/acme?token=query-secret-2',
      clientId: 'c',
      clientSecret: SECRET,
      fetch: discovery.fetch,
      retry: false,
    })
      .getToken()
      .catch((e: unknown) => e)) as TokenDiscoveryError;
    expect(failed).toBeInstanceOf(TokenDiscoveryError);
    expect(failed.endpoint).toBe('https://id.example/realms/acme');
    expect(`${failed.message} ${JSON.stringify(failed)}`).not.toContain('query-secret-2');
  });

  it('never follows a redirect from the token endpoint', async () => {
    const { fetch, requests } = fakeEndpoint(
      () => new Response(null, { status: 307, headers: { location: 'https://evil.example/token' } }),
    );
    const source = new ClientCredentials({
      tokenEndpoint: TOKEN_ENDPOINT,
      clientId: 'c',
      clientSecret: SECRET,
      fetch,
    });
    const error = (await source.getToken().catch((e: unknown) => e)) as TokenRequestError;
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error.status).toBe(307);
    expect(requests.map((r) => r.url)).toEqual([TOKEN_ENDPOINT]);
  });

  it('calls a secret function again once after invalid_client, then succeeds', async () => {
    // The secrets manager hands out the old secret once, then the rotated one.
    const secret = vi
      .fn<() => Promise<string>>()
      .mockResolvedValueOnce('old-secret')
      .mockResolvedValue('new-secret');
    const { fetch, requests } = fakeEndpoint((req) =>
      req.form.get('client_secret') === 'new-secret'
        ? tokenResponse()
        : json({ error: 'invalid_client' }, 401),
    );
    const source = new ClientCredentials({
      tokenEndpoint: TOKEN_ENDPOINT,
      clientId: 'c',
      clientSecret: secret,
      fetch,
    });
    const token = await source.getToken();
    expect(token.value).toMatch(/^at-/);
    expect(secret).toHaveBeenCalledTimes(2);
    expect(requests.map((r) => r.form.get('client_secret'))).toEqual(['old-secret', 'new-secret']);
  });

  it('picks up a rotated secret after invalid_client, and gives up after one more try', async () => {
    let current = 'old-secret';
    const secret = vi.fn(() => current);
    const valid = { value: 'old-secret' };
    const { fetch, requests } = fakeEndpoint((req) =>
      req.form.get('client_secret') === valid.value
        ? tokenResponse()
        : json({ error: 'invalid_client' }, 401),
    );
    const source = new ClientCredentials({
      tokenEndpoint: TOKEN_ENDPOINT,
      clientId: 'c',
      clientSecret: secret,
      fetch,
    });
    const first = await source.getToken();
    expect(secret).toHaveBeenCalledTimes(1);
    // The secret is rotated on the server and in the secrets manager.
    valid.value = 'new-secret';
    current = 'new-secret';
    await source.invalidate(first.value);
    const second = await source.getToken();
    expect(secret).toHaveBeenCalledTimes(2);
    expect(requests.map((r) => r.form.get('client_secret'))).toEqual([
      'old-secret',
      'old-secret',
      'new-secret',
    ]);
    // Rotated on the server only: one more call of the function, then a typed error.
    valid.value = 'newer-secret';
    await source.invalidate(second.value);
    const error = (await source.getToken().catch((e: unknown) => e)) as TokenRequestError;
    expect(error.error).toBe('invalid_client');
    expect(secret).toHaveBeenCalledTimes(3);
    expect(requests).toHaveLength(5);
  });

  it('refuses to run after close()', async () => {
    const { fetch } = fakeEndpoint(() => tokenResponse());
    const source = new ClientCredentials({
      tokenEndpoint: TOKEN_ENDPOINT,
      clientId: 'c',
      clientSecret: SECRET,
      fetch,
    });
    source.close();
    await expect(source.getToken()).rejects.toBeInstanceOf(TokenSourceClosedError);
  });

  it('aborts an in-flight request on close()', async () => {
    let started = false;
    const slowFetch = (_input: unknown, init?: RequestInit) =>
      new Promise<Response>((_, reject) => {
        started = true;
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason as Error));
      });
    const source = new ClientCredentials({
      tokenEndpoint: TOKEN_ENDPOINT,
      clientId: 'c',
      clientSecret: SECRET,
      fetch: slowFetch,
    });
    const pending = source.getToken();
    await vi.waitFor(() => expect(started).toBe(true));
    source.close();
    await expect(pending).rejects.toBeInstanceOf(TokenSourceClosedError);
  });
});

describe('ClientCredentials cache', () => {
  const create = (fetch: ReturnType<typeof fakeEndpoint>['fetch'], extra: Record<string, unknown> = {}) =>
    new ClientCredentials({
      tokenEndpoint: TOKEN_ENDPOINT,
      clientId: 'c',
      clientSecret: SECRET,
      fetch,
      refresh: { jitter: 0 },
      ...extra,
    });

  it('caches, and shares one request between concurrent callers', async () => {
    const { fetch, requests } = fakeEndpoint(() => tokenResponse());
    const source = create(fetch);
    const tokens = await Promise.all(Array.from({ length: 50 }, () => source.getToken()));
    expect(new Set(tokens.map((t) => t.value)).size).toBe(1);
    await source.getToken();
    expect(requests).toHaveLength(1);
  });

  it('refreshes ahead: inside the buffer it serves the cached token and refreshes once in the background', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { fetch, requests } = fakeEndpoint(() => tokenResponse({ expires_in: 100 }));
    const source = create(fetch);
    const first = await source.getToken();
    // Buffer: min(60 s, 20% of 100 s) = 20 s. At 79 s nothing happens; at 81 s a background refresh starts.
    vi.setSystemTime(Date.now() + 79_000);
    expect((await source.getToken()).value).toBe(first.value);
    expect(requests).toHaveLength(1);
    vi.setSystemTime(Date.now() + 2_000);
    const during = await Promise.all([source.getToken(), source.getToken(), source.getToken()]);
    expect(during.every((t) => t.value === first.value)).toBe(true);
    await vi.waitFor(async () => expect((await source.getToken()).value).not.toBe(first.value));
    expect(requests).toHaveLength(2);
  });

  it('serves the cached token while a refresh fails (stale-if-error), and reports it', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    let fail = false;
    const { fetch, requests } = fakeEndpoint(() =>
      fail ? json({ error: 'server_error' }, 500) : tokenResponse({ expires_in: 100 }),
    );
    const events: TokenEvent[] = [];
    const source = create(fetch, { retry: false, onEvent: (e: TokenEvent) => events.push(e) });
    const first = await source.getToken();
    fail = true;
    vi.setSystemTime(Date.now() + 90_000);
    expect((await source.getToken()).value).toBe(first.value);
    await vi.waitFor(() => expect(events.some((e) => e.type === 'refresh_error')).toBe(true));
    const failure = events.find((e) => e.type === 'refresh_error');
    expect(failure).toMatchObject({ stale: true, error: { code: 'token_request_failed', status: 500 } });
    // Paused after the failure: the next calls do not hammer the endpoint.
    expect((await source.getToken()).value).toBe(first.value);
    expect(requests).toHaveLength(2);
    // Once expired, the error reaches the caller.
    vi.setSystemTime(Date.now() + 11_000);
    await expect(source.getToken()).rejects.toBeInstanceOf(TokenRequestError);
  });

  it('does not ask again in a loop when the server hands back the same token early', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const start = Date.now();
    const { fetch, requests } = fakeEndpoint(() =>
      json({
        access_token: 'same',
        token_type: 'Bearer',
        expires_in: Math.round((start + 100_000 - Date.now()) / 1000),
      }),
    );
    const source = create(fetch);
    await source.getToken();
    vi.setSystemTime(start + 85_000);
    await source.getToken();
    await vi.waitFor(() => expect(requests).toHaveLength(2));
    for (let t = 86_000; t < 100_000; t += 1000) {
      vi.setSystemTime(start + t);
      expect((await source.getToken()).value).toBe('same');
    }
    await new Promise((r) => setTimeout(r, 20));
    expect(requests).toHaveLength(2);
  });

  it('invalidate(value) drops the entry only if it still holds that value', async () => {
    const { fetch, requests } = fakeEndpoint(() => tokenResponse());
    const source = create(fetch);
    const first = await source.getToken();
    await source.invalidate(first.value);
    const second = await source.getToken();
    expect(second.value).not.toBe(first.value);
    await source.invalidate(first.value); // late 401 for the old token
    expect((await source.getToken()).value).toBe(second.value);
    expect(requests).toHaveLength(2);
  });

  it('never lets refresh options make every call refresh (fraction 0.9, jitter 1, 2-second tokens)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { fetch, requests } = fakeEndpoint(() => tokenResponse({ expires_in: 2 }));
    const source = create(fetch, { refresh: { fraction: 0.9, jitter: 1 } });
    const events: TokenEvent[] = [];
    source.events.on('token', (e) => events.push(e));
    // 50 calls over 1.5 s.
    for (let i = 0; i < 50; i++) {
      await source.getToken();
      await new Promise((r) => setTimeout(r, 1));
      vi.setSystemTime(Date.now() + 30);
    }
    // At most half the lifetime is buffer: one refresh after 1 s, not one per call.
    expect(requests.length).toBeLessThanOrEqual(3);
    for (const e of events) {
      if (e.type === 'token') expect(e.refreshAt - (e.expiresAt - 2000)).toBeGreaterThanOrEqual(1000);
    }
  });

  it('never serves as stale a token invalidated while its background refresh runs', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    let fail!: () => void;
    const failing = new Promise<void>((r) => (fail = r));
    const { fetch, requests } = fakeEndpoint(async (_, n) => {
      if (n === 1) return tokenResponse({ expires_in: 100 });
      await failing;
      return json({ error: 'server_error' }, 500);
    });
    const events: TokenEvent[] = [];
    const source = create(fetch, { retry: false, onEvent: (e: TokenEvent) => events.push(e) });
    const first = await source.getToken();
    vi.setSystemTime(Date.now() + 90_000);
    expect((await source.getToken()).value).toBe(first.value); // starts a background refresh
    await vi.waitFor(() => expect(requests).toHaveLength(2));
    await source.invalidate(first.value); // a 401 for it meanwhile
    const next = source.getToken(); // waits for the refresh: there is no usable token
    fail();
    await expect(next).rejects.toBeInstanceOf(TokenRequestError);
    expect(events.find((e) => e.type === 'refresh_error')).toMatchObject({ stale: false });
  });

  it('keys the cache on everything that shapes the token, never on the secret', async () => {
    const store = memoryStore();
    const { fetch, requests } = fakeEndpoint(() => tokenResponse());
    const a = create(fetch, { store, scope: 'x y' });
    const sameKeyOtherSecret = create(fetch, { store, scope: 'y x', clientSecret: () => 'another' });
    const otherScope = create(fetch, { store, scope: 'x' });
    const otherResource = create(fetch, { store, scope: 'x y', resource: 'https://r.example/' });
    const otherParams = create(fetch, { store, scope: 'x y', extraParams: { tenant: 't' } });
    const otherClient = create(fetch, { store, scope: 'x y', clientId: 'd' });
    const otherAuth = create(fetch, { store, scope: 'x y', clientAuth: 'client_secret_basic' });
    const otherAudience = create(fetch, { store, scope: 'x y', audience: 'https://aud.example' });
    const otherEndpoint = create(fetch, {
      store,
      scope: 'x y',
      tokenEndpoint: 'https://id.example/auth/realms/other/protocol/openid-connect/token',
    });
    const otherQuery = create(fetch, {
      store,
      scope: 'x y',
      tokenEndpoint: `${TOKEN_ENDPOINT}?p=b2c_1_other`,
    });
    expect(await sameKeyOtherSecret.cacheKey()).toBe(await a.cacheKey());
    expect(await a.cacheKey()).toMatch(/^m2m-auth:cc:[0-9a-f]{64}$/);
    expect(await a.cacheKey()).not.toContain(SECRET);
    const t = await a.getToken();
    expect((await sameKeyOtherSecret.getToken()).value).toBe(t.value);
    expect(requests).toHaveLength(1);
    const others = [
      otherScope,
      otherResource,
      otherParams,
      otherClient,
      otherAuth,
      otherAudience,
      otherEndpoint,
      otherQuery,
    ];
    for (const other of others) {
      expect(await other.cacheKey()).not.toBe(await a.cacheKey());
      expect((await other.getToken()).value).not.toBe(t.value);
    }
    expect(new Set(await Promise.all(others.map((o) => o.cacheKey()))).size).toBe(others.length);
    expect(requests).toHaveLength(1 + others.length);
  });
});

describe('ClientCredentials retries and cooldown', () => {
  const create = (fetch: ReturnType<typeof fakeEndpoint>['fetch'], extra: Record<string, unknown> = {}) =>
    new ClientCredentials({
      tokenEndpoint: TOKEN_ENDPOINT,
      clientId: 'c',
      clientSecret: SECRET,
      fetch,
      retry: { retries: 2, minDelay: 5, maxDelay: 10 },
      ...extra,
    });

  it('retries 5xx and network failures with backoff, then succeeds', async () => {
    const events: TokenEvent[] = [];
    const { fetch, requests } = fakeEndpoint((_, n) =>
      n === 1 ? json({}, 502) : n === 2 ? new TypeError('fetch failed') : tokenResponse(),
    );
    const token = await create(fetch, { onEvent: (e: TokenEvent) => events.push(e) }).getToken();
    expect(token.value).toMatch(/^at-/);
    expect(requests).toHaveLength(3);
    const retries = events.filter((e) => e.type === 'retry');
    expect(retries.map((e) => e.type === 'retry' && e.error.code)).toEqual([
      'token_request_failed',
      'token_request_network',
    ]);
  });

  it('gives up after the bounded number of retries', async () => {
    const { fetch, requests } = fakeEndpoint(() => json({}, 500));
    const error = (await create(fetch)
      .getToken()
      .catch((e: unknown) => e)) as TokenRequestError;
    expect(error.status).toBe(500);
    expect(requests).toHaveLength(3);
  });

  it('stops retrying when the time budget runs out', async () => {
    const { fetch, requests } = fakeEndpoint(() => json({}, 500));
    await expect(
      create(fetch, { retry: { retries: 10, minDelay: 200, maxDelay: 200, maxElapsed: 300 } }).getToken(),
    ).rejects.toBeInstanceOf(TokenRequestError);
    expect(requests.length).toBeLessThanOrEqual(3);
  });

  it('cuts the last attempt to what is left of the time budget (maxElapsed)', async () => {
    const attempts: number[] = [];
    // Never answers; gives up when the request is aborted.
    const hanging: FetchLike = (_input, init) =>
      new Promise<Response>((_, reject) => {
        attempts.push(Date.now());
        init?.signal?.addEventListener('abort', () => reject(init.signal!.reason as Error));
      });
    const error = (await create(hanging, {
      timeout: 1000,
      retry: { retries: 5, minDelay: 10, maxDelay: 10, maxElapsed: 1200 },
    })
      .getToken()
      .catch((e: unknown) => e)) as TokenRequestTimeoutError;
    expect(error).toBeInstanceOf(TokenRequestTimeoutError);
    // The second attempt got the ~190 ms left, not a full 1000 ms timeout.
    expect(error.timeout).toBeLessThan(1000);
    expect(attempts).toHaveLength(2);
  });

  it('honours defaultCooldown after a 429 without Retry-After', async () => {
    const { fetch } = fakeEndpoint(() => json({ error: 'slow_down' }, 429));
    const before = Date.now();
    const error = (await create(fetch, { defaultCooldown: 42_000 })
      .getToken()
      .catch((e: unknown) => e)) as TokenEndpointCooldownError;
    expect(error).toBeInstanceOf(TokenEndpointCooldownError);
    expect(error.retryAfter.getTime()).toBeGreaterThanOrEqual(before + 42_000);
    expect(error.retryAfter.getTime()).toBeLessThanOrEqual(Date.now() + 42_000);
  });

  it.each([
    [503, { 'retry-after': '30' }],
    [429, { 'retry-after': '30' }],
    [429, {}],
  ])('%i %j closes a cooldown gate: no request until it opens', async (status, headers) => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const { fetch, requests } = fakeEndpoint(() => json({ error: 'slow_down' }, status, headers));
    const source = create(fetch);
    const error = (await source.getToken().catch((e: unknown) => e)) as TokenEndpointCooldownError;
    expect(error).toBeInstanceOf(TokenEndpointCooldownError);
    expect(error.status).toBe(status);
    const wait = 'retry-after' in headers ? 30_000 : 5_000;
    expect(error.retryAfter.getTime()).toBeGreaterThan(Date.now() + wait - 1000);
    const again = (await source.getToken().catch((e: unknown) => e)) as TokenEndpointCooldownError;
    expect(again).toBeInstanceOf(TokenEndpointCooldownError);
    expect(requests).toHaveLength(1);
    vi.setSystemTime(Date.now() + wait + 1000);
    await source.getToken().catch(() => undefined);
    expect(requests).toHaveLength(2);
  });

  it('keeps serving the cached token during a cooldown', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    let limited = false;
    const { fetch, requests } = fakeEndpoint(() =>
      limited ? json({}, 429, { 'retry-after': '60' }) : tokenResponse({ expires_in: 100 }),
    );
    const source = create(fetch, { refresh: { jitter: 0 } });
    const first = await source.getToken();
    limited = true;
    vi.setSystemTime(Date.now() + 85_000);
    expect((await source.getToken()).value).toBe(first.value);
    await vi.waitFor(() => expect(requests).toHaveLength(2));
    await new Promise((r) => setTimeout(r, 10));
    for (let i = 0; i < 5; i++) expect((await source.getToken()).value).toBe(first.value);
    expect(requests).toHaveLength(2);
  });
});
