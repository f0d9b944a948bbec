import {
  createLocalJWKSet,
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  errors,
  generateKeyPair,
  jwtVerify,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIssuer, type TestIssuer } from '@m2m-auth/testing';
import { basic, postForm } from './helpers.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer({ audience: 'api', clients: [{ clientId: 'api', clientSecret: 'a' }] });
});
afterAll(() => issuer.close());

const verify = (token: string, options: Parameters<typeof jwtVerify>[2] = {}) =>
  jwtVerify(token, createRemoteJWKSet(new URL(issuer.jwksUri)), {
    issuer: issuer.issuer,
    audience: 'api',
    ...options,
  });

describe('mint', () => {
  it('defaults iss, aud, iat, exp (300 s) and jti; claims are added', async () => {
    const token = await issuer.mint({ sub: 'svc', scope: 'read', client_id: 'svc' });
    const { payload, protectedHeader } = await verify(token);
    expect(protectedHeader).toEqual({
      alg: 'RS256',
      typ: 'at+jwt',
      kid: issuer.jwks().keys.find((k) => k.alg === 'RS256')!.kid,
    });
    expect(payload).toMatchObject({
      iss: issuer.issuer,
      aud: 'api',
      sub: 'svc',
      scope: 'read',
      client_id: 'svc',
    });
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(Math.abs(payload.iat! - Date.now() / 1000)).toBeLessThan(5);
    expect(payload.jti).toEqual(expect.any(String));
    expect(decodeJwt(await issuer.mint()).jti).not.toBe(payload.jti);
  });

  it('lets claims override defaults and undefined remove them', async () => {
    const token = await issuer.mint({
      iss: 'https://other',
      aud: ['x', 'y'],
      exp: undefined,
      jti: undefined,
    });
    const claims = decodeJwt(token);
    expect(claims.iss).toBe('https://other');
    expect(claims.aud).toEqual(['x', 'y']);
    expect(claims).not.toHaveProperty('exp');
    expect(claims).not.toHaveProperty('jti');
  });

  it('mints expired tokens with a negative lifetime', async () => {
    await expect(verify(await issuer.mint({ sub: 's' }, { lifetime: -60 }))).rejects.toBeInstanceOf(
      errors.JWTExpired,
    );
    const long = decodeJwt(await issuer.mint({}, { lifetime: 3600 }));
    expect(long.exp! - long.iat!).toBe(3600);
  });

  it('sets kid and header parameters', async () => {
    const unknownKid = await issuer.mint({}, { kid: 'nope' });
    expect(decodeProtectedHeader(unknownKid).kid).toBe('nope');
    await expect(verify(unknownKid)).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
    const jku = await issuer.mint({}, { header: { jku: 'https://evil.example/jwks', typ: undefined } });
    expect(decodeProtectedHeader(jku)).toMatchObject({ jku: 'https://evil.example/jwks' });
    expect(decodeProtectedHeader(jku)).not.toHaveProperty('typ');
  });

  it('signs with another algorithm, publishing its key', async () => {
    const token = await issuer.mint({ sub: 'ec' }, { alg: 'ES256' });
    expect(decodeProtectedHeader(token).alg).toBe('ES256');
    expect(issuer.jwks().keys.map((k) => k.alg)).toEqual(expect.arrayContaining(['RS256', 'ES256']));
    await expect(verify(token)).resolves.toBeDefined();
    await expect(verify(token, { algorithms: ['RS256'] })).rejects.toThrow();
  });

  it("mints unsigned tokens and tokens signed by a foreign key, which don't verify", async () => {
    const none = await issuer.mint({ sub: 'x' }, { alg: 'none' });
    expect(none.endsWith('.')).toBe(true);
    expect(decodeProtectedHeader(none).alg).toBe('none');
    await expect(verify(none)).rejects.toThrow();
    const { privateKey } = await generateKeyPair('RS256');
    const rsaKid = issuer.jwks().keys.find((k) => k.alg === 'RS256')!.kid!;
    const forged = await issuer.mint({ sub: 'x' }, { key: privateKey, kid: rsaKid, alg: 'RS256' });
    await expect(verify(forged)).rejects.toBeInstanceOf(errors.JWSSignatureVerificationFailed);
  });

  it('validates its options', async () => {
    await expect(issuer.mint({}, { alg: 'HS256' as never })).rejects.toThrow(/alg/);
    await expect(issuer.mint({}, { lifetime: Number.NaN })).rejects.toThrow(/lifetime/);
  });
});

describe('rotateKeys', () => {
  it('keeps the previous key published by default, so old tokens still verify', async () => {
    await using local = await startTestIssuer();
    const oldKid = local.jwks().keys[0]!.kid!;
    const old = await local.mint({ sub: 'a' });
    const rotated = await local.rotateKeys();
    expect(rotated.kid).not.toBe(oldKid);
    expect(rotated.published).toEqual([rotated.kid, oldKid]);
    const fresh = await local.mint({ sub: 'b' });
    expect(decodeProtectedHeader(fresh).kid).toBe(rotated.kid);
    const jwks = createRemoteJWKSet(new URL(local.jwksUri));
    await expect(jwtVerify(old, jwks)).resolves.toBeDefined();
    await expect(jwtVerify(fresh, jwks)).resolves.toBeDefined();
  });

  it('drops the previous key with keepPrevious: false; introspection then says inactive', async () => {
    await using local = await startTestIssuer({ clients: [{ clientId: 'api', clientSecret: 'a' }] });
    const old = await local.mint({ sub: 'a' });
    const intro = () => postForm(local.introspectionEndpoint, { token: old }, basic('api', 'a'));
    expect((await intro()).body.active).toBe(true);
    const rotated = await local.rotateKeys({ keepPrevious: false });
    expect(rotated.published).toEqual([rotated.kid]);
    await expect(jwtVerify(old, createLocalJWKSet(local.jwks()))).rejects.toBeInstanceOf(
      errors.JWKSNoMatchingKey,
    );
    expect((await intro()).body.active).toBe(false);
    const served = await (await fetch(local.jwksUri)).json();
    expect(served.keys.map((k: { kid: string }) => k.kid)).toEqual([rotated.kid]);
  });

  it('rotates one realm only', async () => {
    await using local = await startTestIssuer({ realms: ['a', 'b'] });
    const bKid = local.realm('b').jwks().keys[0]!.kid;
    await local.rotateKeys({ realm: 'a', keepPrevious: false });
    expect(local.realm('b').jwks().keys[0]!.kid).toBe(bKid);
    const token = await local.realm('b').mint({ sub: 'x' });
    expect(decodeJwt(token).iss).toBe(local.realm('b').issuer);
    expect(decodeJwt(await local.mint({}, { realm: 'b' })).iss).toBe(local.realm('b').issuer);
  });
});
