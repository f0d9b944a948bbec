import {
  auth0,
  ConfigurationError,
  createVerifier,
  type RejectionEvent,
  type Verifier,
} from '@m2m-auth/core';
import {
  M2mAuthException,
  M2mAuthGuard,
  Permissions,
  Public,
  Scopes,
  type M2mAuthModuleOptions,
  type Principal,
} from '@m2m-auth/nest';
import { startTestIssuer, type TestIssuer } from '@m2m-auth/testing';
import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { httpContext, rejectionOf } from './support/guard-context.js';

const ISSUER = 'https://id.example/auth/realms/acme';

class TablesController {
  @Scopes('project-{id}')
  tables() {}

  @Public()
  health() {}

  me() {}

  @Permissions(['AdministerClients', 'Ops'], { mode: 'any' })
  admin() {}
}

@Public()
class OpenController {
  page() {}

  @Permissions('AdministerClients')
  admin() {}
}

// The requirement on a base class: `@Scopes` cannot see the subclass's `@Public()` when it is defined.
@Scopes('project-45c0')
class ScopedBase {}

class ScopedController extends ScopedBase {
  @Public()
  health() {}
}

let issuer: TestIssuer;
let verifier: Verifier;
const events: RejectionEvent[] = [];
const tokens: Record<string, string> = {};

beforeAll(async () => {
  issuer = await startTestIssuer({ audience: 'tables-api' });
  verifier = createVerifier({
    issuer: issuer.issuer,
    audience: ['tables-api', 'other'],
    claims: auth0(),
    allowInsecureRequests: true,
    onRejection: (event) => events.push(event),
  });
  tokens.mps = await issuer.mint({ client_id: 'MPS-test', scope: 'project-45c0' });
  tokens.ops = await issuer.mint({ client_id: 'ops', scope: 'read', permissions: ['Ops'] });
});

afterAll(async () => {
  await issuer?.close();
});

beforeEach(() => {
  events.length = 0;
});

const bearer = (token: string | undefined) => ({ authorization: `Bearer ${token}` });
const guardOf = (options: Partial<M2mAuthModuleOptions> = {}) =>
  new M2mAuthGuard(new Reflector(), verifier, { verifier, ...options });

