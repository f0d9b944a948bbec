// Uses @m2m-auth/core (through the workspace) to check the tokens as an API would.
import { AuthError, checkPermissions, createVerifier, keycloak } from '@m2m-auth/core';
import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIssuer, type TestIssuer } from '@m2m-auth/testing';
import { adminCall, tokenFor } from './helpers.js';

const API = 'https://tables.example';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer({
    realms: ['acme'],
    audience: API,
    clients: [
      {
        clientId: 'admin-svc',
        clientSecret: 'a',
        scopes: ['read'],
        resourceRoles: { 'tables-api': ['AdministerClients'] },
      },
      { clientId: 'plain-svc', clientSecret: 'p', scopes: ['read'] },
      {
        clientId: 'both',
        clientSecret: 'b',
        permissions: ['realm-role'],
        resourceRoles: { [API]: ['extra'], 'tables-api': ['AdministerClients'] },
      },
    ],
  });
});
afterAll(() => issuer.close());

const accessToken = async (clientId: string, secret: string): Promise<string> => {
  const res = await tokenFor(issuer.tokenEndpoint, clientId, secret);
  expect(res.status).toBe(200);
  return res.body.access_token as string;
};

describe('Keycloak client roles (resourceRoles)', () => {
  it('files them under resource_access[clientId], as Keycloak does, not under the audience or realm_access', async () => {
    const claims = decodeJwt(await accessToken('admin-svc', 'a'));
    expect(claims.aud).toBe(API);
    expect(claims.realm_access).toEqual({ roles: [] });
    expect(claims.resource_access).toEqual({ 'tables-api': { roles: ['AdministerClients'] } });
    // merged with the permissions filed under the audience (the default behaviour)
    expect(decodeJwt(await accessToken('both', 'b'))).toMatchObject({
      realm_access: { roles: ['realm-role'] },
      resource_access: {
        [API]: { roles: ['realm-role', 'extra'] },
        'tables-api': { roles: ['AdministerClients'] },
      },
    });
  });

  it("grant a permission through core's keycloak({ clientId }) mapper with no realm role", async () => {
    const verifier = createVerifier({
      issuer: issuer.issuer,
      audience: API,
      claims: keycloak({ clientId: 'tables-api' }),
    });
    const admin = await verifier.verify(await accessToken('admin-svc', 'a'));
    expect([...admin.permissions]).toEqual(['AdministerClients']);
    expect(() => checkPermissions(admin, ['AdministerClients'])).not.toThrow();

    const plain = await verifier.verify(await accessToken('plain-svc', 'p'));
    expect(plain.permissions.size).toBe(0);
    expect(() => checkPermissions(plain, ['AdministerClients'])).toThrow(AuthError);
  });

  it('are validated, and shown and changed through the admin API', async () => {
    expect(() => issuer.clients.add({ resourceRoles: { api: 'x' as unknown as string[] } })).toThrow(
      /resourceRoles\["api"\] must be an array of strings/,
    );
    const url = `${issuer.adminEndpoint}/plain-svc`;
    const patched = await adminCall(url, issuer.adminToken, 'PATCH', {
      resourceRoles: { 'tables-api': ['AdministerClients'] },
    });
    expect(patched.body.resourceRoles).toEqual({ 'tables-api': ['AdministerClients'] });
    expect(decodeJwt(await accessToken('plain-svc', 'p')).resource_access).toEqual({
      'tables-api': { roles: ['AdministerClients'] },
    });
  });
});
