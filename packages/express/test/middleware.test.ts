/**
 * The Express adapter over real HTTP, on Express 5 and Express 4, with tokens from a real oidc-provider.
 */
import { createVerifier, keycloak, type Principal } from '@m2m-auth/core';
import { AuthError, claimCheck, requireAuth, requirePermission, requireScope } from '@m2m-auth/express';
import express5, { type ErrorRequestHandler } from 'express';
import express4 from 'express4';
import { SignJWT, importJWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type Listening } from '../../../test/support/listen.js';
import { startOidcProvider, type RunningProvider } from '../../../test/support/oidc-provider.js';

const AUDIENCE = 'https://api.example';
let op: RunningProvider;
const tokens: Record<string, string> = {};

async function token(clientId: string, secret: string, scope: string): Promise<string> {
  const res = await fetch(`${op.issuer}/token`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${clientId}:${secret}`).toString('base64')}`,
      'content-type': 'application/x-www-form-urlencoded',
    },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope, resource: AUDIENCE }),
  });
  const body = (await res.json()) as { access_token?: string };
  if (!body.access_token) throw new Error(`no token: ${JSON.stringify(body)}`);
  return body.access_token;
}

beforeAll(async () => {
  op = await startOidcProvider({
    clients: [
      {
        clientId: 'admin',
        clientSecret: 'admin-secret',
        scopes: ['project-1', 'project-2', 'read'],
        claims: { resource_access: { api: { roles: ['AdministerClients'] } }, org: 'acme' },
      },
      { clientId: 'reader', clientSecret: 'reader-secret', scopes: ['read'], claims: { org: 'globex' } },
    ],
    resources: { [AUDIENCE]: { scopes: ['project-1', 'project-2', 'read'] } },
  });
  tokens.admin = await token('admin', 'admin-secret', 'project-1 read');
  tokens.reader = await token('reader', 'reader-secret', 'read');
});

afterAll(async () => {
  await op?.close();
});

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

