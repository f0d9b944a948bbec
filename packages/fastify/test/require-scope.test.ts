import { ConfigurationError, type RejectionEvent } from '@m2m-auth/core';
import { m2mAuth, requirePermission, requireScope } from '@m2m-auth/fastify';
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { bearer, useFastify, useProvider, verifierFor } from './support/app.js';

const shared = useProvider();

describe('requireScope and requirePermission over HTTP (no protectAllRoutes)', () => {
  const rejections: RejectionEvent[] = [];
  const errors: unknown[] = [];
  const api = useFastify(async (app) => {
    await app.register(m2mAuth, { verifier: verifierFor(shared.op, (e) => rejections.push(e)) });
    app.setErrorHandler((error, _request, reply) => {
      errors.push(error);
      return reply.code(500).send({ error: (error as Error).name });
    });
    app.get('/open', () => ({ open: true }));
    app.get('/v1/tables', { preHandler: requireScope('read') }, () => ({ tables: [] }));
    app.get('/v1/projects/:id/tables', { preHandler: requireScope('project-{id}') }, (request) => ({
      project: (request.params as { id: string }).id,
    }));
    app.get(
      '/v1/computed/:id',
      {
        preHandler: requireScope(
          (request: FastifyRequest) => `project-${(request.params as { id: string }).id}`,
        ),
      },
      () => ({ ok: true }),
    );
    app.get('/v1/any', { preHandler: requireScope(['project-2', 'read'], { mode: 'any' }) }, () => ({
      ok: true,
    }));
    app.get('/v1/all', { preHandler: requireScope(['project-2', 'read']) }, () => ({ ok: true }));
    app.post('/v1/clients', { preHandler: requirePermission('AdministerClients') }, () => ({
      created: true,
    }));
    app.get('/v1/broken', { preHandler: requireScope('project-{missing}') }, () => ({ ok: true }));
  });

  it('a route without a preHandler is public', async () => {
    expect((await api.get('/open')).status).toBe(200);
  });

  it('a missing token on a protected route is a 401', async () => {
    const res = await api.get('/v1/tables');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="https://tables.example"');
  });

  it('a wrong scope is a 403 insufficient_scope naming the scope, reported with the caller', async () => {
    rejections.length = 0;
    const res = await api.get('/v1/projects/2/tables', bearer(shared.tokens.admin));
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe(
      'Bearer realm="https://tables.example", error="insufficient_scope", error_description="missing scope project-2", scope="project-2"',
    );
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({
      error: 'insufficient_scope',
      error_description: 'missing scope project-2',
    });
    expect(rejections).toMatchObject([{ reason: 'scope_missing', clientId: 'admin' }]);
  });

  it('fills a {param} template from the route', async () => {
    const res = await api.get('/v1/projects/1/tables', bearer(shared.tokens.admin));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ project: '1' });
  });

  it('a function of the request decides the scope', async () => {
    expect((await api.get('/v1/computed/1', bearer(shared.tokens.admin))).status).toBe(200);
    expect((await api.get('/v1/computed/2', bearer(shared.tokens.admin))).status).toBe(403);
  });

  it("mode 'any' needs one of the scopes, the default every one", async () => {
    expect((await api.get('/v1/any', bearer(shared.tokens.reader))).status).toBe(200);
    expect((await api.get('/v1/all', bearer(shared.tokens.reader))).status).toBe(403);
  });

  it('requires the permission the claim mapper filled', async () => {
    const post = (token: string) =>
      fetch(`${api.url}/v1/clients`, { method: 'POST', headers: bearer(token) });
    expect((await post(shared.tokens.admin)).status).toBe(200);
    const refused = await post(shared.tokens.reader);
    expect(refused.status).toBe(403);
    expect(refused.headers.get('www-authenticate')).toContain('scope="AdministerClients"');
  });

  it('a template naming a parameter the route lacks is a 500, never a pass', async () => {
    const res = await api.get('/v1/broken', bearer(shared.tokens.admin));
    expect(res.status).toBe(500);
    expect(errors.at(-1)).toBeInstanceOf(ConfigurationError);
  });
});

describe('requireScope and requirePermission, declared', () => {
  it.each([
    ['an empty list', () => requireScope([])],
    ['an empty scope', () => requireScope('')],
    ['a scope with whitespace', () => requireScope('a b')],
    ['an unknown mode', () => requireScope('a', { mode: 'most' as never })],
    ['undefined', () => requirePermission(undefined as never)],
  ])('refuses %s at once', (_name, declare) => {
    expect(declare).toThrow(ConfigurationError);
  });

  it('names the preHandler in the message', () => {
    expect(() => requirePermission([])).toThrow(/requirePermission/);
  });
});
