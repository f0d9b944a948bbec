import { ConfigurationError, type Principal, type RejectionEvent } from '@m2m-auth/core';
import { AuthError, m2mAuth, requireScope } from '@m2m-auth/fastify';
import { startTestIssuer, type TestIssuer } from '@m2m-auth/testing';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { rawRequest } from '../../../test/support/raw-request.js';
import { AUDIENCE, bearer, useFastify, useProvider, verifierFor } from './support/app.js';

const shared = useProvider();

describe('m2mAuth with protectAllRoutes, over HTTP', () => {
  const rejections: RejectionEvent[] = [];
  const api = useFastify(async (app) => {
    await app.register(m2mAuth, {
      verifier: verifierFor(shared.op, (e) => rejections.push(e)),
      protectAllRoutes: true,
    });
    app.get('/health', { config: { m2mAuth: false } }, (request) => ({
      ok: true,
      auth: request.auth ?? null,
    }));
    app.get('/v1/me', (request) => ({
      clientId: request.auth?.clientId,
      scopes: [...(request.auth?.scopes ?? [])],
      permissions: [...(request.auth?.permissions ?? [])],
    }));
    app.get('/v1/tables', { preHandler: requireScope('read') }, () => ({ tables: [] }));
    // A requirement wins over the route's opt-out: it stays protected.
    app.get('/v1/opted-out', { config: { m2mAuth: false }, preHandler: requireScope('read') }, () => ({
      ok: true,
    }));
  });

  it('a public route (config m2mAuth: false) answers without a token, request.auth undefined', async () => {
    const res = await api.get('/health');
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true, auth: null });
  });

  it('a missing token is a 401 with a bare challenge, no-store and a JSON body', async () => {
    rejections.length = 0;
    const res = await api.get('/v1/me');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="${AUDIENCE}"`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toEqual({ error: 'unauthorized', error_description: 'no bearer token' });
    expect(rejections.map((e) => e.reason)).toEqual(['token_missing']);
  });

  it('fills request.auth with the verified principal', async () => {
    const res = await api.get('/v1/me', bearer(shared.tokens.admin));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      clientId: 'admin',
      scopes: ['project-1', 'read'],
      permissions: ['AdministerClients'],
    });
  });

  it('a tampered token is a 401 invalid_token', async () => {
    const res = await api.get('/v1/me', bearer(`${shared.tokens.admin.slice(0, -4)}AAAA`));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(
      new RegExp(`^Bearer realm="${AUDIENCE}", error="invalid_token", error_description="[^"]+"$`),
    );
    expect((await res.json()).error).toBe('invalid_token');
  });

  it('two Authorization headers are a 400 multiple_tokens (read from the raw headers)', async () => {
    const token = shared.tokens.admin;
    const res = await rawRequest(`${api.url}/v1/me`, {
      headers: { authorization: [`Bearer ${token}`, `Bearer ${token}`] },
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ error: 'invalid_request' });
  });

  it('a route that opts out but declares a requirement stays protected', async () => {
    expect((await api.get('/v1/opted-out')).status).toBe(401);
    expect((await api.get('/v1/opted-out', bearer(shared.tokens.reader))).status).toBe(200);
  });

  it('authenticates once per request when the hook and a preHandler both ask', async () => {
    let verified = 0;
    const verifier = verifierFor(shared.op);
    const counting = { ...verifier, verify: (token: string) => (verified++, verifier.verify(token)) };
    const app = Fastify();
    await app.register(m2mAuth, { verifier: counting, protectAllRoutes: true });
    app.get('/', { preHandler: [requireScope('read'), requireScope('project-1')] }, () => 'ok');
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      expect((await fetch(url, { headers: bearer(shared.tokens.admin) })).status).toBe(200);
      expect(verified).toBe(1);
    } finally {
      await app.close();
    }
  });
});

