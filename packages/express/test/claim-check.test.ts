/** `claimCheck` over real HTTP, on Express 5 and Express 4, with tokens from a real oidc-provider. */
import { claimCheck, requireAuth } from '@m2m-auth/express';
import { describe, expect, it } from 'vitest';
import {
  bearer,
  expectConfigurationError,
  useProvider,
  verifierFor,
  versions,
  useApi,
} from './support/provider.js';

const provider = useProvider();
const tokens = provider.tokens;

describe.each(versions)('$name', ({ express }) => {
  const api = useApi(() => {
    const app = express();
    app.get(
      '/org/:org',
      requireAuth(verifierFor(provider.op)),
      claimCheck((claims, _p, req) => claims.org === req.params.org, { description: 'wrong organization' }),
      (_q, r) => r.json({ ok: true }),
    );
    return app;
  });

  const get = api.get;

  it('checks arbitrary claims against the request', async () => {
    expect((await get('/org/acme', bearer(tokens.admin!))).status).toBe(200);
    const denied = await get('/org/acme', bearer(tokens.reader!));
    expect(denied.status).toBe(403);
    expect(await denied.json()).toEqual({
      error: 'insufficient_scope',
      error_description: 'wrong organization',
    });
  });
});

describe('claimCheck is checked when the middleware is created', () => {
  it.each<[string, () => unknown, string | RegExp]>([
    ['claimCheck: no function', () => claimCheck(undefined as never), 'claimCheck'],
    ['claimCheck: a string', () => claimCheck('org' as never), 'predicate'],
    ['claimCheck: empty description', () => claimCheck(() => true, { description: '' }), 'description'],
  ])('%s', (_name, fn, option) => expectConfigurationError(fn, option));

  it('accepts what is valid', () => {
    expect(typeof claimCheck(() => true, { description: 'wrong org' })).toBe('function');
  });
});
