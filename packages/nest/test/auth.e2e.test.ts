import {
  Catch,
  Controller,
  Get,
  HttpException,
  Inject,
  Param,
  UseFilters,
  UseGuards,
  type ArgumentsHost,
  type ExceptionFilter,
} from '@nestjs/common';
import { ConfigModule, ConfigService } from '@nestjs/config';
import { HttpAdapterHost } from '@nestjs/core';
import { keycloak } from '@m2m-auth/core';
import { requireAuth, requirePermission, requireScope } from '@m2m-auth/express';
import {
  ClientPermission,
  M2mAuthException,
  M2mAuthGuard,
  M2mAuthModule,
  Permissions,
  Principal,
  Public,
  RequireScope,
  Scopes,
  type AuthHttpRequest,
} from '@m2m-auth/nest';
import express from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listen, type Listening } from '../../../test/support/listen.js';
import { startOidcProvider, type RunningProvider } from '../../../test/support/oidc-provider.js';
import { rawRequest } from '../../../test/support/raw-request.js';
import { platforms, startApp, tokenFor, type RunningApp } from './support/platforms.js';

const AUDIENCE = 'https://tables.example';
const ROLES_CLIENT = 'tables-api';

let op: RunningProvider;
const tokens: Record<string, string> = {};

beforeAll(async () => {
  op = await startOidcProvider({
    clients: [
      {
        clientId: 'MPS-test',
        clientSecret: 'MPS-test-secret',
        authMethod: 'client_secret_post',
        scopes: ['project-45c0', 'reports:daily'],
      },
      {
        // Keycloak-style: the client holds the AdministerClients role of the tables-api client.
        clientId: 'ops',
        clientSecret: 'ops-secret',
        authMethod: 'client_secret_post',
        scopes: ['project-77aa'],
        claims: { resource_access: { [ROLES_CLIENT]: { roles: ['AdministerClients'] } } },
      },
    ],
    resources: { [AUDIENCE]: { scopes: ['project-45c0', 'project-77aa', 'reports:daily'] } },
  });
  tokens.mps = await tokenFor(op, 'MPS-test', 'project-45c0 reports:daily', AUDIENCE);
  tokens.ops = await tokenFor(op, 'ops', 'project-77aa', AUDIENCE);
});

afterAll(async () => {
  await op?.close();
});

const bearer = (token: string | undefined) => ({ authorization: `Bearer ${token}` });

/** Routes protected per route with the guard factories; no global guard. */
@Controller()
class GuardedController {
  @Get('open')
  open() {
    return { open: true };
  }

  @Get('v1/projects/:id/tables')
  @UseGuards(RequireScope('project-{id}'))
  tables(@Param('id') id: string, @Principal() caller: Principal) {
    return { project: id, caller: caller.clientId };
  }

  @Get('v1/reports/:kind')
  @UseGuards(RequireScope((req: AuthHttpRequest) => `reports:${req.params?.kind ?? ''}`))
  report(@Param('kind') kind: string) {
    return { kind };
  }

  @Get('v1/clients')
  @UseGuards(ClientPermission('AdministerClients'))
  clients(@Principal('clientId') clientId: string) {
    return { clients: [], caller: clientId };
  }

  @Get('v1/me')
  @UseGuards(M2mAuthGuard)
  me(@Principal() caller: Principal) {
    return {
      clientId: caller.clientId,
      issuer: caller.issuer,
      scopes: [...caller.scopes].sort(),
      permissions: [...caller.permissions],
    };
  }

  @Get('v1/any')
  @UseGuards(RequireScope(['project-77aa', 'reports:daily'], { mode: 'any' }))
  any() {
    return { ok: true };
  }

  @Get('v1/typo/:id')
  @UseGuards(RequireScope('project-{projectId}'))
  typo() {
    return { ok: true };
  }
}

/** An app's own exception filter: it must see the auth failures as HttpExceptions. */
const seen: HttpException[] = [];

@Catch(HttpException)
class RecordingFilter implements ExceptionFilter {
  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: HttpException, host: ArgumentsHost) {
    seen.push(exception);
    const { httpAdapter } = this.adapterHost;
    const response = host.switchToHttp().getResponse<unknown>();
    if (exception instanceof M2mAuthException) {
      for (const [name, value] of Object.entries(exception.headers)) {
        httpAdapter.setHeader(response, name, value);
      }
    }
    httpAdapter.reply(
      response,
      { filtered: true, ...(exception.getResponse() as object) },
      exception.getStatus(),
    );
  }
}

