import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  authFetch,
  ClientCredentials,
  InvalidTokenResponseError,
  TokenEndpointCooldownError,
  TokenRequestError,
  TokenRequestTimeoutError,
  type ClientCredentialsOptions,
  type TokenEvent,
} from '@m2m-auth/core';
import { sendJson, startFaultServer, type FaultServer, type Handler } from './fault-server.js';

let endpoint: FaultServer;
/** Real expiry (ms) of every token the endpoint issued. */
const issued = new Map<string, number>();
let serial = 0;

function issue(lifetime: number, extra: Record<string, unknown> = {}): Handler {
  return (_req, res) => {
    const value = `tok-${++serial}`;
    issued.set(value, Date.now() + lifetime * 1000);
    sendJson(res, 200, { access_token: value, token_type: 'Bearer', expires_in: lifetime, ...extra });
  };
}

function source(extra: Partial<ClientCredentialsOptions> = {}) {
  return new ClientCredentials({
    tokenEndpoint: endpoint.url,
    clientId: 'svc',
    clientSecret: 'faults-secret',
    retry: { retries: 2, minDelay: 20, maxDelay: 50 },
    timeout: 500,
    ...extra,
  });
}

beforeAll(async () => {
  endpoint = await startFaultServer(issue(300));
});
afterAll(async () => {
  await endpoint.close();
});
beforeEach(() => {
  endpoint.use(issue(300));
});