describe.each([
  { name: 'Express 5', express: express5 },
  { name: 'Express 4', express: express4 },
])('$name', ({ express }) => {
  let api: Listening;
  let handled: unknown[] = [];

  beforeAll(async () => {
    const verifier = createVerifier({
      issuer: op.issuer,
      audience: AUDIENCE,
      claims: keycloak({ clientId: 'api' }),
    });
    const app = express();
    app.use(express.urlencoded({ extended: false }));

    const auth = requireAuth(verifier);
    app.get('/me', auth, (req, res) => {
      const p: Principal | undefined = req.auth;
      res.json({
        clientId: p?.clientId,
        scopes: [...(p?.scopes ?? [])].sort(),
        permissions: [...(p?.permissions ?? [])],
      });
    });
    app.get(
      '/projects/:id/tables',
      auth,
      requireScope((req) => `project-${String(req.params.id)}`),
      (_q, r) => r.json({ ok: true }),
    );
    app.get('/any', auth, requireScope(['project-9', 'read'], { mode: 'any' }), (_q, r) =>
      r.json({ ok: true }),
    );
    app.get('/all', auth, requireScope(['project-1', 'read', 'project-2']), (_q, r) => r.json({ ok: true }));
    app.post('/clients', auth, requirePermission('AdministerClients'), (_q, r) =>
      r.status(201).json({ ok: true }),
    );
    app.get(
      '/org/:org',
      auth,
      claimCheck((claims, _p, req) => claims.org === req.params.org, { description: 'wrong organization' }),
      (_q, r) => r.json({ ok: true }),
    );
    app.get('/optional', requireAuth(verifier, { optional: true }), (req, res) =>
      res.json({ anonymous: req.auth === undefined }),
    );
    app.get('/alone', requireScope('read', { auth: verifier }), (req, res) =>
      res.json({ clientId: req.auth?.clientId }),
    );
    app.get('/misconfigured', requireScope('read'), (_q, r) => r.json({ ok: true }));
    app.get(
      '/custom',
      requireAuth(verifier, {
        realm: 'tables',
        errorBody: (e) => ({ message: e.description, code: e.code }),
      }),
      (_q, r) => r.json({ ok: true }),
    );
    app.post('/form', requireAuth(verifier, { allowBodyToken: true }), (req, res) =>
      res.json({ clientId: req.auth?.clientId }),
    );
    app.get('/handled', requireAuth(verifier, { passErrors: true }), (_q, r) => r.json({ ok: true }));
    const onError: ErrorRequestHandler = (err: unknown, _req, res, _next) => {
      handled.push(err);
      if (err instanceof AuthError) {
        res.status(err.status).set(err.headers).json({ handledBy: 'app', reason: err.reason });
        return;
      }
      res.status(500).json({ handledBy: 'app', name: (err as Error).name });
    };
    app.use(onError);
    api = await listen(app);
  });

  afterAll(async () => {
    await api?.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${api.url}${path}`, { headers });

  it('accepts a real token and sets req.auth', async () => {
    const res = await get('/me', bearer(tokens.admin!));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      clientId: 'admin',
      scopes: ['project-1', 'read'],
      permissions: ['AdministerClients'],
    });
  });

  it('answers a missing token with 401 and a bare challenge', async () => {
    const res = await get('/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="${AUDIENCE}"`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ error: 'invalid_token', error_description: 'no bearer token' });
  });

  it('derives the required scope from a route parameter', async () => {
    expect((await get('/projects/1/tables', bearer(tokens.admin!))).status).toBe(200);
    const denied = await get('/projects/2/tables', bearer(tokens.admin!));
    expect(denied.status).toBe(403);
    expect(denied.headers.get('www-authenticate')).toBe(
      `Bearer realm="${AUDIENCE}", error="insufficient_scope", error_description="missing scope project-2", scope="project-2"`,
    );
    expect(await denied.json()).toEqual({
      error: 'insufficient_scope',
      error_description: 'missing scope project-2',
    });
  });

  it('supports any and all modes', async () => {
    expect((await get('/any', bearer(tokens.reader!))).status).toBe(200);
    expect((await get('/all', bearer(tokens.admin!))).status).toBe(403);
    const res = await get('/all', bearer(tokens.reader!));
    expect(res.headers.get('www-authenticate')).toContain('scope="project-1 read project-2"');
  });

  it('requires a permission mapped from Keycloak resource roles', async () => {
    const ok = await fetch(`${api.url}/clients`, { method: 'POST', headers: bearer(tokens.admin!) });
    expect(ok.status).toBe(201);
    const denied = await fetch(`${api.url}/clients`, { method: 'POST', headers: bearer(tokens.reader!) });
    expect(denied.status).toBe(403);
    expect(denied.headers.get('www-authenticate')).toContain('scope="AdministerClients"');
    expect((await denied.json()).error_description).toBe('missing permission AdministerClients');
  });

  it('checks arbitrary claims against the request', async () => {
    expect((await get('/org/acme', bearer(tokens.admin!))).status).toBe(200);
    const denied = await get('/org/acme', bearer(tokens.reader!));
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({
      error: 'insufficient_scope',
      error_description: 'wrong organization',
    });
  });

  it('lets optional requests through anonymously but never downgrades a bad token', async () => {
    expect(await (await get('/optional')).json()).toEqual({ anonymous: true });
    expect(await (await get('/optional', bearer(tokens.reader!))).json()).toEqual({ anonymous: false });
    const bad = await get('/optional', bearer(`${tokens.reader!.slice(0, -4)}AAAA`));
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('authenticates first when an authorization middleware is used alone', async () => {
    expect((await get('/alone')).status).toBe(401);
    const res = await get('/alone', bearer(tokens.reader!));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ clientId: 'reader' });
  });

  it('reports a missing requireAuth as a server error, not as an auth failure', async () => {
    handled = [];
    const res = await get('/misconfigured', bearer(tokens.reader!));
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ handledBy: 'app', name: 'ConfigurationError' });
  });

  it('honours realm and a custom error body', async () => {
    const res = await get('/custom');
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="tables"');
    expect(await res.json()).toEqual({ message: 'no bearer token', code: 'invalid_token' });
  });

  it('accepts a form-body token only where enabled', async () => {
    const body = new URLSearchParams({ access_token: tokens.reader! });
    const ok = await fetch(`${api.url}/form`, { method: 'POST', body });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ clientId: 'reader' });
    const refused = await fetch(`${api.url}/clients`, { method: 'POST', body });
    expect(refused.status).toBe(400);
    expect((await refused.json()).error).toBe('invalid_request');
  });

  it("routes errors to the app's error handler when asked", async () => {
    handled = [];
    const res = await get('/handled', bearer('not-a-jwt'));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(await res.json()).toEqual({ handledBy: 'app', reason: 'token_malformed' });
    expect(handled).toHaveLength(1);
    expect(handled[0]).toBeInstanceOf(AuthError);
  });
});

describe('an unreachable issuer', () => {
  it('answers 503 and never lets the request through', async () => {
    const closed = await listen((_q, r) => r.end());
    const issuer = closed.url;
    await closed.close();
    const app = express5();
    app.get('/', requireAuth({ issuer, audience: AUDIENCE, timeout: 500 }), (_q, r) =>
      r.json({ passed: true }),
    );
    const api = await listen(app);
    try {
      const forged = await new SignJWT({ aud: AUDIENCE, scope: 'read' })
        .setProtectedHeader({ alg: 'RS256', kid: op.signingKey.kid })
        .setIssuer(issuer)
        .setExpirationTime('5m')
        .sign(await importJWK(op.signingKey, 'RS256'));
      const res = await fetch(api.url, { headers: bearer(forged) });
      expect(res.status).toBe(503);
      expect(res.headers.get('www-authenticate')).toBeNull();
      expect(await res.json()).toEqual({
        error: 'temporarily_unavailable',
        error_description: 'the token issuer is unavailable',
      });
    } finally {
      await api.close();
    }
  });
});
