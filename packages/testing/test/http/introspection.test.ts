import * as oidc from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIssuer, type TestIssuer } from '@m2m-auth/testing';
import { basic, discover, postForm, tokenFor } from '../helpers.js';

let now = Date.now();
let issuer: TestIssuer;

beforeAll(async () => {
  issuer = await startTestIssuer({
    clock: () => now,
    clients: [
      { clientId: 'api', clientSecret: 'api-secret' },
      {
        clientId: 'svc',
        clientSecret: 'svc-secret',
        scopes: ['read'],
        tokenLifetime: 60,
        refreshTokens: true,
      },
      { clientId: 'other', clientSecret: 'other-secret', scopes: ['read'] },
    ],
  });
});
afterAll(() => issuer.close());

const introspect = (token: string) =>
  postForm(issuer.introspectionEndpoint, { token }, basic('api', 'api-secret'));

describe('introspection (RFC 7662)', () => {
  it('answers active with the claims for a live token, through openid-client too', async () => {
    const { access_token } = (await tokenFor(issuer.tokenEndpoint, 'svc', 'svc-secret')).body;
    const res = await introspect(access_token);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      active: true,
      client_id: 'svc',
      scope: 'read',
      iss: issuer.issuer,
      sub: 'svc',
      aud: 'api',
      token_type: 'Bearer',
      exp: expect.any(Number),
    });
    const config = await discover(issuer.issuer, 'api', oidc.ClientSecretPost('api-secret'));
    expect(await oidc.tokenIntrospection(config, access_token)).toMatchObject({
      active: true,
      client_id: 'svc',
    });
  });

  it('requires client authentication', async () => {
    const res = await postForm(issuer.introspectionEndpoint, { token: 'x' });
    expect(res).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    const bad = await postForm(issuer.introspectionEndpoint, { token: 'x' }, basic('api', 'nope'));
    expect(bad.status).toBe(401);
    const noToken = await postForm(issuer.introspectionEndpoint, {}, basic('api', 'api-secret'));
    expect(noToken).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it('answers inactive for expired tokens (pinned clock), unknown strings and foreign JWTs', async () => {
    const { access_token } = (await tokenFor(issuer.tokenEndpoint, 'svc', 'svc-secret')).body;
    expect((await introspect(access_token)).body.active).toBe(true);
    now += 61_000;
    try {
      expect((await introspect(access_token)).body).toEqual({ active: false });
    } finally {
      now -= 61_000;
    }
    expect((await introspect('not-a-token')).body).toEqual({ active: false });
    await using elsewhere = await startTestIssuer();
    expect((await introspect(await elsewhere.mint({ sub: 'x' }))).body).toEqual({ active: false });
    // a minted token of this issuer is active
    expect((await introspect(await issuer.mint({ sub: 'x' }))).body).toMatchObject({
      active: true,
      sub: 'x',
    });
  });

  it('describes refresh tokens', async () => {
    const { refresh_token } = (await tokenFor(issuer.tokenEndpoint, 'svc', 'svc-secret')).body;
    expect((await introspect(refresh_token)).body).toMatchObject({
      active: true,
      token_type: 'refresh_token',
      client_id: 'svc',
    });
  });
});

describe('revocation (RFC 7009)', () => {
  it('revokes an access token: introspection goes inactive, the JWT itself still verifies', async () => {
    const { access_token } = (await tokenFor(issuer.tokenEndpoint, 'svc', 'svc-secret')).body;
    const res = await postForm(
      issuer.revocationEndpoint,
      { token: access_token },
      basic('svc', 'svc-secret'),
    );
    expect(res.status).toBe(200);
    expect((await introspect(access_token)).body).toEqual({ active: false });
    await expect(
      jwtVerify(access_token, createRemoteJWKSet(new URL(issuer.jwksUri)), {
        issuer: issuer.issuer,
        currentDate: new Date(now),
      }),
    ).resolves.toBeDefined();
  });

  it('revokes a refresh token, through openid-client', async () => {
    const config = await discover(issuer.issuer, 'svc', oidc.ClientSecretPost('svc-secret'));
    const tokens = await oidc.clientCredentialsGrant(config);
    await oidc.tokenRevocation(config, tokens.refresh_token!);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });

  it("answers 200 for unknown tokens and refuses another client's token", async () => {
    expect(
      (await postForm(issuer.revocationEndpoint, { token: 'junk' }, basic('svc', 'svc-secret'))).status,
    ).toBe(200);
    const { access_token } = (await tokenFor(issuer.tokenEndpoint, 'svc', 'svc-secret')).body;
    const res = await postForm(
      issuer.revocationEndpoint,
      { token: access_token },
      basic('other', 'other-secret'),
    );
    expect(res).toMatchObject({ status: 400, body: { error: 'unauthorized_client' } });
    expect((await introspect(access_token)).body.active).toBe(true);
    const anon = await postForm(issuer.revocationEndpoint, { token: access_token });
    expect(anon.status).toBe(401);
  });
});
