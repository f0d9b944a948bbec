/**
 * The guarded `fetch` behind every token-endpoint and discovery request, against a fault-injecting
 * token endpoint of this test's own on 127.0.0.1: statuses a `Response` cannot be rebuilt with (null-body
 * statuses, statuses past 599) must end in m2m-auth's typed errors, never in a `Response` constructor
 * failure.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ClientCredentials,
  InvalidTokenResponseError,
  TokenDiscoveryError,
  TokenRequestError,
} from '@m2m-auth/core';

const SECRET = 'guarded-fetch-secret-0123456789';
let server: Server;
let base: string;
const hits: Record<string, number> = {};

beforeAll(async () => {
  // `/<status>/token` answers <status>; a body only where HTTP allows one.
  server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    hits[path] = (hits[path] ?? 0) + 1;
    const status = Number(path.split('/')[1]);
    res.statusCode = Number.isInteger(status) && status >= 200 ? status : 404;
    if (status === 204 || status === 205 || status === 304) {
      res.end();
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ access_token: 'never-used', token_type: 'Bearer', expires_in: 60 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(
  () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
);

function source(path: string): ClientCredentials {
  return new ClientCredentials({
    tokenEndpoint: `${base}${path}`,
    clientId: 'svc',
    clientSecret: SECRET,
    retry: { retries: 1, minDelay: 1, maxDelay: 1 },
  });
}

async function failure(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

describe('guardedFetch: answers a Response cannot carry', () => {
  it.each([204, 205])(
    'a %i from the token endpoint is an InvalidTokenResponseError, not retried',
    async (status) => {
      const s = source(`/${status}/token`);
      const error = await failure(s.getToken());
      expect(error).toBeInstanceOf(InvalidTokenResponseError);
      expect(error).toMatchObject({
        code: 'invalid_token_response',
        reason: 'missing_access_token',
        status,
      });
      expect(error.message).toContain(`HTTP ${status}`);
      expect(error.message).not.toMatch(/Response constructor/);
      expect(error.message).not.toContain(SECRET);
      expect(hits[`/${status}/token`]).toBe(1);
      s.close();
    },
  );

  it('a 304 is a TokenRequestError with status 304, not called a redirect', async () => {
    const s = source('/304/token');
    const error = await failure(s.getToken());
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ code: 'token_request_failed', status: 304 });
    expect(error.message).toContain('HTTP 304');
    expect(error.message).not.toMatch(/redirect|Response constructor/);
    s.close();
  });

  it('a status past 599 is a retried server fault with that status', async () => {
    const s = source('/600/token');
    const error = await failure(s.getToken());
    expect(error).toBeInstanceOf(TokenRequestError);
    expect(error).toMatchObject({ code: 'token_request_failed', status: 600 });
    expect(error.message).not.toMatch(/Response constructor|status code/);
    expect(hits['/600/token']).toBe(2); // one retry
    s.close();
  });

  it('a 204 from discovery is a TokenDiscoveryError naming the status', async () => {
    const s = new ClientCredentials({
      issuer: `${base}/204`,
      clientId: 'svc',
      clientSecret: SECRET,
      retry: false,
    });
    const error = await failure(s.getToken());
    expect(error).toBeInstanceOf(TokenDiscoveryError);
    expect(error.message).toContain('HTTP 204');
    expect(error.message).not.toMatch(/Response constructor/);
    s.close();
  });
});
