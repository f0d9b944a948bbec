/**
 * The Express adapter over real HTTP, on Express 5 and Express 4, with tokens from a real oidc-provider.
 */
import {
  ConfigurationError,
  createVerifier,
  keycloak,
  type Principal,
  type RejectionEvent,
} from '@m2m-auth/core';
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
  let rejections: RejectionEvent[] = [];

  beforeAll(async () => {
    const verifier = createVerifier({
      issuer: op.issuer,
      audience: AUDIENCE,
      claims: keycloak({ clientId: 'api' }),
      onRejection: (event) => rejections.push(event),
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
    app.get('/optional/scoped', requireAuth(verifier, { optional: true }), requireScope('read'), (_q, r) =>
      r.json({ ok: true }),
    );
    app.get(
      '/computed/empty',
      auth,
      requireScope(() => []),
      (_q, r) => r.json({ passed: true }),
    );
    app.get(
      '/computed/query',
      auth,
      requirePermission((req) => req.query.role as string),
      (_q, r) => r.json({ passed: true }),
    );
    app.get(
      '/computed/any',
      auth,
      requireScope(
        (req) => (typeof req.query.scopes === 'string' ? req.query.scopes : '').split(',').filter(Boolean),
        { mode: 'any' },
      ),
      (_q, r) => r.json({ passed: true }),
    );
    app.get(
      '/computed/param/:id',
      auth,
      requireScope((req) => String(req.params.id)),
      (_q, r) => r.json({ passed: true }),
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
    app.get('/handled/realm', requireAuth(verifier, { passErrors: true, realm: 'tables' }), (_q, r) =>
      r.json({ ok: true }),
    );
    app.get(
      '/handled/scoped',
      requireAuth(verifier, { passErrors: true }),
      requireScope('project-2'),
      (_q, r) => r.json({ ok: true }),
    );
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
    // RFC 6750 §3.1: no error code for a request without credentials, in the challenge or the body.
    expect(await res.json()).toEqual({ error: 'unauthorized', error_description: 'no bearer token' });
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

  it('reports an anonymous request refused by a later requirement to onRejection', async () => {
    rejections = [];
    const res = await get('/optional/scoped');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="${AUDIENCE}"`);
    expect(rejections).toEqual([
      { code: 'invalid_token', reason: 'token_missing', status: 401, description: 'no bearer token' },
    ]);
    rejections = [];
    expect((await get('/optional/scoped', bearer(tokens.reader!))).status).toBe(200);
    expect(rejections).toEqual([]);
  });

  it('fails closed (500, never a pass) when a computed requirement comes out empty', async () => {
    handled = [];
    for (const path of ['/computed/empty', '/computed/query', '/computed/any']) {
      const res = await get(path, bearer(tokens.admin!));
      expect(res.status).toBe(500);
      expect(await res.json()).toEqual({ handledBy: 'app', name: 'ConfigurationError' });
    }
    expect(handled).toHaveLength(3);
    expect((handled[0] as Error).message).toContain('requireScope');
    // The same routes with a requirement: decided as usual.
    expect((await get('/computed/query?role=AdministerClients', bearer(tokens.admin!))).status).toBe(200);
    expect((await get('/computed/query?role=AdministerClients', bearer(tokens.reader!))).status).toBe(403);
    expect((await get('/computed/any?scopes=x,read', bearer(tokens.reader!))).status).toBe(200);
  });

  it('answers 403, not 500, when a computed requirement is whitespace sent by the caller', async () => {
    handled = [];
    for (const id of ['%20', '%09', '%20%20']) {
      const res = await get(`/computed/param/${id}`, bearer(tokens.reader!));
      expect(res.status).toBe(403);
      expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    }
    expect(handled).toEqual([]);
    expect((await get('/computed/param/read', bearer(tokens.reader!))).status).toBe(200);
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

  it('hands the app the same challenge as the built-in responder, realm included (passErrors)', async () => {
    const missing = await get('/handled');
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe(`Bearer realm="${AUDIENCE}"`);
    expect(missing.headers.get('cache-control')).toBe('no-store');
    expect(await missing.json()).toEqual({ handledBy: 'app', reason: 'token_missing' });

    const named = await get('/handled/realm');
    expect(named.headers.get('www-authenticate')).toBe('Bearer realm="tables"');
    const bad = await get('/handled/realm', bearer('not-a-jwt'));
    expect(bad.headers.get('www-authenticate')).toMatch(/^Bearer realm="tables", error="invalid_token"/);

    const scoped = await get('/handled/scoped', bearer(tokens.admin!));
    expect(scoped.status).toBe(403);
    expect(scoped.headers.get('www-authenticate')).toBe(
      `Bearer realm="${AUDIENCE}", error="insufficient_scope", error_description="missing scope project-2", scope="project-2"`,
    );
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

/** The URL of a server on 127.0.0.1 that has stopped: nothing answers there. */
async function unreachableIssuer(): Promise<string> {
  const closed = await listen((_q, r) => r.end());
  await closed.close();
  return closed.url;
}

/** A token for `issuer`, signed with the provider's key (which that issuer never publishes). */
async function signedFor(issuer: string): Promise<string> {
  return new SignJWT({ aud: AUDIENCE, scope: 'read' })
    .setProtectedHeader({ alg: 'RS256', kid: op.signingKey.kid })
    .setIssuer(issuer)
    .setExpirationTime('5m')
    .sign(await importJWK(op.signingKey, 'RS256'));
}

describe('an unreachable issuer', () => {
  it('answers 503 and never lets the request through', async () => {
    const issuer = await unreachableIssuer();
    const app = express5();
    app.get('/', requireAuth({ issuer, audience: AUDIENCE, timeout: 500 }), (_q, r) =>
      r.json({ passed: true }),
    );
    const api = await listen(app);
    try {
      const forged = await signedFor(issuer);
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

describe('an unreachable issuer, with passErrors', () => {
  it("hands the app's error handler a 503 without a challenge", async () => {
    const issuer = await unreachableIssuer();
    const app = express5();
    app.get('/', requireAuth({ issuer, audience: AUDIENCE, timeout: 500, passErrors: true }), (_q, r) =>
      r.json({ passed: true }),
    );
    app.use(((err: AuthError, _req, res, _next) => {
      res.status(err.status).set(err.headers).json({ handledBy: 'app', reason: err.reason });
    }) as ErrorRequestHandler);
    const api = await listen(app);
    try {
      const forged = await signedFor(issuer);
      const res = await fetch(api.url, { headers: bearer(forged) });
      expect(res.status).toBe(503);
      expect(res.headers.get('www-authenticate')).toBeNull();
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(await res.json()).toEqual({ handledBy: 'app', reason: 'discovery_failed' });
    } finally {
      await api.close();
    }
  });
});

describe('a failing JWKS endpoint, nothing cached', () => {
  it('is asked once per cooldown: a flood during the outage fails fast with the 503', async () => {
    let hits = 0;
    const jwks = await listen((_q, r) => {
      hits++;
      r.statusCode = 500;
      r.end('down');
    });
    const app = express5();
    app.get(
      '/',
      requireAuth({ issuer: op.issuer, jwksUri: `${jwks.url}/jwks`, audience: AUDIENCE }),
      (_q, r) => r.json({ passed: true }),
    );
    const api = await listen(app);
    try {
      const first = await fetch(api.url, { headers: bearer(tokens.reader!) });
      expect(first.status).toBe(503);
      expect(await first.json()).toEqual({
        error: 'temporarily_unavailable',
        error_description: 'the token issuer keys are unavailable',
      });
      const flood = await Promise.all(
        Array.from({ length: 25 }, () => fetch(api.url, { headers: bearer(tokens.admin!) })),
      );
      for (const res of flood) {
        expect(res.status).toBe(503);
        expect((await res.json()).error).toBe('temporarily_unavailable');
      }
      expect(hits).toBe(1);
    } finally {
      await api.close();
      await jwks.close();
    }
  });
});

describe('RFC 9068 access tokens from oidc-provider', () => {
  it('pass with strictAccessTokenType: true; a JWT without typ at+jwt does not', async () => {
    const rejections: RejectionEvent[] = [];
    const app = express5();
    app.use(
      requireAuth({
        issuer: op.issuer,
        audience: AUDIENCE,
        strictAccessTokenType: true,
        onRejection: (e) => rejections.push(e),
      }),
    );
    app.get('/', requireScope('read'), (req, res) => res.json({ clientId: req.auth?.clientId }));
    const api = await listen(app);
    try {
      // A fresh token from the real issuer (header typ "at+jwt", as RFC 9068 §2.1 requires).
      const real = await token('reader', 'reader-secret', 'read');
      const header = JSON.parse(Buffer.from(real.split('.')[0]!, 'base64url').toString()) as {
        typ?: string;
      };
      expect(header.typ).toBe('at+jwt');
      const ok = await fetch(api.url, { headers: bearer(real) });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ clientId: 'reader' });

      // The same claims signed by the same issuer key as a plain JWT: refused.
      const plain = await new SignJWT({ aud: AUDIENCE, scope: 'read', client_id: 'reader' })
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: op.signingKey.kid })
        .setIssuer(op.issuer)
        .setExpirationTime('5m')
        .sign(await importJWK(op.signingKey, 'RS256'));
      const refused = await fetch(api.url, { headers: bearer(plain) });
      expect(refused.status).toBe(401);
      expect(rejections.map((e) => e.reason)).toEqual(['typ_invalid']);
    } finally {
      await api.close();
    }
  });
});

describe('options are checked when the middleware is created', () => {
  const verifier = () => createVerifier({ issuer: 'http://127.0.0.1:1', audience: AUDIENCE });
  const configError = (fn: () => unknown, option: string | RegExp) => {
    let error: unknown;
    try {
      fn();
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(option);
  };

  it.each<[string, () => unknown, string | RegExp]>([
    ['requireScope: unknown mode', () => requireScope(['admin', 'read'], { mode: 'bogus' as never }), 'mode'],
    ['requireScope: empty list', () => requireScope([]), 'requireScope'],
    ['requireScope: empty string', () => requireScope(''), 'requireScope'],
    ['requireScope: blank string', () => requireScope('  '), 'requireScope'],
    ['requireScope: undefined', () => requireScope(undefined as never), 'requireScope'],
    ['requireScope: a number', () => requireScope(42 as never), 'requireScope'],
    ['requireScope: an empty entry', () => requireScope(['read', '']), 'requireScope'],
    ['requireScope: a non-string entry', () => requireScope(['read', 7] as never), 'requireScope'],
    ['requireScope: whitespace', () => requireScope('read write'), 'whitespace'],
    ['requireScope: options not an object', () => requireScope('read', 'any' as never), 'options'],
    ['requirePermission: empty list', () => requirePermission([]), 'requirePermission'],
    ['requirePermission: unknown mode', () => requirePermission('a', { mode: 'one' as never }), 'mode'],
    ['claimCheck: no function', () => claimCheck(undefined as never), 'claimCheck'],
    ['claimCheck: a string', () => claimCheck('org' as never), 'predicate'],
    ['claimCheck: empty description', () => claimCheck(() => true, { description: '' }), 'description'],
    ['requireAuth: realm', () => requireAuth(verifier(), { realm: 42 as never }), 'realm'],
    ['requireAuth: empty realm', () => requireAuth(verifier(), { realm: '' }), 'realm'],
    ['requireAuth: errorBody', () => requireAuth(verifier(), { errorBody: {} as never }), 'errorBody'],
    ['requireAuth: passErrors', () => requireAuth(verifier(), { passErrors: 'yes' as never }), 'passErrors'],
    ['requireAuth: optional', () => requireAuth(verifier(), { optional: 1 as never }), 'optional'],
    [
      'requireAuth: allowQueryToken',
      () => requireAuth(verifier(), { allowQueryToken: 'true' as never }),
      'allowQueryToken',
    ],
    [
      'requireAuth: realm among verifier options',
      () => requireAuth({ issuer: 'http://127.0.0.1:1', audience: AUDIENCE, realm: [] as never }),
      'realm',
    ],
    [
      'requireAuth: verifier options checked too',
      () => requireAuth({ issuer: 'http://127.0.0.1:1', audience: AUDIENCE, requiredClaims: 'sub' as never }),
      'requiredClaims',
    ],
    ['requireAuth: nothing', () => requireAuth(undefined as never), 'requireAuth'],
    ['requireScope: auth not an object', () => requireScope('read', { auth: 'x' as never }), 'auth'],
  ])('%s', (_name, fn, option) => configError(fn, option));

  it('accepts what is valid', () => {
    expect(typeof requireScope(['admin', 'read'], { mode: 'any' })).toBe('function');
    expect(typeof requirePermission('AdministerClients', { mode: 'all' })).toBe('function');
    expect(typeof requireScope((req) => `project-${String(req.params.id)}`)).toBe('function');
    expect(typeof claimCheck(() => true, { description: 'wrong org' })).toBe('function');
    expect(typeof requireAuth(verifier(), { realm: 'api', passErrors: false, optional: true })).toBe(
      'function',
    );
  });
});
