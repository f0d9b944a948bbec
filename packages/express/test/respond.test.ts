/**
 * How failures are answered: the built-in answer (`realm`, `errorBody`) or the app's error handler
 * (`passErrors`), over real HTTP on Express 5 and Express 4.
 */
import { AuthError, requireAuth, requireScope } from '@m2m-auth/express';
import { describe, expect, it } from 'vitest';
import {
  AUDIENCE,
  bearer,
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
    const verifier = verifierFor(provider.op);
    const app = express();
    app.get(
      '/custom',
      requireAuth(verifier, {
        realm: 'tables',
        errorBody: (e) => ({ message: e.description, code: e.code }),
      }),
      (_q, r) => r.json({ ok: true }),
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
    app.use(recordingErrorHandler(handled));
    return app;
  });

  const get = api.get;

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

  it("routes errors to the app's error handler when asked", async () => {
    handled.length = 0;
    const res = await get('/handled', bearer('not-a-jwt'));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(await res.json()).toEqual({ handledBy: 'app', reason: 'token_malformed' });
    expect(handled).toHaveLength(1);
    expect(handled[0]).toBeInstanceOf(AuthError);
  });
});