/**
 * An app filter that hides a route: it answers 404 to every auth failure. The guard has already set the
 * challenge headers on the response (so that Nest's own filter sends them), so it removes them first.
 */
@Catch(M2mAuthException)
class HidingFilter implements ExceptionFilter {
  catch(exception: M2mAuthException, host: ArgumentsHost) {
    const response = host.switchToHttp().getResponse<{ removeHeader(name: string): unknown }>();
    for (const name of Object.keys(exception.headers)) response.removeHeader(name); // Express and Fastify
    const adapter = (response as { raw?: unknown }).raw === undefined ? 'express' : 'fastify';
    const res = response as unknown as {
      status?: (code: number) => { json(body: unknown): void };
      code?: (code: number) => { send(body: unknown): void };
    };
    if (adapter === 'express') res.status!(404).json({ error: 'not_found' });
    else res.code!(404).send({ error: 'not_found' });
  }
}

@Controller('hidden')
@UseFilters(HidingFilter)
class HiddenController {
  @Get('admin')
  @UseGuards(ClientPermission('AdministerClients'))
  admin() {
    return { ok: true };
  }
}

@Controller('filtered')
@UseFilters(RecordingFilter)
class FilteredController {
  @Get('admin')
  @UseGuards(ClientPermission('AdministerClients'))
  admin() {
    return { ok: true };
  }
}

/** Routes of an app with the global guard (forRootAsync from ConfigService, protectAllRoutes: true). */
@Controller()
class GlobalController {
  @Get('health')
  @Public()
  health() {
    return { ok: true };
  }

  @Get('v1/me')
  me(@Principal() caller: Principal) {
    return { clientId: caller.clientId };
  }

  @Get('v1/projects/:id/tables')
  @Scopes('project-{id}')
  tables(@Param('id') id: string) {
    return { project: id };
  }

  @Get('v1/clients')
  @Permissions('AdministerClients')
  clients() {
    return { clients: [] };
  }

  @Get('v1/either')
  @Scopes(['project-77aa', 'project-45c0'], { mode: 'any' })
  either() {
    return { ok: true };
  }
}

@Controller('public')
@Public()
class PublicController {
  @Get('page')
  page(@Principal() caller: Principal | undefined) {
    return { anonymous: caller === undefined };
  }

  // A requirement keeps the route protected even in a public controller.
  @Get('admin')
  @Permissions('AdministerClients')
  admin() {
    return { ok: true };
  }
}

/** Controller-level requirements, and a handler that asks to be public: a conflict, refused loudly. */
// The controller's requirement on a base class: @Scopes cannot see the subclass's @Public() when it is
// defined (that case throws at once, see auth.options.test.ts), so the guard refuses it per request.
@Scopes('project-45c0')
class ScopedBase {}

@Controller('scoped')
class ScopedController extends ScopedBase {
  @Get('tables')
  tables() {
    return { ok: true };
  }

  @Get('health')
  @Public()
  health() {
    return { ok: true };
  }
}

@Controller()
class OptionalController {
  @Get('maybe')
  @UseGuards(M2mAuthGuard)
  maybe(@Principal() caller: Principal | undefined) {
    return { anonymous: caller === undefined, caller: caller?.clientId ?? null };
  }

  @Get('needs')
  @UseGuards(RequireScope('project-45c0'))
  needs() {
    return { ok: true };
  }
}

describe.each(platforms)('optional and errorBody on %s', (platform) => {
  let running: RunningApp;

  beforeAll(async () => {
    running = await startApp(platform, {
      imports: [
        M2mAuthModule.forRoot({
          issuer: op.issuer,
          audience: AUDIENCE,
          optional: true,
          errorBody: (error, request) => ({ code: error.code, path: request.url ?? '' }),
        }),
      ],
      controllers: [OptionalController],
    });
  });

  afterAll(async () => {
    await running?.close();
  });

  it('lets an anonymous request through, with no principal', async () => {
    const res = await fetch(`${running.url}/maybe`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ anonymous: true, caller: null });
    const known = await fetch(`${running.url}/maybe`, { headers: bearer(tokens.mps) });
    expect(await known.json()).toEqual({ anonymous: false, caller: 'MPS-test' });
  });

  it('still refuses a bad token, and an anonymous request where a scope is required', async () => {
    const bad = await fetch(`${running.url}/maybe`, { headers: bearer('not.a.jwt') });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ code: 'invalid_token', path: '/maybe' });

    const anonymous = await fetch(`${running.url}/needs`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe(`Bearer realm="${AUDIENCE}"`);
    expect(await anonymous.json()).toEqual({ code: 'invalid_token', path: '/needs' });
  });
});