describe('fault-injecting token endpoint', () => {
  it('1,000 concurrent getToken() calls cause exactly 1 request', async () => {
    const slow = issue(300);
    endpoint.use(async (req, res, body, n) => {
      await new Promise((r) => setTimeout(r, 50));
      await slow(req, res, body, n);
    });
    const before = endpoint.count();
    const s = source();
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => s.getToken()));
    expect(new Set(tokens.map((t) => t.value)).size).toBe(1);
    expect(endpoint.count() - before).toBe(1);
  });

  it('2-second tokens are refreshed before expiry; no caller is ever handed an expired token (10 s run)', async () => {
    endpoint.use(issue(2));
    const before = endpoint.count();
    const events: TokenEvent[] = [];
    const s = source({ onEvent: (e) => events.push(e) });
    const deadline = Date.now() + 10_000;
    let calls = 0;
    let expired = 0;
    const caller = async () => {
      while (Date.now() < deadline) {
        const token = await s.getToken();
        const handedAt = Date.now();
        calls++;
        const realExpiry = issued.get(token.value);
        if (realExpiry === undefined || handedAt >= realExpiry || handedAt >= token.expiresAt) expired++;
        await new Promise((r) => setTimeout(r, 5 + Math.random() * 10));
      }
    };
    await Promise.all(Array.from({ length: 10 }, caller));
    expect(calls).toBeGreaterThan(1000);
    expect(expired).toBe(0);
    const requests = endpoint.count() - before;
    // ~1.6-1.8 s per token: 6 to 7 requests in 10 s; never one per call.
    expect(requests).toBeGreaterThanOrEqual(5);
    expect(requests).toBeLessThanOrEqual(10);
    // Refreshes after the first ran in the background: callers never waited for the endpoint.
    const refreshes = events.filter((e) => e.type === 'refresh');
    expect(refreshes.slice(1).every((e) => e.type === 'refresh' && e.background)).toBe(true);
  }, 20_000);

  it('a 500 is retried with backoff', async () => {
    const ok = issue(300);
    endpoint.use((req, res, body, n) =>
      n % 2 === 1 ? sendJson(res, 500, { error: 'server_error' }) : ok(req, res, body, n),
    );
    const before = endpoint.count();
    await expect(source().getToken()).resolves.toMatchObject({ type: 'Bearer' });
    expect(endpoint.count() - before).toBe(2);
  });

  it('persistent 5xx fail after the bounded retries with the status', async () => {
    endpoint.use((_req, res) => sendJson(res, 502, {}));
    const before = endpoint.count();
    const error = (await source()
      .getToken()
      .catch((e: unknown) => e)) as TokenRequestError;
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error.status).toBe(502);
    expect(endpoint.count() - before).toBe(3);
  });

  it.each([
    [503, { 'retry-after': '2' }],
    [429, { 'retry-after': '2' }],
  ])(
    '%i with Retry-After closes the gate: fail fast until it opens, then recover',
    async (status, headers) => {
      endpoint.use((_req, res) => sendJson(res, status, { error: 'temporarily_unavailable' }, headers));
      const before = endpoint.count();
      const s = source();
      const error = (await s.getToken().catch((e: unknown) => e)) as TokenEndpointCooldownError;
      expect(error).toBeInstanceOf(TokenEndpointCooldownError);
      expect(error.retryAfter.getTime() - Date.now()).toBeGreaterThan(1000);
      for (let i = 0; i < 20; i++)
        await expect(s.getToken()).rejects.toBeInstanceOf(TokenEndpointCooldownError);
      expect(endpoint.count() - before).toBe(1);
      endpoint.use(issue(300));
      await new Promise((r) => setTimeout(r, error.retryAfter.getTime() - Date.now() + 50));
      await expect(s.getToken()).resolves.toMatchObject({ type: 'Bearer' });
      expect(endpoint.count() - before).toBe(2);
    },
  );

  it('a silent endpoint times out on every attempt', async () => {
    endpoint.use(() => undefined); // never answers
    const before = endpoint.count();
    const started = Date.now();
    const error = await source({ timeout: 200, retry: { retries: 1, minDelay: 10, maxDelay: 10 } })
      .getToken()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestTimeoutError);
    expect(Date.now() - started).toBeLessThan(5000); // two 200 ms attempts, not a hang
    expect(endpoint.count() - before).toBe(2);
  });

  it('a hanging endpoint cannot stretch a refresh past retry.maxElapsed', async () => {
    endpoint.use(() => undefined); // never answers
    const before = endpoint.count();
    const error = (await source({
      timeout: 1000,
      retry: { retries: 5, minDelay: 10, maxDelay: 10, maxElapsed: 1200 },
    })
      .getToken()
      .catch((e: unknown) => e)) as TokenRequestTimeoutError;
    expect(error).toBeInstanceOf(TokenRequestTimeoutError);
    // Two attempts; the second got only what was left of the budget (about 190 ms), not 1000 ms.
    expect(endpoint.count() - before).toBe(2);
    expect(error.timeout).toBeLessThan(1000);
  });

  it('refresh options cannot cause a refresh storm (fraction 0.9, jitter 1, 2-second tokens)', async () => {
    endpoint.use(issue(2));
    const before = endpoint.count();
    const s = source({ refresh: { fraction: 0.9, jitter: 1 } });
    const deadline = Date.now() + 1500;
    let calls = 0;
    while (Date.now() < deadline) {
      await s.getToken();
      calls++;
      await new Promise((r) => setTimeout(r, 30));
    }
    expect(calls).toBeGreaterThan(20);
    // The first token, and one refresh after about a second; before the fix, one request per call.
    expect(endpoint.count() - before).toBeLessThanOrEqual(3);
  });

  it('a body that stalls half-way times out too', async () => {
    endpoint.use((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"access_token":"x",');
    });
    const error = await source({ timeout: 200, retry: false })
      .getToken()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TokenRequestTimeoutError);
  });

  it.each([
    ['html', 'text/html', '<html>Service unavailable</html>'],
    ['broken JSON', 'application/json', '{"access_token": '],
    ['a JSON array', 'application/json', '[1,2,3]'],
    ['no fields', 'application/json', '{}'],
  ])('a garbage 200 body (%s) is a typed error', async (_name, type, body) => {
    endpoint.use((_req, res) => {
      res.writeHead(200, { 'content-type': type });
      res.end(body);
    });
    const error = await source({ retry: false })
      .getToken()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(InvalidTokenResponseError);
  });

  it('a huge body is refused without buffering it', async () => {
    endpoint.use((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"access_token":"');
      const chunk = 'a'.repeat(64 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 200 && res.write(chunk)) sent++;
        if (sent < 200 && !res.destroyed) res.once('drain', pump);
        else res.end('"}');
      };
      pump();
    });
    const error = (await source({ retry: false })
      .getToken()
      .catch((e: unknown) => e)) as InvalidTokenResponseError;
    expect(error).toBeInstanceOf(InvalidTokenResponseError);
    expect(error.reason).toBe('too_large');
  });

  it('invalid_client fails fast; a rotated secret function recovers', async () => {
    let serverSecret = 'old';
    const ok = issue(300);
    endpoint.use((req, res, body, n) =>
      new URLSearchParams(body).get('client_secret') === serverSecret
        ? ok(req, res, body, n)
        : sendJson(res, 401, { error: 'invalid_client', error_description: 'client authentication failed' }),
    );
    const fixed = source({ clientSecret: 'stale' });
    const before = endpoint.count();
    const error = (await fixed.getToken().catch((e: unknown) => e)) as TokenRequestError;
    expect(error.error).toBe('invalid_client');
    expect(endpoint.count() - before).toBe(1);

    let vault = 'old';
    let reads = 0;
    const rotating = source({
      clientSecret: async () => {
        reads++;
        return vault;
      },
    });
    const first = await rotating.getToken();
    serverSecret = 'new';
    vault = 'new';
    await rotating.invalidate(first.value);
    const second = await rotating.getToken();
    expect(second.value).not.toBe(first.value);
    expect(reads).toBe(2);
  });
});

