import { AuthError, ConfigurationError } from '@m2m-auth/core';
import { m2mAuth, requireAuth, requireScope } from '@m2m-auth/fastify';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { bearer, useFastify, useProvider, verifierFor } from './support/app.js';

const shared = useProvider();

describe('requireAuth and optional authentication', () => {
  const api = useFastify(async (app) => {
    await app.register(m2mAuth, { verifier: verifierFor(shared.op), optional: true, protectAllRoutes: true });
    app.get('/v1/whoami', (request) => ({ caller: request.auth?.clientId ?? 'anonymous' }));
    app.get('/v1/tables', { preHandler: requireScope('read') }, () => ({ tables: [] }));
  });

  it('optional: an anonymous request passes a route without requirements', async () => {
    expect(await (await api.get('/v1/whoami')).json()).toEqual({ caller: 'anonymous' });
    expect(await (await api.get('/v1/whoami', bearer(shared.tokens.reader))).json()).toEqual({
      caller: 'reader',
    });
  });

  it('optional: an invalid token is still a 401', async () => {
    expect((await api.get('/v1/whoami', bearer('not.a.token'))).status).toBe(401);
  });

  it('optional: an anonymous request meeting a requirement gets the missing-token 401', async () => {
    const res = await api.get('/v1/tables');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="https://tables.example"');
  });

  it('requireAuth() requires a valid token on one route', async () => {
    const app = Fastify();
    await app.register(m2mAuth, { verifier: verifierFor(shared.op) });
    app.get('/open', () => 'open');
    app.get('/me', { preHandler: requireAuth() }, (request) => ({ caller: request.auth?.clientId }));
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      expect((await fetch(`${url}/open`)).status).toBe(200);
      expect((await fetch(`${url}/me`)).status).toBe(401);
      const res = await fetch(`${url}/me`, { headers: bearer(shared.tokens.admin) });
      expect(await res.json()).toEqual({ caller: 'admin' });
    } finally {
      await app.close();
    }
  });

  it('a preHandler without the plugin is a 500 ConfigurationError, never a pass', async () => {
    const app = Fastify();
    const errors: unknown[] = [];
    app.setErrorHandler((error, _request, reply) => {
      errors.push(error);
      return reply.code(500).send({ error: 'server' });
    });
    app.get('/', { preHandler: requireScope('read') }, () => 'ok');
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      expect((await fetch(url, { headers: bearer(shared.tokens.admin) })).status).toBe(500);
      expect(errors[0]).toBeInstanceOf(ConfigurationError);
      expect(errors[0]).not.toBeInstanceOf(AuthError);
    } finally {
      await app.close();
    }
  });
});