describe.each(platforms)('M2mAuthModule.forRoot with guard factories on %s', (platform) => {
  let running: RunningApp;

  beforeAll(async () => {
    running = await startApp(platform, {
      imports: [
        M2mAuthModule.forRoot({
          issuer: op.issuer,
          audience: AUDIENCE,
          claims: keycloak({ clientId: ROLES_CLIENT }),
        }),
      ],
      controllers: [GuardedController, FilteredController, HiddenController],
    });
  });

  afterAll(async () => {
    await running?.close();
  });

  it('leaves an unguarded route open', async () => {
    const res = await fetch(`${running.url}/open`);
    expect(res.status).toBe(200);
  });

  it('answers 401 with a bare Bearer challenge without a token', async () => {
    const res = await fetch(`${running.url}/v1/projects/45c0/tables`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="${AUDIENCE}"`);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(await res.json()).toEqual({ error: 'unauthorized', error_description: 'no bearer token' });
  });

  it('answers 401 invalid_token for a bad token', async () => {
    const res = await fetch(`${running.url}/v1/me`, { headers: bearer(`${tokens.mps}x`) });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toMatch(
      new RegExp(`^Bearer realm="${AUDIENCE}", error="invalid_token", error_description="[^"]+"$`),
    );
    expect((await res.json()).error).toBe('invalid_token');
  });

  it('answers 400 for two Authorization headers', async () => {
    const url = new URL('/v1/me', running.url);
    const res = await rawRequest(url.href, {
      headers: { authorization: [`Bearer ${tokens.mps}`, `Bearer ${tokens.ops}`] },
    });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error).toBe('invalid_request');
  });

  it('fills the scope template from the route parameter', async () => {
    const ok = await fetch(`${running.url}/v1/projects/45c0/tables`, { headers: bearer(tokens.mps) });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ project: '45c0', caller: 'MPS-test' });

    const other = await fetch(`${running.url}/v1/projects/77aa/tables`, { headers: bearer(tokens.mps) });
    expect(other.status).toBe(403);
    expect(other.headers.get('www-authenticate')).toBe(
      `Bearer realm="${AUDIENCE}", error="insufficient_scope", error_description="missing scope project-77aa", scope="project-77aa"`,
    );
    expect(await other.json()).toEqual({
      error: 'insufficient_scope',
      error_description: 'missing scope project-77aa',
    });
  });

  it('computes the scope with a function of the request', async () => {
    const ok = await fetch(`${running.url}/v1/reports/daily`, { headers: bearer(tokens.mps) });
    expect(ok.status).toBe(200);
    const no = await fetch(`${running.url}/v1/reports/monthly`, { headers: bearer(tokens.mps) });
    expect(no.status).toBe(403);
    expect(no.headers.get('www-authenticate')).toContain('scope="reports:monthly"');
  });

  it('accepts one of several scopes in any mode', async () => {
    expect((await fetch(`${running.url}/v1/any`, { headers: bearer(tokens.mps) })).status).toBe(200);
    expect((await fetch(`${running.url}/v1/any`, { headers: bearer(tokens.ops) })).status).toBe(200);
  });

  it("ClientPermission('AdministerClients') passes the client holding the Keycloak role, refuses another", async () => {
    const ops = await fetch(`${running.url}/v1/clients`, { headers: bearer(tokens.ops) });
    expect(ops.status).toBe(200);
    expect(await ops.json()).toEqual({ clients: [], caller: 'ops' });

    const mps = await fetch(`${running.url}/v1/clients`, { headers: bearer(tokens.mps) });
    expect(mps.status).toBe(403);
    expect(mps.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    expect(mps.headers.get('www-authenticate')).toContain('scope="AdministerClients"');
  });

  it('fills @Principal() with the verified caller', async () => {
    const res = await fetch(`${running.url}/v1/me`, { headers: bearer(tokens.ops) });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({
      clientId: 'ops',
      issuer: op.issuer,
      scopes: ['project-77aa'],
      permissions: ['AdministerClients'],
    });
  });

  it("lets the app's exception filter see the failure as an HttpException", async () => {
    seen.length = 0;
    const res = await fetch(`${running.url}/filtered/admin`, { headers: bearer(tokens.mps) });
    expect(res.status).toBe(403);
    expect(await res.json()).toEqual({
      filtered: true,
      error: 'insufficient_scope',
      error_description: 'missing permission AdministerClients',
    });
    expect(res.headers.get('www-authenticate')).toContain('scope="AdministerClients"');
    expect(seen).toHaveLength(1);
    const [exception] = seen;
    expect(exception).toBeInstanceOf(M2mAuthException);
    expect(exception!.getStatus()).toBe(403);
    expect((exception as M2mAuthException).authError.code).toBe('insufficient_scope');
    expect((exception as M2mAuthException).authError.reason).toBe('permission_missing');
  });

  it('lets an app filter answer something else without the challenge, by removing exception.headers', async () => {
    for (const headers of [{}, bearer(tokens.mps)]) {
      const res = await fetch(`${running.url}/hidden/admin`, { headers });
      expect(res.status).toBe(404);
      expect(res.headers.get('www-authenticate')).toBeNull();
      expect(res.headers.get('cache-control')).toBeNull();
      expect(await res.json()).toEqual({ error: 'not_found' });
    }
    expect((await fetch(`${running.url}/hidden/admin`, { headers: bearer(tokens.ops) })).status).toBe(200);
  });

  it('answers 500 (not a pass) when a template names a parameter the route lacks', async () => {
    const res = await fetch(`${running.url}/v1/typo/45c0`, { headers: bearer(tokens.mps) });
    expect(res.status).toBe(500);
  });
});

