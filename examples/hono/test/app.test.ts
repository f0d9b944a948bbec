import { serve, type ServerType } from '@hono/node-server';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientToken } from '../../../test/support/client-token.js';
import { startOidcProvider, type RunningProvider } from '../../../test/support/oidc-provider.js';
import { runWithoutIssuer, startScript } from '../../../test/support/start-script.js';
import { createTablesApi } from '../src/app.js';

const AUDIENCE = 'https://tables.example';
let op: RunningProvider;
let server: ServerType;
let url: string;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  // `ops` holds the AdministerClients role of the tables-api client, Keycloak-style.
  const roles = { resource_access: { 'tables-api': { roles: ['AdministerClients'] } } };
  const client = (clientId: string, scope: string, claims?: Record<string, unknown>) => ({
    clientId,
    clientSecret: `${clientId}-secret`,
    authMethod: 'client_secret_post' as const,
    scopes: [scope],
    ...(claims ? { claims } : {}),
  });
  op = await startOidcProvider({
    clients: [client('MPS-test', 'project-45c0'), client('ops', 'project-77aa', roles)],
    resources: { [AUDIENCE]: { scopes: ['project-45c0', 'project-77aa'] } },
  });
  tokens.mps = await clientToken(op, 'MPS-test', 'project-45c0', AUDIENCE);
  tokens.ops = await clientToken(op, 'ops', 'project-77aa', AUDIENCE);
  const app = createTablesApi({ issuer: op.issuer, audience: AUDIENCE });
  await new Promise<void>((resolve) => {
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve());
  });
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  await new Promise((resolve) => server?.close(resolve));
  await op?.close();
});

const get = (path: string, token?: string) =>
  fetch(`${url}${path}`, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });

describe('examples/hono over HTTP', () => {
  it('serves /health without a token', async () => {
    expect((await get('/health')).status).toBe(200);
  });

  it("lists the tables of the token's project; c.get('auth') is the caller", async () => {
    const res = await get('/v1/projects/45c0/tables', tokens.mps);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ project: '45c0', tables: ['events', 'orders'], caller: 'MPS-test' });
  });

  it('answers 401 without a token: bare challenge, no-store, JSON body', async () => {
    const res = await get('/v1/projects/45c0/tables');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="${AUDIENCE}"`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ error: 'unauthorized', error_description: 'no bearer token' });
  });

  it('answers 401 invalid_token for a tampered token', async () => {
    const res = await get('/v1/projects/45c0/tables', `${tokens.mps!.slice(0, -4)}AAAA`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(/error="invalid_token"/);
  });

  it('refuses another project with 403 naming the scope', async () => {
    const res = await get('/v1/projects/77aa/tables', tokens.mps);
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('scope="project-77aa"');
    expect((await res.json()).error).toBe('insufficient_scope');
  });

  it('gates client administration on the AdministerClients role', async () => {
    expect((await get('/v1/clients', tokens.ops)).status).toBe(200);
    expect((await get('/v1/clients', tokens.mps)).status).toBe(403);
  });
});

describe('examples/hono start script', () => {
  const cwd = fileURLToPath(new URL('..', import.meta.url));

  it('starts with ISSUER and PORT=0 and stops on SIGTERM', async () => {
    const script = await startScript(cwd, { ISSUER: op.issuer, AUDIENCE, PORT: '0' }, /on (http:\/\/\S+)/);
    try {
      expect((await fetch(`${script.url}/v1/clients`)).status).toBe(401);
      const res = await fetch(`${script.url}/v1/clients`, {
        headers: { authorization: `Bearer ${tokens.ops}` },
      });
      expect(res.status).toBe(200);
    } finally {
      expect(await script.stop()).toBe(0);
    }
  });

  it('refuses to start without ISSUER, exit code 1', async () => {
    const { code, stderr } = await runWithoutIssuer(cwd);
    expect(code).toBe(1);
    expect(stderr).toContain('Set ISSUER');
  });
});
