import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIssuer, type TestIssuer } from '@m2m-auth/testing';
import { adminCall, basic, discover, postForm, tokenFor } from './helpers.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer({
    realms: ['acme', 'globex'],
    audience: 'tables-api',
    clients: [
      {
        clientId: 'MPS-test',
        clientSecret: 'acme-secret',
        scopes: ['project-*', 'read'],
        permissions: ['AdministerClients'],
      },
      {
        clientId: 'plain',
        clientSecret: 'p',
        scopes: ['read'],
        permissionsClaim: 'permissions',
        permissions: ['x'],
      },
      { clientId: 'MPS-test', clientSecret: 'globex-secret', scopes: ['read'], realm: 'globex' },
    ],
  });
});
afterAll(() => issuer.close());

describe('Keycloak-style realms', () => {
  it('serves each realm as its own issuer under /auth/realms/{realm}', () => {
    const acme = issuer.realm('acme');
    const base = `${issuer.origin}/auth/realms/acme`;
    expect(acme).toMatchObject({
      name: 'acme',
      issuer: base,
      url: base,
      discoveryUrl: `${base}/.well-known/openid-configuration`,
      tokenEndpoint: `${base}/protocol/openid-connect/token`,
      jwksUri: `${base}/protocol/openid-connect/certs`,
      introspectionEndpoint: `${base}/protocol/openid-connect/token/introspect`,
      revocationEndpoint: `${base}/protocol/openid-connect/revoke`,
      adminEndpoint: `${issuer.origin}/auth/admin/realms/acme/clients`,
    });
    expect(issuer.realms).toEqual(['acme', 'globex']);
    // the top level is the first realm
    expect(issuer.issuer).toBe(base);
    expect(issuer.tokenEndpoint).toBe(acme.tokenEndpoint);
    expect(issuer.realm('globex').issuer).toBe(`${issuer.origin}/auth/realms/globex`);
    expect(() => issuer.realm('initech')).toThrow(/realm 'initech' is not one of the realms/);
  });

  it('discovers each realm with openid-client', async () => {
    for (const name of ['acme', 'globex']) {
      const realm = issuer.realm(name);
      const secret = name === 'acme' ? 'acme-secret' : 'globex-secret';
      const config = await discover(realm.issuer, 'MPS-test', oidc.ClientSecretPost(secret));
      expect(config.serverMetadata().token_endpoint).toBe(realm.tokenEndpoint);
      const tokens = await oidc.clientCredentialsGrant(config, { scope: 'read' });
      expect(tokens.access_token).toBeDefined();
    }
    const rfc8414 = await discover(
      issuer.realm('globex').issuer,
      'MPS-test',
      oidc.ClientSecretPost('globex-secret'),
      'oauth2',
    );
    expect(rfc8414.serverMetadata().issuer).toBe(issuer.realm('globex').issuer);
  });

  it('answers like Keycloak: refresh_expires_in 0, not-before-policy, scope string', async () => {
    const res = await tokenFor(issuer.tokenEndpoint, 'MPS-test', 'acme-secret', { scope: 'project-45c0' });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body)).toEqual([
      'access_token',
      'expires_in',
      'refresh_expires_in',
      'token_type',
      'not-before-policy',
      'scope',
    ]);
    expect(res.body).toMatchObject({
      expires_in: 300,
      refresh_expires_in: 0,
      token_type: 'Bearer',
      'not-before-policy': 0,
      scope: 'project-45c0',
    });
  });

  it('issues Keycloak-like claims', async () => {
    const { access_token } = (
      await tokenFor(issuer.tokenEndpoint, 'MPS-test', 'acme-secret', { scope: 'project-45c0 read' })
    ).body;
    expect(decodeProtectedHeader(access_token).typ).toBe('JWT');
    const { payload } = await jwtVerify(access_token, createRemoteJWKSet(new URL(issuer.jwksUri)), {
      issuer: issuer.issuer,
      audience: 'tables-api',
    });
    expect(payload).toMatchObject({
      typ: 'Bearer',
      azp: 'MPS-test',
      client_id: 'MPS-test',
      scope: 'project-45c0 read',
      preferred_username: 'service-account-mps-test',
      realm_access: { roles: ['AdministerClients'] },
      resource_access: { 'tables-api': { roles: ['AdministerClients'] } },
    });
    expect(payload.sub).toMatch(/^[0-9a-f-]{36}$/);
    const plain = (await tokenFor(issuer.tokenEndpoint, 'plain', 'p')).body.access_token;
    const { payload: p2 } = await jwtVerify(plain, createRemoteJWKSet(new URL(issuer.jwksUri)), {
      issuer: issuer.issuer,
    });
    expect(p2.permissions).toEqual(['x']);
    expect(p2).not.toHaveProperty('realm_access');
  });

  it('keeps realms apart: clients, secrets, keys and tokens', async () => {
    const acme = issuer.realm('acme');
    const globex = issuer.realm('globex');
    expect(acme.jwks().keys[0]!.kid).not.toBe(globex.jwks().keys[0]!.kid);
    // same client id, different secrets
    expect((await tokenFor(globex.tokenEndpoint, 'MPS-test', 'acme-secret')).status).toBe(401);
    expect((await tokenFor(globex.tokenEndpoint, 'plain', 'p')).status).toBe(401);
    const globexToken = (await tokenFor(globex.tokenEndpoint, 'MPS-test', 'globex-secret')).body.access_token;
    // a globex token verifies with globex's JWKS and issuer only
    await expect(
      jwtVerify(globexToken, createRemoteJWKSet(new URL(globex.jwksUri)), { issuer: globex.issuer }),
    ).resolves.toBeDefined();
    await expect(jwtVerify(globexToken, createRemoteJWKSet(new URL(acme.jwksUri)))).rejects.toThrow();
    // acme's introspection does not know it
    const intro = await postForm(
      acme.introspectionEndpoint,
      { token: globexToken },
      basic('MPS-test', 'acme-secret'),
    );
    expect(intro.body).toEqual({ active: false });
    const own = await postForm(
      globex.introspectionEndpoint,
      { token: globexToken },
      basic('MPS-test', 'globex-secret'),
    );
    expect(own.body.active).toBe(true);
    // no root issuer in realm mode
    expect((await fetch(`${issuer.origin}/token`, { method: 'POST' })).status).toBe(404);
  });

  it('has an admin API per realm', async () => {
    const acme = await adminCall(issuer.realm('acme').adminEndpoint, issuer.adminToken, 'GET');
    const globex = await adminCall(issuer.realm('globex').adminEndpoint, issuer.adminToken, 'GET');
    expect(acme.body.map((c: { clientId: string }) => c.clientId)).toEqual(['MPS-test', 'plain']);
    expect(globex.body).toEqual([expect.objectContaining({ clientId: 'MPS-test', realm: 'globex' })]);
    const created = await adminCall(issuer.realm('globex').adminEndpoint, issuer.adminToken, 'POST', {
      scopes: ['read'],
    });
    expect(created.status).toBe(201);
    expect(issuer.realm('globex').clients.get(created.body.clientId)).toBeDefined();
    expect(issuer.clients.get(created.body.clientId)).toBeUndefined();
  });

  it('counts requests per realm and across realms', async () => {
    const before = issuer.count('jwks');
    const globexBefore = issuer.realm('globex').count('jwks');
    await fetch(issuer.realm('globex').jwksUri);
    expect(issuer.count('jwks')).toBe(before + 1);
    expect(issuer.realm('globex').requests.jwks).toBe(globexBefore + 1);
    expect(issuer.realm('acme').count('jwks')).toBe(before - globexBefore);
  });

  it('refuses realm on a plain issuer', async () => {
    await using plain = await startTestIssuer();
    expect(() => plain.realm('acme')).toThrow(/no realms/);
    await expect(plain.mint({}, { realm: 'acme' })).rejects.toThrow(/no realms/);
  });
});
