import { AuthError, ConfigurationError, createVerifier, type VerifierOptions } from '@m2m-auth/core';
import {
  ClientPermission,
  M2M_AUTH_VERIFIER,
  M2mAuthGuard,
  M2mAuthException,
  M2mAuthModule,
  Permissions,
  Principal,
  Public,
  RequireScope,
  Scopes,
  type RequirementValue,
} from '@m2m-auth/nest';
import { Controller, Get, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { describe, expect, it } from 'vitest';

const ISSUER = 'https://id.example/auth/realms/acme';

describe('M2mAuthModule options', () => {
  it.each([
    [null, /M2mAuthModule.forRoot: options must be an object/],
    [{ issuer: ISSUER, audience: 'api', realm: 5 }, /M2mAuthModule.forRoot: realm must be a string/],
    [{ issuer: ISSUER, audience: 'api', errorBody: 'x' }, /errorBody must be a function/],
    [{ issuer: ISSUER, audience: 'api', optional: 'yes' }, /optional must be a boolean/],
    [{ verifier: {} }, /verifier must be a Verifier/],
  ])('forRoot rejects %j', (options, message) => {
    const call = () => M2mAuthModule.forRoot(options as unknown as VerifierOptions);
    expect(call).toThrow(ConfigurationError);
    expect(call).toThrow(message);
  });

  it('forRootAsync needs a factory', () => {
    expect(() => M2mAuthModule.forRootAsync({})).toThrow(/pass useFactory/);
  });

  it.each([
    [{ issuer: ISSUER, audience: '' }, /M2mAuthModule.forRoot: audience/],
    [{ issuer: 'http://id.example', audience: 'api' }, /M2mAuthModule.forRoot: issuer/],
    [{ issuer: ISSUER, audience: 'api', algorithms: ['HS256'] }, /M2mAuthModule.forRoot: algorithms: HS256/],
    [{ issuer: ISSUER, audience: 'api', protectAllRoutes: true, clockTolerance: -1 }, /clockTolerance/],
  ])("forRoot reports the verifier's own option errors at once: %j", (options, message) => {
    const call = () => M2mAuthModule.forRoot(options as unknown as VerifierOptions);
    expect(call).toThrow(ConfigurationError);
    expect(call).toThrow(message);
  });

  it('forRootAsync reports them when its factory has run, as the app starts', async () => {
    const compile = Test.createTestingModule({
      imports: [M2mAuthModule.forRootAsync({ useFactory: () => ({ issuer: ISSUER, audience: '' }) })],
    }).compile();
    await expect(compile).rejects.toThrow(/M2mAuthModule: audience/);
  });

  it('the global guard is M2mAuthGuard itself, so overrideProvider(M2mAuthGuard) replaces it', async () => {
    @Controller()
    class MeController {
      @Get('me')
      me(@Principal('clientId') clientId: string | undefined) {
        return { clientId: clientId ?? null };
      }
    }
    const verifier = createVerifier({ issuer: ISSUER, audience: 'api' });
    const moduleRef = await Test.createTestingModule({
      imports: [M2mAuthModule.forRoot({ verifier, protectAllRoutes: true })],
      controllers: [MeController],
    })
      .overrideProvider(M2mAuthGuard)
      .useValue({ canActivate: () => true })
      .compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    try {
      const res = await fetch(`${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/me`);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ clientId: null });
    } finally {
      await app.close();
    }
  });

  it('uses a verifier passed in, shared under M2M_AUTH_VERIFIER', async () => {
    const verifier = createVerifier({ issuer: ISSUER, audience: 'api' });
    const moduleRef = await Test.createTestingModule({
      imports: [M2mAuthModule.forRoot({ verifier })],
    }).compile();
    expect(moduleRef.get(M2M_AUTH_VERIFIER)).toBe(verifier);
    await moduleRef.close();
  });

  it('builds one verifier from the options', async () => {
    const moduleRef = await Test.createTestingModule({
      imports: [M2mAuthModule.forRoot({ issuer: ISSUER, audience: ['api', 'other'] })],
    }).compile();
    const verifier = moduleRef.get<{ audiences: string[]; issuers: string[] }>(M2M_AUTH_VERIFIER);
    expect(verifier.issuers).toEqual([ISSUER]);
    expect(verifier.audiences).toEqual(['api', 'other']);
    await moduleRef.close();
  });
});

