import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientToken } from '../../../test/support/client-token.js';
import { startOidcProvider, type RunningProvider } from '../../../test/support/oidc-provider.js';
import { runWithoutIssuer, startScript } from '../../../test/support/start-script.js';
import { createHandler, type FetchHandler } from '../src/handler.js';

const AUDIENCE = 'https://tables.example';
let op: RunningProvider;
let handler: FetchHandler;
let server: ServerType;
let url: string;
let token: string;

beforeAll(async () => {
  op = await startOidcProvider({
    clients: [
      {
        clientId: 'svc',
        clientSecret: 'svc-secret',
        authMethod: 'client_secret_post',
        scopes: ['project-45c0'],
        claims: { org: 'acme' },
      },
    ],
    resources: { [AUDIENCE]: { scopes: ['project-45c0'] } },
  });
  token = await clientToken(op, 'svc', 'project-45c0', AUDIENCE);
  handler = createHandler({ issuer: op.issuer, audience: AUDIENCE });
  await new Promise<void>((resolve) => {
    server = serve({ fetch: handler, port: 0, hostname: '127.0.0.1' }, () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await op?.close();
});

const auth = (t: string) => ({ headers: { authorization: `Bearer ${t}` } });

describe('examples/fetch-handler called with Node’s own Request', () => {
  it('answers a Request with a valid token', async () => {
    const res = await handler(new Request('http://api.local/v1/projects/45c0/tables', auth(token)));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ project: '45c0', caller: 'svc' });
  });

  it('answers a Request without a token with the 401 of toResponse()', async () => {
    const res = await handler(new Request('http://api.local/v1/projects/45c0/tables'));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="${AUDIENCE}"`);
  });
});

describe('examples/fetch-handler over HTTP', () => {
  it('serves /health without a token', async () => {
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });

  it('lists the tables of the token’s project, refuses another (403, scope named)', async () => {
    expect((await fetch(`${url}/v1/projects/45c0/tables`, auth(token))).status).toBe(200);
    const other = await fetch(`${url}/v1/projects/77aa/tables`, auth(token));
    expect(other.status).toBe(403);
    expect(other.headers.get('www-authenticate')).toContain('scope="project-77aa"');
    expect(other.headers.get('cache-control')).toBe('no-store');
  });

  it('checks a claim: the caller’s org only (checkClaims → 403)', async () => {
    expect((await fetch(`${url}/v1/orgs/acme`, auth(token))).status).toBe(200);
    const res = await fetch(`${url}/v1/orgs/globex`, auth(token));
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      error: 'insufficient_scope',
      error_description: 'not a member of this organization',
    });
  });

  it('a malformed Authorization header is a 400 invalid_request', async () => {
    const res = await fetch(`${url}/v1/orgs/acme`, { headers: { authorization: 'Bearer a b' } });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toBe('invalid_request');
  });
});

describe('examples/fetch-handler start script', () => {
  const cwd = fileURLToPath(new URL('..', import.meta.url));

  it('starts with ISSUER and PORT=0 and stops on SIGTERM', async () => {
    const script = await startScript(cwd, { ISSUER: op.issuer, AUDIENCE, PORT: '0' }, /on (http:\/\/\S+)/);
    try {
      expect((await fetch(`${script.url}/v1/projects/45c0/tables`, auth(token))).status).toBe(200);
    } finally {
      expect(await script.stop()).toBe(0);
    }
  });

  it('refuses to start without ISSUER, exit code 1', async () => {
    expect((await runWithoutIssuer(cwd)).code).toBe(1);
  });
});