describe('m2mAuth with passErrors: errors go to the app error handler', () => {
  const handled: unknown[] = [];
  const api = useFastify(async (app) => {
    await app.register(m2mAuth, {
      issuer: shared.op.issuer,
      audience: AUDIENCE,
      realm: 'tables',
      passErrors: true,
      protectAllRoutes: true,
    });
    app.setErrorHandler((error, _request, reply) => {
      handled.push(error);
      if (error instanceof AuthError) {
        return reply
          .code(error.status)
          .headers(error.headers)
          .send({ handledBy: 'app', reason: error.reason });
      }
      return reply.code(500).send({ handledBy: 'app' });
    });
    app.get('/v1/tables', { preHandler: requireScope('project-2') }, () => ({ tables: [] }));
  });

  it('a missing token reaches the handler with the configured realm', async () => {
    const res = await api.get('/v1/tables');
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="tables"');
    expect(await res.json()).toEqual({ handledBy: 'app', reason: 'token_missing' });
  });

  it('a wrong scope (from a preHandler) reaches the handler too', async () => {
    const res = await api.get('/v1/tables', bearer(shared.tokens.admin));
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toContain('scope="project-2"');
    expect(await res.json()).toEqual({ handledBy: 'app', reason: 'scope_missing' });
    expect(handled.at(-1)).toBeInstanceOf(AuthError);
  });

  it("Fastify's default error handler applies the error's status and headers", async () => {
    const app = Fastify();
    await app.register(m2mAuth, {
      issuer: shared.op.issuer,
      audience: AUDIENCE,
      passErrors: true,
      protectAllRoutes: true,
    });
    app.get('/', () => 'ok');
    const url = await app.listen({ port: 0, host: '127.0.0.1' });
    try {
      const res = await fetch(url);
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="${AUDIENCE}"`);
      expect(res.headers.get('cache-control')).toBe('no-store');
    } finally {
      await app.close();
    }
  });
});

describe('m2mAuth with the embedded issuer (@m2m-auth/testing)', () => {
  let issuer: TestIssuer;
  beforeAll(async () => {
    issuer = await startTestIssuer({ realms: ['acme'], audience: 'tables-api' });
  });
  afterAll(async () => {
    await issuer?.close();
  });
  const api = useFastify(async (app) => {
    await app.register(m2mAuth, { issuer: issuer.issuer, audience: 'tables-api', protectAllRoutes: true });
    app.get('/v1/tables', () => ({ ok: true }));
  });

  it('accepts a minted token and refuses an expired one with invalid_token', async () => {
    expect(
      (await api.get('/v1/tables', bearer(await issuer.mint({ sub: 'svc', scope: 'read' })))).status,
    ).toBe(200);
    const expired = await issuer.mint({ sub: 'svc', scope: 'read' }, { lifetime: -60 });
    const res = await api.get('/v1/tables', bearer(expired));
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: 'invalid_token', error_description: 'token expired' });
  });
});

describe('m2mAuth options', () => {
  const register = async (options: unknown) => {
    const app = Fastify();
    try {
      await app.register(m2mAuth, options as never);
      await app.ready();
    } finally {
      await app.close();
    }
  };

  it.each([
    [{ issuer: 'https://id.example', audience: 'api', protectAllRoutes: 'yes' }, /protectAllRoutes/],
    [{ issuer: 'https://id.example', audience: 'api', realm: '' }, /m2mAuth: realm/],
    [{ issuer: 'https://id.example', audience: 'api', passErrors: 1 }, /m2mAuth: passErrors/],
    [{ issuer: 'https://id.example', audience: 'api', errorBody: 'x' }, /m2mAuth: errorBody/],
    [{ verifier: { verify: 'no' } }, /m2mAuth: verifier/],
    [{ audience: 'api' }, /issuer/],
  ])('refuses %j when registered', async (options, message) => {
    const error = await register(options).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toMatch(message);
  });

  it('types request.auth as the principal and route config m2mAuth as a boolean', () => {
    const app = Fastify();
    app.get('/', { config: { m2mAuth: false } }, (request) => {
      expectTypeOf(request.auth).toEqualTypeOf<Principal | undefined>();
      return 'ok';
    });
  });
});
