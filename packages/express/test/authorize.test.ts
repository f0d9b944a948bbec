/**
 * What every authorization middleware shares (`requireScope`, `requirePermission`, `claimCheck`): after
 * `requireAuth` or alone with `{ auth }`, the anonymous rule and the reporting, over real HTTP.
 */
import type { RejectionEvent } from '@m2m-auth/core';
import { requireAuth, requireScope } from '@m2m-auth/express';
import express5 from 'express';
import { describe, expect, it } from 'vitest';
import { listen } from '../../../test/support/listen.js';
import {
  AUDIENCE,
  bearer,
  expectConfigurationError,
  recordingErrorHandler,
  useProvider,
  verifierFor,
  versions,
  useApi,
} from './support/provider.js';

const provider = useProvider();
const tokens = provider.tokens;

describe.each(versions)('$name', ({ express }) => {
  const handled: unknown[] = [];
  let rejections: RejectionEvent[] = [];

  const api = useApi(() => {
    const verifier = verifierFor(provider.op, (event) => rejections.push(event));
    const app = express();
    app.get('/optional/scoped', requireAuth(verifier, { optional: true }), requireScope('read'), (_q, r) =>
      r.json({ ok: true }),
    );
    app.get('/alone', requireScope('read', { auth: verifier }), (req, res) =>
      res.json({ clientId: req.auth?.clientId }),
    );
    app.get('/misconfigured', requireScope('read'), (_q, r) => r.json({ ok: true }));
    app.use(recordingErrorHandler(handled));
    return app;
  });

  const get = api.get;

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

  it('authenticates first when an authorization middleware is used alone', async () => {
    expect((await get('/alone')).status).toBe(401);
    const res = await get('/alone', bearer(tokens.reader!));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ clientId: 'reader' });
  });

  it('reports a missing requireAuth as a server error, not as an auth failure', async () => {
    handled.length = 0;
    const res = await get('/misconfigured', bearer(tokens.reader!));
    expect(res.status).toBe(500);
    expect(await res.json()).toEqual({ handledBy: 'app', name: 'ConfigurationError' });
  });
});

describe('authorization middleware alone with verifier options', () => {
  it('shares one verifier per options object across routes (one discovery, one JWKS fetch)', async () => {
    const op = provider.op;
    const before = { ...op.counts };
    const auth = { issuer: op.issuer, audience: AUDIENCE };
    const app = express5();
    app.get('/read', requireScope('read', { auth }), (_q, r) => r.json({ route: 'read' }));
    app.get('/project', requireScope('project-1', { auth }), (_q, r) => r.json({ route: 'project' }));
    const api = await listen(app);
    try {
      expect((await fetch(`${api.url}/read`, { headers: bearer(tokens.reader!) })).status).toBe(200);
      expect((await fetch(`${api.url}/project`, { headers: bearer(tokens.admin!) })).status).toBe(200);
      expect((await fetch(`${api.url}/project`, { headers: bearer(tokens.reader!) })).status).toBe(403);
      const asked = (path: string) => (op.counts[path] ?? 0) - (before[path] ?? 0);
      expect(asked('/.well-known/openid-configuration')).toBe(1);
      expect(asked('/jwks')).toBe(1);
    } finally {
      await api.close();
    }
  });

  it('refuses auth that is neither options nor a verifier', () => {
    expectConfigurationError(() => requireScope('read', { auth: 'x' as never }), 'auth');
  });
});
