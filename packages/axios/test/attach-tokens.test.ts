import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { ConfigurationError, type Token, type TokenSource } from '@m2m-auth/core';
import { attachTokens } from '@m2m-auth/axios';
import axios, { type AxiosError, type AxiosInstance } from 'axios';
import axios17 from 'axios17';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

interface Seen {
  host: string | undefined;
  path: string;
  method: string;
  authorization: string | undefined;
  body: string;
}

/** A resource server on 127.0.0.1 that records every request and can be told to answer 401. */
interface Api {
  origin: string;
  port: number;
  seen: Seen[];
  /** The next `n` requests get `401` with a Bearer challenge (only those to `unauthorizedPath`, if set). */
  unauthorized: number;
  unauthorizedPath: string | undefined;
  /** The next `n` requests get `503`. */
  failing: number;
  close(): Promise<void>;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

async function startApi(): Promise<Api> {
  const api: Api = {
    origin: '',
    port: 0,
    seen: [],
    unauthorized: 0,
    unauthorizedPath: undefined,
    failing: 0,
    close: async () => undefined,
  };
  const server: Server = createServer((req, res) => {
    void readBody(req).then((body) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      api.seen.push({
        host: req.headers.host,
        path: url.pathname,
        method: req.method ?? 'GET',
        authorization: req.headers.authorization,
        body,
      });
      if (api.failing > 0) {
        api.failing--;
        res.writeHead(503);
        res.end();
        return;
      }
      if (api.unauthorized > 0 && (api.unauthorizedPath ?? url.pathname) === url.pathname) {
        api.unauthorized--;
        res.writeHead(401, {
          'www-authenticate': 'Bearer error="invalid_token"',
          'content-type': 'application/json',
        });
        res.end(JSON.stringify({ error: 'invalid_token' }));
        return;
      }
      const to = url.searchParams.get('to');
      if (url.pathname === '/redirect' && to) {
        res.writeHead(Number(url.searchParams.get('status') ?? 302), { location: to });
        res.end();
        return;
      }
      if (url.pathname === '/scope') {
        res.writeHead(401, { 'www-authenticate': 'Bearer error="insufficient_scope", scope="write"' });
        res.end();
        return;
      }
      if (url.pathname === '/challenge') {
        res.writeHead(403, {
          'www-authenticate': 'Bearer error="invalid_token", error_description="revoked"',
        });
        res.end();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ authorization: req.headers.authorization ?? null, body }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  api.port = port;
  api.origin = `http://127.0.0.1:${port}`;
  api.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return api;
}

/** A token source handing out `t1`, `t2`, …: a new token only after the current one is invalidated. */
class CountingSource implements TokenSource {
  issued = 0;
  getTokenCalls = 0;
  invalidated: string[] = [];
  closed = false;
  #current: Token | undefined;

  getToken(): Promise<Token> {
    this.getTokenCalls++;
    this.#current ??= {
      value: `t${++this.issued}`,
      type: 'Bearer',
      expiresAt: Date.now() + 60_000,
      scope: undefined,
    };
    return Promise.resolve(this.#current);
  }

  /** Replaces the current token as a refresh would, without an invalidation. */
  rotate(): void {
    this.#current = undefined;
  }

  invalidate(value: string): Promise<void> {
    this.invalidated.push(value);
    if (this.#current?.value === value) this.#current = undefined;
    return Promise.resolve();
  }

  close(): void {
    this.closed = true;
  }
}

/** A source whose every token is the same value (a static key): a 401 cannot be cured by a retry. */
class StaticSource extends CountingSource {
  override getToken(): Promise<Token> {
    this.getTokenCalls++;
    return Promise.resolve({ value: 'static', type: 'Bearer', expiresAt: Infinity, scope: undefined });
  }
}

/** Resolves every host name to 127.0.0.1, so `api.test` and `evil.api.test` reach the test servers. */
const lookup = ((_host: string, _options: object, cb: (err: null, address: string, family: 4) => void) =>
  cb(null, '127.0.0.1', 4)) as unknown as NonNullable<Parameters<typeof axios.create>[0]>['lookup'];

let api: Api;
let other: Api;

beforeAll(async () => {
  api = await startApi();
  other = await startApi();
});

afterAll(async () => {
  await api?.close();
  await other?.close();
});

afterEach(() => {
  for (const server of [api, other]) {
    server.seen = [];
    server.unauthorized = 0;
    server.unauthorizedPath = undefined;
    server.failing = 0;
  }
});

// The same cases on the axios we install and on the oldest axios in the peer range.
const versions: [string, (config: Parameters<typeof axios.create>[0]) => AxiosInstance][] = [
  ['axios (latest)', (config) => axios.create(config)],
  [
    'axios 1.7',
    (config) => axios17.create(config as Parameters<typeof axios17.create>[0]) as unknown as AxiosInstance,
  ],
];

describe.each(versions)('attachTokens on %s', (_name, create) => {
  it('attaches the token to the listed origin, resolving baseURL and url', async () => {
    const source = new CountingSource();
    const client = create({ baseURL: `${api.origin}/v1` });
    attachTokens(client, source, { origins: [api.origin] });

    const res = await client.get('/tables');
    expect(res.data).toEqual({ authorization: 'Bearer t1', body: '' });
    expect(api.seen.map((s) => s.path)).toEqual(['/v1/tables']);
  });

  it('sends no token to an origin that is not listed, and does not even fetch one', async () => {
    const source = new CountingSource();
    const client = create({ baseURL: api.origin });
    attachTokens(client, source, { origins: [api.origin] });

    const res = await client.get(`${other.origin}/elsewhere`);
    expect(res.data.authorization).toBeNull();
    expect(other.seen).toHaveLength(1);
    expect(other.seen[0]!.authorization).toBeUndefined();
    expect(source.getTokenCalls).toBe(0);
  });

  it('on a 401 invalidates that token and retries once with a fresh one', async () => {
    const source = new CountingSource();
    const client = create({ baseURL: api.origin });
    attachTokens(client, source, { origins: [api.origin] });
    api.unauthorized = 1;

    const res = await client.post('/v1/tables', { name: 'events' });
    expect(res.status).toBe(200);
    expect(api.seen.map((s) => s.authorization)).toEqual(['Bearer t1', 'Bearer t2']);
    // The JSON body is sent again, unchanged.
    expect(api.seen.map((s) => s.body)).toEqual(['{"name":"events"}', '{"name":"events"}']);
    expect(source.invalidated).toEqual(['t1']);
  });

  it('never retries twice: a second 401 is the answer', async () => {
    const source = new CountingSource();
    const client = create({ baseURL: api.origin });
    attachTokens(client, source, { origins: [api.origin] });
    api.unauthorized = 5;

    const err = await client.get('/v1/tables').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect((err as AxiosError).response?.status).toBe(401);
    expect(api.seen).toHaveLength(2);
    expect(source.invalidated).toEqual(['t1']);
  });

  it('retries through the response path too when validateStatus accepts a 401', async () => {
    const source = new CountingSource();
    const client = create({ baseURL: api.origin, validateStatus: () => true });
    attachTokens(client, source, { origins: [api.origin] });
    api.unauthorized = 1;

    const res = await client.get('/v1/tables');
    expect(res.status).toBe(200);
    expect(api.seen.map((s) => s.authorization)).toEqual(['Bearer t1', 'Bearer t2']);
  });

  it('retries on a challenge with error="invalid_token" whatever the status', async () => {
    const source = new CountingSource();
    const client = create({ baseURL: api.origin });
    attachTokens(client, source, { origins: [api.origin] });

    const err = await client.get('/challenge').catch((e: unknown) => e);
    expect((err as AxiosError).response?.status).toBe(403);
    expect(api.seen.map((s) => s.authorization)).toEqual(['Bearer t1', 'Bearer t2']);
  });

  it('does not retry a 401 whose challenge says insufficient_scope: a fresh token would not help', async () => {
    const source = new CountingSource();
    const client = create({ baseURL: api.origin });
    attachTokens(client, source, { origins: [api.origin] });

    const err = await client.get('/scope').catch((e: unknown) => e);
    expect((err as AxiosError).response?.status).toBe(401);
    expect(api.seen.map((s) => s.authorization)).toEqual(['Bearer t1']);
    expect(source.invalidated).toEqual([]);
  });

  it('invalidates exactly the value the request was sent with, not the newer cached token', async () => {
    const source = new CountingSource();
    const client = create({ baseURL: api.origin });
    attachTokens(client, source, { origins: [api.origin] });
    // The request leaves with t1; the source moves on to t2 (a refresh) before the 401 arrives.
    client.interceptors.request.use((config) => {
      source.rotate();
      return config;
    });
    api.unauthorized = 1;

    await client.get('/v1/tables');
    expect(source.invalidated).toEqual(['t1']);
    expect(api.seen[0]!.authorization).toBe('Bearer t1');
  });

  it('does not retry a 401 from an origin it sent no token to', async () => {
    const source = new CountingSource();
    const client = create({});
    attachTokens(client, source, { origins: [api.origin] });
    other.unauthorized = 1;

    const err = await client.get(`${other.origin}/x`).catch((e: unknown) => e);
    expect((err as AxiosError).response?.status).toBe(401);
    expect(other.seen).toHaveLength(1);
    expect(source.invalidated).toEqual([]);
  });

  it('does not retry when the source hands out the same value again', async () => {
    const source = new StaticSource();
    const client = create({ baseURL: api.origin });
    attachTokens(client, source, { origins: [api.origin] });
    api.unauthorized = 1;

    const err = await client.get('/v1/tables').catch((e: unknown) => e);
    expect((err as AxiosError).response?.status).toBe(401);
    expect(api.seen).toHaveLength(1);
    expect(source.invalidated).toEqual(['static']);
  });

  it('does not retry a request whose body is a stream, but invalidates its token (as authFetch does)', async () => {
    const source = new CountingSource();
    const client = create({ baseURL: api.origin });
    attachTokens(client, source, { origins: [api.origin] });
    api.unauthorized = 1;

    const err = await client
      .post('/v1/upload', Readable.from([Buffer.from('row1\n'), Buffer.from('row2\n')]), {
        headers: { 'content-type': 'text/plain' },
      })
      .catch((e: unknown) => e);
    expect((err as AxiosError).response?.status).toBe(401);
    expect(api.seen).toHaveLength(1);
    expect(source.invalidated).toEqual(['t1']);
    // The next request starts with a fresh token instead of sending the refused one again.
    await client.get('/v1/tables');
    expect(api.seen.map((s) => s.authorization)).toEqual(['Bearer t1', 'Bearer t2']);
  });

  it('keeps the token on a same-origin redirect', async () => {
    const source = new CountingSource();
    const client = create({ baseURL: api.origin });
    attachTokens(client, source, { origins: [api.origin] });

    const res = await client.get(`/redirect?to=${encodeURIComponent('/v1/tables')}`);
    expect(res.data.authorization).toBe('Bearer t1');
    expect(api.seen.map((s) => [s.path, s.authorization])).toEqual([
      ['/redirect', 'Bearer t1'],
      ['/v1/tables', 'Bearer t1'],
    ]);
  });

  it('drops the token on a redirect to another origin', async () => {
    const source = new CountingSource();
    const client = create({ baseURL: api.origin });
    attachTokens(client, source, { origins: [api.origin] });

    const res = await client.get(`/redirect?to=${encodeURIComponent(`${other.origin}/steal`)}`);
    expect(res.data.authorization).toBeNull();
    expect(api.seen[0]!.authorization).toBe('Bearer t1');
    expect(other.seen).toHaveLength(1);
    expect(other.seen[0]!.authorization).toBeUndefined();
  });

  it('drops the token on a redirect to a subdomain (which follow-redirects would keep it for)', async () => {
    const source = new CountingSource();
    // `api.test` and `evil.api.test` are two origins served by one test server (see `lookup`).
    const client = create({ baseURL: `http://api.test:${api.port}`, lookup });
    attachTokens(client, source, { origins: [`http://api.test:${api.port}`], allowInsecureRequests: true });

    const to = `http://evil.api.test:${api.port}/steal`;
    const res = await client.get(`/redirect?to=${encodeURIComponent(to)}`);
    expect(res.status).toBe(200);
    expect(api.seen.map((s) => [s.host, s.authorization])).toEqual([
      [`api.test:${api.port}`, 'Bearer t1'],
      [`evil.api.test:${api.port}`, undefined],
    ]);
  });

  // A redirect to a subdomain: the one cross-origin hop on which follow-redirects keeps Authorization,
  // so only our hook stands between the token and the other origin.
  const subdomain = () => {
    const base = `http://api.test:${api.port}`;
    const to = encodeURIComponent(`http://evil.api.test:${api.port}/steal`);
    return { base, path: `/redirect?to=${to}` };
  };
  const hosts = () => api.seen.map((s) => [s.host?.split(':')[0], s.authorization]);

  it('drops the fresh token of the retry on a redirect to another origin', async () => {
    const source = new CountingSource();
    const { base, path } = subdomain();
    const client = create({ baseURL: base, lookup });
    attachTokens(client, source, { origins: [base], allowInsecureRequests: true });
    api.unauthorized = 1;

    const res = await client.get(path);
    expect(res.status).toBe(200);
    expect(hosts()).toEqual([
      ['api.test', 'Bearer t1'],
      ['api.test', 'Bearer t2'],
      ['evil.api.test', undefined],
    ]);
  });

  it('drops the token of a config sent again (error.config, as axios-retry does) on a cross-origin redirect', async () => {
    const source = new CountingSource();
    const { base, path } = subdomain();
    const client = create({ baseURL: base, lookup });
    attachTokens(client, source, { origins: [base], allowInsecureRequests: true });
    api.failing = 1;

    const err = (await client.get(path).catch((e: unknown) => e)) as AxiosError;
    expect(err.response?.status).toBe(503);
    source.rotate(); // the token moved on (a refresh) before the request is sent again
    const res = await client.request(err.config!);
    expect(res.status).toBe(200);
    expect(hosts()).toEqual([
      ['api.test', 'Bearer t1'],
      ['api.test', 'Bearer t2'],
      ['evil.api.test', undefined],
    ]);
  });

  it('a config sent again to an origin that is not listed does not carry the old token', async () => {
    const source = new CountingSource();
    const client = create({ baseURL: api.origin });
    attachTokens(client, source, { origins: [api.origin] });
    api.failing = 1;

    const err = (await client.get('/v1/tables').catch((e: unknown) => e)) as AxiosError;
    expect(err.response?.status).toBe(503);
    await client.request({ ...err.config!, url: `${other.origin}/elsewhere` });
    expect(api.seen.map((s) => s.authorization)).toEqual(['Bearer t1']);
    expect(other.seen.map((s) => s.authorization)).toEqual([undefined]);
  });

  it('does not invalidate nor replay on a 401 from another origin reached by a redirect', async () => {
    const source = new CountingSource();
    const client = create({ baseURL: api.origin });
    attachTokens(client, source, { origins: [api.origin] });
    other.unauthorized = 1;

    const to = encodeURIComponent(`${other.origin}/collect`);
    const err = (await client
      .post(`/redirect?status=307&to=${to}`, { rows: 1 })
      .catch((e: unknown) => e)) as AxiosError;
    expect(err.response?.status).toBe(401);
    expect(api.seen.map((s) => [s.method, s.authorization])).toEqual([['POST', 'Bearer t1']]);
    expect(other.seen.map((s) => [s.method, s.authorization, s.body])).toEqual([
      ['POST', undefined, '{"rows":1}'],
    ]);
    expect(source.invalidated).toEqual([]);
  });

  it('still retries a 401 reached by a redirect within the same origin', async () => {
    const source = new CountingSource();
    const client = create({ baseURL: api.origin });
    attachTokens(client, source, { origins: [api.origin] });
    api.unauthorized = 1;
    api.unauthorizedPath = '/v1/tables';

    const res = await client.get(`/redirect?to=${encodeURIComponent('/v1/tables')}`);
    expect(res.status).toBe(200);
    expect(api.seen.map((s) => [s.path, s.authorization])).toEqual([
      ['/redirect', 'Bearer t1'],
      ['/v1/tables', 'Bearer t1'],
      ['/redirect', 'Bearer t2'],
      ['/v1/tables', 'Bearer t2'],
    ]);
    expect(source.invalidated).toEqual(['t1']);
  });

  it('calls the beforeRedirect hook of the request config as well', async () => {
    const source = new CountingSource();
    const client = create({ baseURL: api.origin });
    attachTokens(client, source, { origins: [api.origin] });
    const hops: string[] = [];

    await client.get(`/redirect?to=${encodeURIComponent(`${other.origin}/x`)}`, {
      beforeRedirect: (options) => void hops.push(String(options.href)),
    });
    expect(hops).toEqual([`${other.origin}/x`]);
    expect(other.seen[0]!.authorization).toBeUndefined();
  });

  it('detach removes both interceptors', async () => {
    const source = new CountingSource();
    const client = create({ baseURL: api.origin });
    const detach = attachTokens(client, source, { origins: [api.origin] });
    detach();
    detach();
    api.unauthorized = 1;

    const err = await client.get('/v1/tables').catch((e: unknown) => e);
    expect((err as AxiosError).response?.status).toBe(401);
    expect(api.seen.map((s) => s.authorization)).toEqual([undefined]);
    expect(source.getTokenCalls).toBe(0);
  });
});

describe('attachTokens with the fetch adapter', () => {
  it('loses the token on a cross-origin redirect (fetch drops Authorization itself)', async () => {
    const source = new CountingSource();
    const client = axios.create({ baseURL: api.origin, adapter: 'fetch' });
    attachTokens(client, source, { origins: [api.origin] });

    const res = await client.get(`/redirect?to=${encodeURIComponent(`${other.origin}/steal`)}`);
    expect(res.status).toBe(200);
    expect(api.seen[0]!.authorization).toBe('Bearer t1');
    expect(other.seen[0]!.authorization).toBeUndefined();
  });

  it('retries a 401 once', async () => {
    const source = new CountingSource();
    const client = axios.create({ baseURL: api.origin, adapter: 'fetch' });
    attachTokens(client, source, { origins: [api.origin] });
    api.unauthorized = 1;

    expect((await client.get('/v1/tables')).status).toBe(200);
    expect(api.seen.map((s) => s.authorization)).toEqual(['Bearer t1', 'Bearer t2']);
  });
});

describe('attachTokens with anyOrigin', () => {
  it('sends the token to any https: or loopback origin', async () => {
    const source = new CountingSource();
    const client = axios.create({});
    attachTokens(client, source, { anyOrigin: true });

    await client.get(`${api.origin}/a`);
    await client.get(`${other.origin}/b`);
    expect(api.seen[0]!.authorization).toBe('Bearer t1');
    expect(other.seen[0]!.authorization).toBe('Bearer t1');
  });

  it('not to plain http: on another host unless allowInsecureRequests', async () => {
    const source = new CountingSource();
    const strict = axios.create({ lookup });
    attachTokens(strict, source, { anyOrigin: true });
    await strict.get(`http://api.test:${api.port}/a`);

    const lax = axios.create({ lookup });
    attachTokens(lax, source, { anyOrigin: true, allowInsecureRequests: true });
    await lax.get(`http://api.test:${api.port}/b`);

    expect(api.seen.map((s) => s.authorization)).toEqual([undefined, 'Bearer t1']);
  });
});

describe('attachTokens options', () => {
  const source = new CountingSource();
  const client = axios.create();

  it.each([
    [{}, /origins must be a non-empty array/],
    [{ origins: [] }, /origins must be a non-empty array/],
    [{ origins: ['not a url'] }, /origins entries must be absolute URLs/],
    [{ origins: ['https://api.example/v1'] }, /origins entries must be bare origins/],
    [{ origins: ['http://api.example'] }, /origins entry http:\/\/api.example uses plain http:/],
    [{ origins: ['ftp://api.example'] }, /origins entries must use https:/],
    [{ origins: ['https://api.example'], anyOrigin: true }, /either origins or anyOrigin/],
  ])('rejects %j', (options, message) => {
    expect(() => attachTokens(client, source, options)).toThrow(ConfigurationError);
    expect(() => attachTokens(client, source, options)).toThrow(message);
  });

  it('rejects a missing source or instance', () => {
    expect(() => attachTokens(client, {} as TokenSource, { origins: ['https://a.example'] })).toThrow(
      /source must be a TokenSource/,
    );
    expect(() => attachTokens({} as AxiosInstance, source, { origins: ['https://a.example'] })).toThrow(
      /instance must be an axios instance/,
    );
  });

  it('accepts http: origins on loopback and with allowInsecureRequests', () => {
    expect(() => attachTokens(client, source, { origins: ['http://127.0.0.1:8080'] })).not.toThrow();
    expect(() =>
      attachTokens(client, source, { origins: ['http://api.internal'], allowInsecureRequests: true }),
    ).not.toThrow();
  });
});
