/**
 * `requireScope` and `requirePermission` over real HTTP, on Express 5 and Express 4, with tokens from a
 * real oidc-provider.
 */
import { requireAuth, requirePermission, requireScope } from '@m2m-auth/express';
import { describe, expect, it } from 'vitest';
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

  const api = useApi(() => {
    const app = express();
    const auth = requireAuth(verifierFor(provider.op));
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
    app.get('/literal', auth, requireScope('project-{id}'), (_q, r) => r.json({ passed: true }));
    app.use(recordingErrorHandler(handled));
    return app;
  });

  const get = api.get;

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

  it('fails closed (500, never a pass) when a computed requirement comes out empty', async () => {
    handled.length = 0;
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
    handled.length = 0;
    for (const id of ['%20', '%09', '%20%20']) {
      const res = await get(`/computed/param/${id}`, bearer(tokens.reader!));
      expect(res.status).toBe(403);
      expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    }
    expect(handled).toEqual([]);
    expect((await get('/computed/param/read', bearer(tokens.reader!))).status).toBe(200);
  });

  it('takes a fixed value literally: braces are no template here (that is fromRoute)', async () => {
    handled.length = 0;
    const res = await get('/literal', bearer(tokens.admin!));
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('scope="project-{id}"');
    expect(handled).toEqual([]);
  });
});

describe('requireScope and requirePermission are checked when the middleware is created', () => {
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
  ])('%s', (_name, fn, option) => expectConfigurationError(fn, option));

  it('accepts what is valid', () => {
    expect(typeof requireScope(['admin', 'read'], { mode: 'any' })).toBe('function');
    expect(typeof requirePermission('AdministerClients', { mode: 'all' })).toBe('function');
    expect(typeof requireScope((req) => `project-${String(req.params.id)}`)).toBe('function');
  });
});