describe('M2mAuthGuard', () => {
  it('opens a @Public() route without requirements, without authenticating', async () => {
    const { context, request } = httpContext(TablesController, 'health', { headers: bearer('not.a.jwt') });
    expect(await guardOf().canActivate(context)).toBe(true);
    expect(request.auth).toBeUndefined();
    expect(events).toEqual([]);
  });

  it('authenticates a route without requirements and leaves the caller in request.auth', async () => {
    const { context, request } = httpContext(TablesController, 'me', { headers: bearer(tokens.mps) });
    expect(await guardOf().canActivate(context)).toBe(true);
    expect(request.auth?.clientId).toBe('MPS-test');
  });

  it('refuses a request without a token: a 401 whose headers are also set on the response', async () => {
    const { context, response } = httpContext(TablesController, 'me');
    const exception = await rejectionOf(guardOf().canActivate(context));
    expect(exception).toBeInstanceOf(M2mAuthException);
    const { authError, headers } = exception as M2mAuthException;
    expect(authError.reason).toBe('token_missing');
    expect((exception as M2mAuthException).getStatus()).toBe(401);
    // The realm defaults to the verifier's first audience.
    expect(headers).toEqual({ 'WWW-Authenticate': 'Bearer realm="tables-api"', 'Cache-Control': 'no-store' });
    expect(response.headers).toEqual(headers);
    expect(events.map((e) => e.reason)).toEqual(['token_missing']);
  });

  it('fills a template from request.params and refuses a missing scope with a 403, reported with the caller', async () => {
    const ok = httpContext(TablesController, 'tables', {
      headers: bearer(tokens.mps),
      params: { id: '45c0' },
    });
    expect(await guardOf().canActivate(ok.context)).toBe(true);
    const other = httpContext(TablesController, 'tables', {
      headers: bearer(tokens.mps),
      params: { id: '77aa' },
    });
    const exception = (await rejectionOf(guardOf().canActivate(other.context))) as M2mAuthException;
    expect(exception.getStatus()).toBe(403);
    expect(exception.authError.required).toEqual(['project-77aa']);
    expect(other.response.headers['WWW-Authenticate']).toContain('scope="project-77aa"');
    expect(events).toEqual([
      expect.objectContaining({ reason: 'scope_missing', clientId: 'MPS-test', issuer: issuer.issuer }),
    ]);
  });

  it('refuses a template naming a parameter the route lacks: a ConfigurationError (500), not a pass', async () => {
    const { context } = httpContext(TablesController, 'tables', { headers: bearer(tokens.mps) });
    const error = await rejectionOf(guardOf().canActivate(context));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain("@Scopes: the route has no parameter 'id'");
  });

  it('checks @Permissions in any mode against the mapped permissions', async () => {
    const ops = httpContext(TablesController, 'admin', { headers: bearer(tokens.ops) });
    expect(await guardOf().canActivate(ops.context)).toBe(true);
    const mps = httpContext(TablesController, 'admin', { headers: bearer(tokens.mps) });
    expect(await rejectionOf(guardOf().canActivate(mps.context))).toMatchObject({
      authError: { reason: 'permission_missing', required: ['AdministerClients', 'Ops'] },
    });
  });

  it('with optional: lets an anonymous request through, unless the route requires something', async () => {
    const guard = guardOf({ optional: true });
    const open = httpContext(TablesController, 'me');
    expect(await guard.canActivate(open.context)).toBe(true);
    expect(open.request.auth).toBeUndefined();
    const scoped = httpContext(TablesController, 'tables', { params: { id: '45c0' } });
    expect(await rejectionOf(guard.canActivate(scoped.context))).toMatchObject({
      authError: { status: 401, reason: 'token_missing' },
    });
    expect(events.map((e) => e.reason)).toEqual(['token_missing']);
  });

  it('authenticates once per request, whichever guard comes first', async () => {
    const verified: string[] = [];
    const counting: Verifier = {
      issuers: verifier.issuers,
      audiences: verifier.audiences,
      verify: (token) => {
        verified.push(token);
        return verifier.verify(token);
      },
    };
    const { context } = httpContext(TablesController, 'me', { headers: bearer(tokens.mps) });
    const first = new M2mAuthGuard(new Reflector(), counting, { verifier: counting });
    const second = new M2mAuthGuard(new Reflector(), counting, { verifier: counting });
    expect(await first.canActivate(context)).toBe(true);
    expect(await second.canActivate(context)).toBe(true);
    expect(verified).toHaveLength(1);
  });

  it("opens a @Public() controller's routes, but not one that declares a requirement", async () => {
    expect(await guardOf().canActivate(httpContext(OpenController, 'page').context)).toBe(true);
    const admin = httpContext(OpenController, 'admin');
    expect(await rejectionOf(guardOf().canActivate(admin.context))).toBeInstanceOf(M2mAuthException);
  });

  it("refuses a handler's @Public() under a base controller's @Scopes with a ConfigurationError naming it", async () => {
    const { context } = httpContext(ScopedController, 'health', { headers: bearer(tokens.mps) });
    const error = await rejectionOf(guardOf().canActivate(context));
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as Error).message).toContain('@Public() on ScopedController.health cannot open it');
  });

  it('answers with the realm and errorBody of the options', async () => {
    const guard = guardOf({
      realm: 'tables',
      errorBody: (error, request) => ({ code: error.code, path: request.url ?? '' }),
    });
    const { context, response } = httpContext(TablesController, 'me', { url: '/v1/me' });
    const exception = (await rejectionOf(guard.canActivate(context))) as M2mAuthException;
    expect(exception.getResponse()).toEqual({ code: 'invalid_token', path: '/v1/me' });
    expect(response.headers['WWW-Authenticate']).toBe('Bearer realm="tables"');
  });

  it('lets a subclass add a requirement and its own check through the protected hooks', async () => {
    class AuditGuard extends M2mAuthGuard {
      protected override getRequirements(context: ExecutionContext) {
        return [
          ...super.getRequirements(context),
          { kind: 'scope' as const, values: ['audit'], mode: 'all' as const, origin: 'AuditGuard' },
        ];
      }
    }
    const guard = new AuditGuard(new Reflector(), verifier, { verifier });
    const { context } = httpContext(TablesController, 'me', { headers: bearer(tokens.mps) });
    expect(await rejectionOf(guard.canActivate(context))).toMatchObject({
      authError: { reason: 'scope_missing', required: ['audit'] },
    });

    class ClosedGuard extends M2mAuthGuard {
      protected override authorize(principal: Principal): void {
        if (principal.clientId !== 'ops') throw new ConfigurationError('closed');
      }
    }
    const closed = new ClosedGuard(new Reflector(), verifier, { verifier });
    const ops = httpContext(TablesController, 'admin', { headers: bearer(tokens.ops) });
    expect(await closed.canActivate(ops.context)).toBe(true);
    const mps = httpContext(TablesController, 'admin', { headers: bearer(tokens.mps) });
    expect(await rejectionOf(closed.canActivate(mps.context))).toMatchObject({ message: 'closed' });
  });
});

describe('M2mAuthGuard in a context it does not know', () => {
  const verifier = createVerifier({ issuer: ISSUER, audience: 'api' });
  // A custom transport's context type: neither http, graphql, ws nor rpc.
  const rpc = { getType: () => 'custom-transport' } as unknown as ExecutionContext;

  it('refuses a context of another type by default', async () => {
    const guard = new M2mAuthGuard(new Reflector(), verifier, { verifier });
    expect(await guard.canActivate(rpc)).toBe(false);
  });

  it('lets a subclass decide through its protected hook', async () => {
    class RpcAwareGuard extends M2mAuthGuard {
      protected override canActivateOther(): boolean {
        return true;
      }
    }
    const guard = new RpcAwareGuard(new Reflector(), verifier, { verifier });
    expect(await guard.canActivate(rpc)).toBe(true);
  });
});
