/**
 * `requireAuth` over real HTTP, on Express 5 and Express 4, with tokens from a real oidc-provider.
 */
import { createVerifier, type Principal, type RejectionEvent } from '@m2m-auth/core';
import { requireAuth, requirePermission, requireScope } from '@m2m-auth/express';
import express5, { type ErrorRequestHandler } from 'express';
import { SignJWT, importJWK } from 'jose';
import { describe, expect, it } from 'vitest';
import { listen } from '../../../test/support/listen.js';
import {
  AUDIENCE,
  bearer,
  expectConfigurationError,
  token,
  useProvider,
  verifierFor,
  versions,
  useApi,
} from './support/provider.js';
import type { AuthError } from '@m2m-auth/express';

const provider = useProvider();
const tokens = provider.tokens;

describe.each(versions)('$name', ({ express }) => {
  const api = useApi(() => {
    const verifier = verifierFor(provider.op);
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
    app.post('/clients', auth, requirePermission('AdministerClients'), (_q, r) =>
      r.status(201).json({ ok: true }),
    );
    app.get('/optional', requireAuth(verifier, { optional: true }), (req, res) =>
      res.json({ anonymous: req.auth === undefined }),
    );
    app.post('/form', requireAuth(verifier, { allowBodyToken: true }), (req, res) =>
      res.json({ clientId: req.auth?.clientId }),
    );
    return app;
  });

  const get = api.get;

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

  it('lets optional requests through anonymously but never downgrades a bad token', async () => {
    expect(await (await get('/optional')).json()).toEqual({ anonymous: true });
    expect(await (await get('/optional', bearer(tokens.reader!))).json()).toEqual({ anonymous: false });
    const bad = await get('/optional', bearer(`${tokens.reader!.slice(0, -4)}AAAA`));
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toContain('error="invalid_token"');
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
    .setProtectedHeader({ alg: 'RS256', kid: provider.op.signingKey.kid })
    .setIssuer(issuer)
    .setExpirationTime('5m')
    .sign(await importJWK(provider.op.signingKey, 'RS256'));
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
      requireAuth({ issuer: provider.op.issuer, jwksUri: `${jwks.url}/jwks`, audience: AUDIENCE }),
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
    const op = provider.op;
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
      const real = await token(op, 'reader', 'reader-secret', 'read');
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

describe('one verifier per options object', () => {
  it('middleware given the same options object share its verifier: one discovery, one JWKS fetch', async () => {
    const op = provider.op;
    const before = { ...op.counts };
    const auth = { issuer: op.issuer, audience: AUDIENCE };
    const app = express5();
    app.get('/a', requireAuth(auth), (_q, r) => r.json({ route: 'a' }));
    app.get('/b', requireAuth(auth), (_q, r) => r.json({ route: 'b' }));
    const api = await listen(app);
    try {
      for (const path of ['/a', '/b', '/a']) {
        expect((await fetch(`${api.url}${path}`, { headers: bearer(tokens.reader!) })).status).toBe(200);
      }
      const asked = (path: string) => (op.counts[path] ?? 0) - (before[path] ?? 0);
      expect(asked('/.well-known/openid-configuration')).toBe(1);
      expect(asked('/jwks')).toBe(1);
    } finally {
      await api.close();
    }
  });
});

describe('requireAuth options are checked when the middleware is created', () => {
  const verifier = () => createVerifier({ issuer: 'http://127.0.0.1:1', audience: AUDIENCE });

  it.each<[string, () => unknown, string | RegExp]>([
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
    [
      'requireAuth: options not an object',
      () => requireAuth(verifier(), 'x' as never),
      'requireAuth: options',
    ],
  ])('%s', (_name, fn, option) => expectConfigurationError(fn, option));

  it('accepts what is valid', () => {
    expect(typeof requireAuth(verifier(), { realm: 'api', passErrors: false, optional: true })).toBe(
      'function',
    );
  });
});