describe.each(platforms)('M2mAuthModule.forRootAsync from ConfigService, global guard, on %s', (platform) => {
  let running: RunningApp;

  beforeAll(async () => {
    running = await startApp(platform, {
      imports: [
        ConfigModule.forRoot({
          ignoreEnvFile: true,
          load: [
            () => ({ AUTH_ISSUER: op.issuer, AUTH_AUDIENCE: AUDIENCE, AUTH_REALM: 'tables-from-config' }),
          ],
        }),
        M2mAuthModule.forRootAsync({
          imports: [ConfigModule],
          inject: [ConfigService],
          useFactory: (config: ConfigService) => ({
            issuer: config.getOrThrow<string>('AUTH_ISSUER'),
            audience: config.getOrThrow<string>('AUTH_AUDIENCE'),
            realm: config.getOrThrow<string>('AUTH_REALM'),
            claims: keycloak({ clientId: ROLES_CLIENT }),
          }),
          protectAllRoutes: true,
        }),
      ],
      controllers: [GlobalController, PublicController, ScopedController],
    });
  });

  afterAll(async () => {
    await running?.close();
  });

  it('opens a @Public() route', async () => {
    const res = await fetch(`${running.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ ok: true });
  });

  it('protects every other route, with the options from ConfigService', async () => {
    const res = await fetch(`${running.url}/v1/me`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe('Bearer realm="tables-from-config"');

    const ok = await fetch(`${running.url}/v1/me`, { headers: bearer(tokens.mps) });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ clientId: 'MPS-test' });
  });

  it('enforces @Scopes with a template, and @Permissions', async () => {
    expect(
      (await fetch(`${running.url}/v1/projects/45c0/tables`, { headers: bearer(tokens.mps) })).status,
    ).toBe(200);
    const wrong = await fetch(`${running.url}/v1/projects/77aa/tables`, { headers: bearer(tokens.mps) });
    expect(wrong.status).toBe(403);
    expect(wrong.headers.get('www-authenticate')).toContain('scope="project-77aa"');

    expect((await fetch(`${running.url}/v1/clients`, { headers: bearer(tokens.ops) })).status).toBe(200);
    expect((await fetch(`${running.url}/v1/clients`, { headers: bearer(tokens.mps) })).status).toBe(403);
  });

  it('accepts one of the @Scopes in any mode', async () => {
    expect((await fetch(`${running.url}/v1/either`, { headers: bearer(tokens.ops) })).status).toBe(200);
    expect((await fetch(`${running.url}/v1/either`, { headers: bearer(tokens.mps) })).status).toBe(200);
  });

  it("never opens a handler's @Public() under a controller's @Scopes: a 500 that names it, not a pass", async () => {
    expect((await fetch(`${running.url}/scoped/tables`)).status).toBe(401);
    expect((await fetch(`${running.url}/scoped/tables`, { headers: bearer(tokens.mps) })).status).toBe(200);
    for (const headers of [{}, bearer(tokens.mps), bearer(tokens.ops)]) {
      const res = await fetch(`${running.url}/scoped/health`, { headers });
      expect(res.status).toBe(500);
      expect(await res.text()).not.toContain('ok');
    }
  });

  it('opens a @Public() controller, but not its routes that declare a requirement', async () => {
    const page = await fetch(`${running.url}/public/page`);
    expect(page.status).toBe(200);
    expect(await page.json()).toEqual({ anonymous: true });

    expect((await fetch(`${running.url}/public/admin`)).status).toBe(401);
    expect((await fetch(`${running.url}/public/admin`, { headers: bearer(tokens.mps) })).status).toBe(403);
    expect((await fetch(`${running.url}/public/admin`, { headers: bearer(tokens.ops) })).status).toBe(200);
  });
});

describe.each(platforms)('the same answers as @m2m-auth/express on %s', (platform) => {
  let running: RunningApp;
  let reference: Listening;

  beforeAll(async () => {
    const app = express();
    const auth = requireAuth({
      issuer: op.issuer,
      audience: AUDIENCE,
      claims: keycloak({ clientId: ROLES_CLIENT }),
    });
    app.get(
      '/v1/projects/:id/tables',
      auth,
      requireScope((req) => `project-${String(req.params.id)}`),
      (_q, r) => {
        r.json({});
      },
    );
    app.get('/v1/clients', auth, requirePermission('AdministerClients'), (_q, r) => {
      r.json({});
    });
    reference = await listen(app);
    running = await startApp(platform, {
      imports: [
        M2mAuthModule.forRoot({
          issuer: op.issuer,
          audience: AUDIENCE,
          claims: keycloak({ clientId: ROLES_CLIENT }),
        }),
      ],
      controllers: [GuardedController],
    });
  });

  afterAll(async () => {
    await running?.close();
    await reference?.close();
  });

  const failures: [string, string, () => Record<string, string>][] = [
    ['no token', '/v1/projects/45c0/tables', () => ({})],
    ['a bad token', '/v1/projects/45c0/tables', () => bearer('not.a.jwt')],
    ['an expired-looking garbage token', '/v1/projects/45c0/tables', () => bearer(`${tokens.mps}x`)],
    ['a malformed header', '/v1/projects/45c0/tables', () => ({ authorization: 'Bearer a b' })],
    ['a missing scope', '/v1/projects/77aa/tables', () => bearer(tokens.mps)],
    ['a missing permission', '/v1/clients', () => bearer(tokens.mps)],
  ];

  it('for an unreachable issuer (503, no challenge)', async () => {
    const dead = 'http://127.0.0.1:9'; // discard port: nothing listens
    const app = express();
    app.get('/v1/me', requireAuth({ issuer: dead, audience: AUDIENCE }), (_q, r) => {
      r.json({});
    });
    const deadReference = await listen(app);
    // A token naming that issuer: verifying it needs the issuer's keys, which cannot be had.
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const forged = [
      b64({ alg: 'RS256', typ: 'JWT', kid: 'k1' }),
      b64({ iss: dead, aud: AUDIENCE, sub: 'x', exp: Math.floor(Date.now() / 1000) + 60 }),
      Buffer.from('signature').toString('base64url'),
    ].join('.');
    const deadNest = await startApp(platform, {
      imports: [M2mAuthModule.forRoot({ issuer: dead, audience: AUDIENCE })],
      controllers: [GuardedController],
    });
    try {
      const [nest, ref] = await Promise.all([
        fetch(`${deadNest.url}/v1/me`, { headers: bearer(forged) }),
        fetch(`${deadReference.url}/v1/me`, { headers: bearer(forged) }),
      ]);
      expect(nest.status).toBe(503);
      expect(ref.status).toBe(503);
      expect(nest.headers.get('www-authenticate')).toBeNull();
      expect(ref.headers.get('www-authenticate')).toBeNull();
      expect(nest.headers.get('cache-control')).toBe(ref.headers.get('cache-control'));
      expect(await nest.json()).toEqual(await ref.json());
    } finally {
      await deadNest.close();
      await deadReference.close();
    }
  });

  it.each(failures)('for %s', async (_name, path, headers) => {
    const [nest, ref] = await Promise.all([
      fetch(`${running.url}${path}`, { headers: headers() }),
      fetch(`${reference.url}${path}`, { headers: headers() }),
    ]);
    expect(nest.status).toBe(ref.status);
    expect(nest.status).toBeGreaterThanOrEqual(400);
    for (const name of ['www-authenticate', 'cache-control', 'content-type']) {
      expect(nest.headers.get(name), name).toBe(ref.headers.get(name));
    }
    expect(await nest.json()).toEqual(await ref.json());
  });
});
