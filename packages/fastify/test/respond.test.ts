import type { AuthError } from '@m2m-auth/core';
import { m2mAuth, requireScope } from '@m2m-auth/fastify';
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { bearer, useFastify, useProvider, verifierFor } from './support/app.js';

const shared = useProvider();

describe('answers: realm and errorBody', () => {
  const seen: { error: AuthError; url: string }[] = [];
  const api = useFastify(async (app) => {
    await app.register(m2mAuth, {
      verifier: verifierFor(shared.op),
      realm: 'tables',
      errorBody: (error: AuthError, request: FastifyRequest) => {
        seen.push({ error, url: request.url });
        return { code: error.code, requestId: 'r-1' };
      },
    });
    app.get('/v1/tables', { preHandler: requireScope('project-2') }, () => ({ tables: [] }));
  });

  it('names the configured realm and sends errorBody(error, request) as JSON', async () => {
    const res = await api.get('/v1/tables?x=1', bearer(shared.tokens.admin));
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="tables", error="insufficient_scope"/);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ code: 'insufficient_scope', requestId: 'r-1' });
    expect(seen.at(-1)).toMatchObject({ url: '/v1/tables?x=1', error: { reason: 'scope_missing' } });
  });

  it('never puts the token in the answer', async () => {
    const token = `${shared.tokens.admin.slice(0, -4)}AAAA`;
    const res = await api.get('/v1/tables', bearer(token));
    expect(res.status).toBe(401);
    expect(await res.text()).not.toContain(token);
  });
});
