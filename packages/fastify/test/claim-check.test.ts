import { ConfigurationError } from '@m2m-auth/core';
import { claimCheck, m2mAuth } from '@m2m-auth/fastify';
import { describe, expect, it } from 'vitest';
import { bearer, useFastify, useProvider, verifierFor } from './support/app.js';

const shared = useProvider();

describe('claimCheck over HTTP', () => {
  const api = useFastify(async (app) => {
    await app.register(m2mAuth, { verifier: verifierFor(shared.op) });
    app.get(
      '/v1/orgs/:org',
      {
        preHandler: claimCheck(
          (claims, _p, request) => claims.org === (request.params as { org: string }).org,
        ),
      },
      () => ({ ok: true }),
    );
    app.get(
      '/v1/acme',
      { preHandler: claimCheck((claims) => claims.org === 'acme', { description: 'acme only' }) },
      () => ({ ok: true }),
    );
    app.get('/v1/truthy', { preHandler: claimCheck((() => 1) as never) }, () => ({ ok: true }));
  });

  it('passes when the predicate holds for the request', async () => {
    expect((await api.get('/v1/orgs/acme', bearer(shared.tokens.admin))).status).toBe(200);
    expect((await api.get('/v1/orgs/acme', bearer(shared.tokens.reader))).status).toBe(403);
  });

  it('answers 403 insufficient_scope with the description', async () => {
    const res = await api.get('/v1/acme', bearer(shared.tokens.reader));
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({ error: 'insufficient_scope', error_description: 'acme only' });
  });

  it('only true passes', async () => {
    expect((await api.get('/v1/truthy', bearer(shared.tokens.admin))).status).toBe(403);
  });

  it('refuses a predicate that is not a function, and a bad description, at once', () => {
    expect(() => claimCheck('x' as never)).toThrow(ConfigurationError);
    expect(() => claimCheck(() => true, { description: '' })).toThrow(/description/);
  });
});