describe('authFetch against local servers', () => {
  let api: FaultServer;
  let other: FaultServer;
  const seenByOther: (string | undefined)[] = [];

  beforeAll(async () => {
    other = await startFaultServer((req, res) => {
      seenByOther.push(req.headers.authorization);
      sendJson(res, 200, { ok: true });
    });
    api = await startFaultServer(() => undefined);
  });
  afterAll(async () => {
    await api.close();
    await other.close();
  });

  it('a late 401 for an old token leaves the new one in place', async () => {
    endpoint.use(issue(300));
    const s = source();
    const old = await s.getToken();
    let release!: () => void;
    const hold = new Promise<void>((r) => (release = r));
    const current = { value: old.value };
    api.use(async (req, res) => {
      const presented = req.headers.authorization?.replace(/^Bearer /, '');
      if (presented === current.value) return sendJson(res, 200, { ok: true });
      if (req.url === '/slow') await hold; // a 401 for the old token that arrives late
      sendJson(res, 401, { error: 'invalid_token' }, { 'www-authenticate': 'Bearer error="invalid_token"' });
    });
    const client = authFetch(s, { origins: [api.origin] });
    // The resource server stops accepting the old token; two calls carry it.
    current.value = 'none-yet';
    const before = endpoint.count();
    const slow = client(`${api.origin}/slow`);
    await new Promise((r) => setTimeout(r, 50));
    api.use(async (req, res) => {
      const presented = req.headers.authorization?.replace(/^Bearer /, '');
      if (presented !== old.value) return sendJson(res, 200, { ok: true });
      if (req.url === '/slow') await hold;
      sendJson(res, 401, { error: 'invalid_token' });
    });
    const fast = await client(`${api.origin}/fast`);
    expect(fast.status).toBe(200);
    const fresh = await s.getToken();
    expect(fresh.value).not.toBe(old.value);
    release();
    expect((await slow).status).toBe(200);
    // The late 401 did not throw the new token away.
    expect((await s.getToken()).value).toBe(fresh.value);
    expect(endpoint.count() - before).toBe(1);
  });

  it('never sends the token to an origin outside its list, nor across a redirect', async () => {
    endpoint.use(issue(300));
    const s = source();
    const token = await s.getToken();
    const seenByApi: (string | undefined)[] = [];
    api.use((req, res) => {
      seenByApi.push(req.headers.authorization);
      if (req.url === '/redirect') {
        res.writeHead(302, { location: `${other.origin}/landing` });
        res.end();
        return;
      }
      sendJson(res, 200, { ok: true });
    });
    const client = authFetch(s, { origins: [api.origin] });
    seenByOther.length = 0;
    expect((await client(`${api.origin}/direct`)).status).toBe(200);
    expect((await client(`${other.origin}/direct`)).status).toBe(200);
    expect((await client(`${api.origin}/redirect`)).status).toBe(200);
    expect(seenByApi).toEqual([`Bearer ${token.value}`, `Bearer ${token.value}`]);
    expect(seenByOther).toEqual([undefined, undefined]);
  });
});
