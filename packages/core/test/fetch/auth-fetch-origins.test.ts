/**
 * authFetch's `401` retry over real HTTP, with two servers on 127.0.0.1 (two ports, so two origins): the
 * token is invalidated and the request replayed only when the answer came from an origin the token was
 * sent to. A `401` from a foreign origin reached by a redirect says nothing about the token.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { authFetch } from '@m2m-auth/core';
import { countingSource } from '../support/counting-source.js';

interface Seen {
  path: string;
  method: string;
  authorization: string | undefined;
  body: string;
}

interface Site {
  origin: string;
  seen: Seen[];
  server: Server;
}

type Handler = (seen: Seen, res: ServerResponse) => void;
const handlers = new Map<string, Handler>();

async function site(name: string): Promise<Site> {
  const seen: Seen[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const s: Seen = {
        path: req.url ?? '/',
        method: req.method ?? 'GET',
        authorization: req.headers.authorization,
        body: Buffer.concat(chunks).toString(),
      };
      seen.push(s);
      const handler = handlers.get(`${name} ${s.path}`);
      if (handler) handler(s, res);
      else {
        res.statusCode = 404;
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
}

function redirect(res: ServerResponse, status: number, location: string): void {
  res.statusCode = status;
  res.setHeader('location', location);
  res.end();
}

/** 401 unless the request carries tok-2. */
const needsFreshToken: Handler = (seen, res) => {
  res.statusCode = seen.authorization === 'Bearer tok-2' ? 200 : 401;
  res.end(seen.authorization === 'Bearer tok-2' ? `fresh ${seen.body}` : '');
};

let a: Site;
let b: Site;

beforeAll(async () => {
  a = await site('a');
  b = await site('b');
});
afterAll(async () => {
  await close(a.server);
  await close(b.server);
});
beforeEach(() => {
  a.seen.length = 0;
  b.seen.length = 0;
  handlers.clear();
});

describe('authFetch: which 401 is a reason to retry', () => {
  it('a 401 from a foreign origin reached by a redirect is returned, the token kept, nothing replayed', async () => {
    handlers.set('a /start', (_, res) => redirect(res, 307, `${b.origin}/foreign`));
    handlers.set('b /foreign', needsFreshToken);
    const { source, invalidated } = countingSource();
    const api = authFetch(source, { origins: [a.origin] });
    const res = await api(`${a.origin}/start`, { method: 'POST', body: 'payload' });
    expect(res.status).toBe(401);
    expect(invalidated).toEqual([]);
    expect(a.seen.map((s) => [s.method, s.authorization, s.body])).toEqual([
      ['POST', 'Bearer tok-1', 'payload'],
    ]);
    expect(b.seen.map((s) => [s.method, s.authorization, s.body])).toEqual([['POST', undefined, 'payload']]);
  });

  it('a 401 from the origin the token went to is retried once with a fresh token', async () => {
    handlers.set('a /start', (_, res) => redirect(res, 307, '/end'));
    handlers.set('a /end', needsFreshToken);
    const { source, invalidated } = countingSource();
    const res = await authFetch(source, { origins: [a.origin] })(`${a.origin}/start`, {
      method: 'POST',
      body: 'payload',
    });
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('fresh payload');
    expect(invalidated).toEqual(['tok-1']);
    expect(a.seen.map((s) => [s.path, s.authorization])).toEqual([
      ['/start', 'Bearer tok-1'],
      ['/end', 'Bearer tok-1'],
      ['/start', 'Bearer tok-2'],
      ['/end', 'Bearer tok-2'],
    ]);
  });

  it('a 401 from a second listed origin, reached by a redirect, is retried: the token went there too', async () => {
    handlers.set('a /start', (_, res) => redirect(res, 308, `${b.origin}/listed`));
    handlers.set('b /listed', needsFreshToken);
    const { source, invalidated } = countingSource();
    const res = await authFetch(source, { origins: [a.origin, b.origin] })(`${a.origin}/start`, {
      method: 'PUT',
      body: 'payload',
    });
    expect(res.status).toBe(200);
    expect(invalidated).toEqual(['tok-1']);
    expect(b.seen.map((s) => [s.method, s.authorization, s.body])).toEqual([
      ['PUT', 'Bearer tok-1', 'payload'],
      ['PUT', 'Bearer tok-2', 'payload'],
    ]);
  });

  it('a redirect from an unlisted origin to a listed one: the token goes only to the listed one', async () => {
    handlers.set('b /start', (_, res) => redirect(res, 302, `${a.origin}/end`));
    handlers.set('a /end', needsFreshToken);
    const { source, invalidated } = countingSource();
    const res = await authFetch(source, { origins: [a.origin] })(`${b.origin}/start`);
    expect(res.status).toBe(200);
    expect(invalidated).toEqual(['tok-1']);
    expect(b.seen.map((s) => s.authorization)).toEqual([undefined, undefined]);
    expect(a.seen.map((s) => s.authorization)).toEqual(['Bearer tok-1', 'Bearer tok-2']);
  });

  it('a Request body is sent over the wire again on the retry', async () => {
    handlers.set('a /upload', needsFreshToken);
    const { source } = countingSource();
    const request = new Request(`${a.origin}/upload`, {
      method: 'POST',
      body: new URLSearchParams({ q: '1' }),
    });
    const res = await authFetch(source, { origins: [a.origin] })(request);
    expect(await res.text()).toBe('fresh q=1');
    expect(a.seen.map((s) => [s.method, s.body])).toEqual([
      ['POST', 'q=1'],
      ['POST', 'q=1'],
    ]);
  });
});