describe('requirement arguments', () => {
  it.each([
    ['RequireScope()', () => RequireScope(), /RequireScope: name at least one scope/],
    ['RequireScope([])', () => RequireScope([]), /RequireScope: name at least one scope/],
    ["RequireScope('')", () => RequireScope(''), /each scope must be a non-empty string or a function/],
    ["RequireScope('a b')", () => RequireScope('a b'), /scope 'a b' contains whitespace/],
    [
      "RequireScope(['a'], { mode: 'some' })",
      () => RequireScope(['a'], { mode: 'some' as 'any' }),
      /RequireScope: options.mode must be 'all' or 'any'/,
    ],
    [
      'ClientPermission(5)',
      () => ClientPermission(5 as unknown as RequirementValue),
      /ClientPermission: each permission must be/,
    ],
    ['@Scopes()', () => Scopes(), /@Scopes: name at least one scope/],
    ['@Permissions([], {})', () => Permissions([], {}), /@Permissions: name at least one permission/],
  ])('%s is refused when declared', (_name, declare, message) => {
    expect(declare).toThrow(ConfigurationError);
    expect(declare).toThrow(message);
  });

  it.each([
    ['@Scopes', () => Scopes('project-45c0')],
    ['@Permissions', () => Permissions('AdministerClients')],
  ])("%s on a controller refuses a handler's @Public() when the class is defined", (name, declare) => {
    const define = () => {
      @Controller('scoped')
      @declare()
      class ScopedController {
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
      return ScopedController;
    };
    expect(define).toThrow(ConfigurationError);
    expect(define).toThrow(
      `@Public() on ScopedController.health cannot open it: ${name} on its controller keeps every route of it protected`,
    );
  });

  it('a @Public() controller whose handler declares a requirement is no conflict', () => {
    const define = () => {
      @Controller('open')
      @Public()
      class OpenController {
        @Get('page')
        page() {
          return { ok: true };
        }

        @Get('admin')
        @Permissions('AdministerClients')
        admin() {
          return { ok: true };
        }
      }
      return OpenController;
    };
    expect(define).not.toThrow();
  });

  it('each factory call is its own guard class', () => {
    expect(RequireScope('a')).not.toBe(RequireScope('a'));
  });
});

describe('M2mAuthException', () => {
  it('carries the status, the challenge, no-store and the JSON body', () => {
    const error = new AuthError('insufficient_scope', 'missing scope project-X', {
      reason: 'scope_missing',
      required: ['project-X'],
    });
    const exception = new M2mAuthException(error, 'tables');
    expect(exception.getStatus()).toBe(403);
    expect(exception.getResponse()).toEqual({
      error: 'insufficient_scope',
      error_description: 'missing scope project-X',
    });
    expect(exception.headers).toEqual({
      'WWW-Authenticate':
        'Bearer realm="tables", error="insufficient_scope", error_description="missing scope project-X", scope="project-X"',
      'Cache-Control': 'no-store',
    });
    expect(exception.cause).toBe(error);
  });

  it('sends no challenge with a 503', () => {
    const error = new AuthError('temporarily_unavailable', 'issuer unavailable', {
      reason: 'jwks_unavailable',
    });
    const exception = new M2mAuthException(error, 'tables');
    expect(exception.getStatus()).toBe(503);
    expect(exception.headers).toEqual({ 'Cache-Control': 'no-store' });
  });
});

describe('M2mAuthGuard outside HTTP', () => {
  const verifier = createVerifier({ issuer: ISSUER, audience: 'api' });
  const rpc = { getType: () => 'rpc' } as unknown as ExecutionContext;

  it('refuses a non-HTTP context by default', async () => {
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
