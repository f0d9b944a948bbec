import { ConfigurationError, createVerifier, type VerifierOptions } from '@m2m-auth/core';
import { M2M_AUTH_VERIFIER, M2mAuthGuard, M2mAuthModule, Principal } from '@m2m-auth/nest';
import { Controller, Get } from '@nestjs/common';
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

  it.each([
    ['forRoot', () => M2mAuthModule.forRoot({ issuer: ISSUER, audience: 'api', global: true } as never)],
    ['forRoot', () => M2mAuthModule.forRoot({ issuer: ISSUER, audience: 'api', global: false } as never)],
    [
      'forRootAsync',
      () =>
        M2mAuthModule.forRootAsync({
          useFactory: () => ({ issuer: ISSUER, audience: 'api' }),
          global: true,
        } as never),
    ],
  ])('%s refuses the former option global, naming protectAllRoutes', (name, call) => {
    expect(call).toThrow(ConfigurationError);
    expect(call).toThrow(`M2mAuthModule.${name}: the option global is now protectAllRoutes`);
  });

  it('without protectAllRoutes registers no guard: routes are open unless guarded', async () => {
    @Controller()
    class OpenController {
      @Get('open')
      open() {
        return { ok: true };
      }
    }
    const moduleRef = await Test.createTestingModule({
      imports: [M2mAuthModule.forRoot({ issuer: ISSUER, audience: 'api' })],
      controllers: [OpenController],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    await app.listen(0, '127.0.0.1');
    try {
      const res = await fetch(`${(await app.getUrl()).replace('[::1]', '127.0.0.1')}/open`);
      expect(res.status).toBe(200);
    } finally {
      await app.close();
    }
  });
});
