import { exportJWK, generateKeyPair } from 'jose';
import { describe, expect, it } from 'vitest';
import { startTestIssuer } from '@m2m-auth/testing';
import { tokenFor } from './helpers.js';

describe('issuer.clients', () => {
  it('adds a client with a generated id and secret that gets tokens', async () => {
    await using issuer = await startTestIssuer();
    const client = issuer.clients.add({ scopes: ['read'] });
    expect(client.clientId).toMatch(/^client-/);
    expect(client.clientSecret).toEqual(expect.any(String));
    expect(client).toMatchObject({
      scopes: ['read'],
      tokenLifetime: 300,
      tokenFormat: 'jwt',
      refreshTokens: false,
      audience: ['api'],
    });
    expect((await tokenFor(issuer.tokenEndpoint, client.clientId, client.clientSecret!)).status).toBe(200);
    expect(Object.isFrozen(client)).toBe(true);
    expect(issuer.clients.list().map((c) => c.clientId)).toEqual([client.clientId]);
  });

  it('does not generate a secret for a key-only client', async () => {
    await using issuer = await startTestIssuer();
    const { publicKey } = await generateKeyPair('ES256');
    expect(issuer.clients.add({ publicKey }).clientSecret).toBeUndefined();
    expect(issuer.clients.add({ jwks: { keys: [await exportJWK(publicKey)] } }).clientSecret).toBeUndefined();
    expect(() => issuer.clients.add({ publicKey: { kty: 'EC', d: 'secret' } })).toThrow(
      /publicKey must be a public JWK/,
    );
  });

  it('updates, resets secrets and removes', async () => {
    await using issuer = await startTestIssuer();
    issuer.clients.add({ clientId: 'c', clientSecret: 'one', scopes: ['read', 'write'] });
    expect(issuer.clients.update('c', { scopes: ['read'] }).scopes).toEqual(['read']);
    expect((await tokenFor(issuer.tokenEndpoint, 'c', 'one', { scope: 'write' })).body.error).toBe(
      'invalid_scope',
    );
    const secret = issuer.clients.resetSecret('c');
    expect((await tokenFor(issuer.tokenEndpoint, 'c', 'one')).status).toBe(401);
    expect((await tokenFor(issuer.tokenEndpoint, 'c', secret)).status).toBe(200);
    expect(issuer.clients.resetSecret('c', 'two')).toBe('two');
    expect(issuer.clients.remove('c')).toBe(true);
    expect(issuer.clients.remove('c')).toBe(false);
    expect((await tokenFor(issuer.tokenEndpoint, 'c', 'two')).status).toBe(401);
    expect(() => issuer.clients.update('c', {})).toThrow(/names no client/);
    expect(() => issuer.clients.revokeTokens('c')).toThrow(/names no client/);
  });

  it('validates with messages that name the field', async () => {
    await using issuer = await startTestIssuer();
    expect(() => issuer.clients.add({ tokenFormat: 'paseto' as never })).toThrow(
      /tokenFormat must be one of/,
    );
    expect(() => issuer.clients.add({ scopes: ['a b'] })).toThrow(/scopes\[0\] must not contain spaces/);
    issuer.clients.add({ clientId: 'dup' });
    expect(() => issuer.clients.add({ clientId: 'dup' })).toThrow(/already registered/);
  });

  it('adds to a realm through the realm field or the realm handle', async () => {
    await using issuer = await startTestIssuer({ realms: ['acme', 'globex'] });
    const viaField = issuer.clients.add({ clientId: 'g', realm: 'globex' });
    expect(viaField.realm).toBe('globex');
    expect(issuer.realm('globex').clients.get('g')).toBeDefined();
    expect(issuer.clients.get('g')).toBeUndefined();
    const viaHandle = issuer.realm('globex').clients.add({ clientId: 'h' });
    expect(viaHandle.realm).toBe('globex');
    expect(() => issuer.realm('globex').clients.add({ clientId: 'i', realm: 'acme' })).toThrow(/realm/);
    expect(() => issuer.clients.add({ realm: 'nope' })).toThrow(/not one of the realms/);
    expect(issuer.clients.add({ clientId: 'a' }).permissionsClaim).toBe('keycloak');
  });
});
