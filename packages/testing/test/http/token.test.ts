import {
  createRemoteJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  exportJWK,
  generateKeyPair,
  jwtVerify,
  SignJWT,
} from 'jose';
import * as oidc from 'openid-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIssuer, type TestIssuer } from '@m2m-auth/testing';
import { basic, discover, postForm, tokenFor } from '../helpers.js';

let issuer: TestIssuer;
let clientKey: CryptoKey;
let otherKey: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  clientKey = pair.privateKey;
  otherKey = (await generateKeyPair('ES256')).privateKey;
  const jwk = await exportJWK(pair.publicKey);
  issuer = await startTestIssuer({
    audience: 'tables-api',
    clients: [
      {
        clientId: 'post',
        clientSecret: 'post-secret',
        scopes: ['read', 'write', 'project-*'],
        permissions: ['AdministerClients'],
      },
      {
        clientId: 'basic only',
        clientSecret: 'b:s&c=ret',
        scopes: ['read'],
        authMethod: 'client_secret_basic',
      },
      { clientId: 'keyed', publicKey: jwk, scopes: ['read'] },
      { clientId: 'keyset', jwks: { keys: [{ ...jwk, kid: 'k1' }] }, scopes: ['read'], tokenLifetime: 60 },
      { clientId: 'multi', clientSecret: 'm', scopes: ['read'], audience: ['a1', 'a2'] },
      { clientId: 'opaque', clientSecret: 'o', scopes: ['read'], tokenFormat: 'opaque' },
      { clientId: 'refresher', clientSecret: 'r', scopes: ['read', 'write'], refreshTokens: true },
    ],
  });
});

afterAll(() => issuer.close());

async function verify(token: string, audience = 'tables-api') {
  return jwtVerify(token, createRemoteJWKSet(new URL(issuer.jwksUri)), { issuer: issuer.issuer, audience });
}

async function assertion(clientId: string, key: CryptoKey, claims: Record<string, unknown> = {}) {
  return new SignJWT({
    jti: crypto.randomUUID(),
    iss: clientId,
    sub: clientId,
    aud: issuer.issuer,
    ...claims,
  })
    .setProtectedHeader({ alg: 'ES256' })
    .setIssuedAt()
    .setExpirationTime('1m')
    .sign(key);
}

describe('token endpoint — client authentication', () => {
  it('client_secret_post: an RFC 9068 access token that verifies with the JWKS', async () => {
    const res = await tokenFor(issuer.tokenEndpoint, 'post', 'post-secret', { scope: 'read project-45c0' });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.body).toEqual({
      access_token: expect.any(String),
      token_type: 'Bearer',
      expires_in: 300,
      scope: 'read project-45c0',
    });
    const { payload, protectedHeader } = await verify(res.body.access_token);
    expect(protectedHeader).toMatchObject({ alg: 'RS256', typ: 'at+jwt', kid: issuer.jwks().keys[0]!.kid });
    expect(payload).toMatchObject({
      iss: issuer.issuer,
      sub: 'post',
      aud: 'tables-api',
      client_id: 'post',
      scope: 'read project-45c0',
      permissions: ['AdministerClients'],
    });
    expect(payload.exp! - payload.iat!).toBe(300);
    expect(payload.jti).toEqual(expect.any(String));
  });

  it('client_secret_basic with form-encoded credentials, through openid-client', async () => {
    const config = await discover(issuer.issuer, 'basic only', oidc.ClientSecretBasic('b:s&c=ret'));
    const tokens = await oidc.clientCredentialsGrant(config, { scope: 'read' });
    const { payload } = await verify(tokens.access_token);
    expect(payload.client_id).toBe('basic only');
  });

  it('refuses a method the client is not configured for', async () => {
    const res = await tokenFor(issuer.tokenEndpoint, 'basic only', 'b:s&c=ret');
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
  });

  it('private_key_jwt through openid-client, with publicKey and with jwks', async () => {
    for (const clientId of ['keyed', 'keyset']) {
      const config = await discover(issuer.issuer, clientId, oidc.PrivateKeyJwt(clientKey));
      const tokens = await oidc.clientCredentialsGrant(config, { scope: 'read' });
      const { payload } = await verify(tokens.access_token);
      expect(payload.client_id).toBe(clientId);
      expect(tokens.expires_in).toBe(clientId === 'keyset' ? 60 : 300);
    }
  });

  it('private_key_jwt: accepts the token endpoint as audience, refuses replays, wrong keys and wrong audiences', async () => {
    const form = (jwt: string) => ({
      grant_type: 'client_credentials',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: jwt,
    });
    const good = await assertion('keyed', clientKey, { aud: issuer.tokenEndpoint });
    expect((await postForm(issuer.tokenEndpoint, form(good))).status).toBe(200);
    const replay = await postForm(issuer.tokenEndpoint, form(good));
    expect(replay.status).toBe(401);
    expect(replay.body).toMatchObject({
      error: 'invalid_client',
      error_description: expect.stringMatching(/replayed/),
    });

    const wrongKey = await postForm(issuer.tokenEndpoint, form(await assertion('keyed', otherKey)));
    expect(wrongKey.status).toBe(401);
    const wrongAud = await postForm(
      issuer.tokenEndpoint,
      form(await assertion('keyed', clientKey, { aud: 'https://elsewhere' })),
    );
    expect(wrongAud.status).toBe(401);
    const noJti = await new SignJWT({})
      .setProtectedHeader({ alg: 'ES256' })
      .setIssuer('keyed')
      .setSubject('keyed')
      .setAudience(issuer.issuer)
      .setExpirationTime('1m')
      .sign(clientKey);
    expect((await postForm(issuer.tokenEndpoint, form(noJti))).status).toBe(401);
    const secretClient = await postForm(issuer.tokenEndpoint, form(await assertion('post', clientKey)));
    expect(secretClient.status).toBe(401);
  });

  it('bad credentials: 401 invalid_client (with a Basic challenge when Basic was used), never echoing the secret', async () => {
    const post = await tokenFor(issuer.tokenEndpoint, 'post', 'wrong-secret');
    expect(post.status).toBe(401);
    expect(post.body.error).toBe('invalid_client');
    expect(JSON.stringify(post.body)).not.toContain('wrong-secret');
    const unknown = await tokenFor(issuer.tokenEndpoint, 'nobody', 'x');
    expect(unknown.status).toBe(401);
    const viaBasic = await postForm(
      issuer.tokenEndpoint,
      { grant_type: 'client_credentials' },
      basic('post', 'nope'),
    );
    expect(viaBasic.status).toBe(401);
    expect(viaBasic.headers.get('www-authenticate')).toMatch(/^Basic realm=/);
    const none = await postForm(issuer.tokenEndpoint, {
      grant_type: 'client_credentials',
      client_id: 'post',
    });
    expect(none.status).toBe(401);
    const both = await postForm(
      issuer.tokenEndpoint,
      { grant_type: 'client_credentials', client_id: 'post', client_secret: 'post-secret' },
      basic('post', 'post-secret'),
    );
    expect(both).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it('openid-client surfaces invalid_client as a ResponseBodyError', async () => {
    const config = await discover(issuer.issuer, 'post', oidc.ClientSecretPost('wrong'));
    await expect(oidc.clientCredentialsGrant(config)).rejects.toMatchObject({
      error: 'invalid_client',
      status: 401,
    });
  });
});

describe('token endpoint — scopes, audience, errors', () => {
  it('grants every non-wildcard scope when none is asked for', async () => {
    const res = await tokenFor(issuer.tokenEndpoint, 'post', 'post-secret');
    expect(res.body.scope).toBe('read write');
  });

  it('refuses a scope the client does not hold with 400 invalid_scope', async () => {
    const res = await tokenFor(issuer.tokenEndpoint, 'post', 'post-secret', { scope: 'read admin' });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'invalid_scope',
      error_description: expect.stringContaining("'admin'"),
    });
    const config = await discover(issuer.issuer, 'post', oidc.ClientSecretPost('post-secret'));
    await expect(oidc.clientCredentialsGrant(config, { scope: 'projects-x' })).rejects.toMatchObject({
      error: 'invalid_scope',
    });
  });

  it('allows openid', async () => {
    const res = await tokenFor(issuer.tokenEndpoint, 'post', 'post-secret', { scope: 'openid' });
    expect(res.body.scope).toBe('openid');
  });

  it('sets aud from the client, from resource (RFC 8707) or audience, and refuses others with invalid_target', async () => {
    const all = await tokenFor(issuer.tokenEndpoint, 'multi', 'm');
    expect(decodeJwt(all.body.access_token).aud).toEqual(['a1', 'a2']);
    const one = await tokenFor(issuer.tokenEndpoint, 'multi', 'm', { resource: 'a2' });
    expect(decodeJwt(one.body.access_token).aud).toBe('a2');
    const aud = await tokenFor(issuer.tokenEndpoint, 'multi', 'm', { audience: 'a1' });
    expect(decodeJwt(aud.body.access_token).aud).toBe('a1');
    const other = await tokenFor(issuer.tokenEndpoint, 'multi', 'm', { resource: 'https://elsewhere' });
    expect(other).toMatchObject({ status: 400, body: { error: 'invalid_target' } });
  });

  it('answers unsupported_grant_type, invalid_request and 405 as RFC 6749 JSON', async () => {
    const pw = await tokenFor(issuer.tokenEndpoint, 'post', 'post-secret', { grant_type: 'password' });
    expect(pw).toMatchObject({ status: 400, body: { error: 'unsupported_grant_type' } });
    const missing = await postForm(issuer.tokenEndpoint, { client_id: 'post', client_secret: 'post-secret' });
    expect(missing).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
    const json = await fetch(issuer.tokenEndpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ grant_type: 'client_credentials' }),
    });
    expect(json.status).toBe(400);
    expect((await json.json()).error).toBe('invalid_request');
    const get = await fetch(issuer.tokenEndpoint);
    expect(get.status).toBe(405);
    const repeated = await fetch(issuer.tokenEndpoint, {
      method: 'POST',
      body: 'grant_type=client_credentials&client_id=post&client_secret=post-secret&scope=read&scope=write',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(repeated.status).toBe(400);
  });

  it('issues opaque tokens that only introspection understands', async () => {
    const res = await tokenFor(issuer.tokenEndpoint, 'opaque', 'o');
    expect(res.status).toBe(200);
    expect(res.body.access_token.split('.')).toHaveLength(1);
    expect(() => decodeProtectedHeader(res.body.access_token)).toThrow();
    const intro = await postForm(issuer.introspectionEndpoint, {
      token: res.body.access_token,
      client_id: 'opaque',
      client_secret: 'o',
    });
    expect(intro.body).toMatchObject({
      active: true,
      client_id: 'opaque',
      scope: 'read',
      iss: issuer.issuer,
      token_type: 'Bearer',
    });
  });
});

describe('token endpoint — refresh tokens', () => {
  it('issues a refresh token only to clients configured for it', async () => {
    expect((await tokenFor(issuer.tokenEndpoint, 'post', 'post-secret')).body).not.toHaveProperty(
      'refresh_token',
    );
    expect((await tokenFor(issuer.tokenEndpoint, 'refresher', 'r')).body.refresh_token).toEqual(
      expect.any(String),
    );
  });

  it('rotates on use: the new one works, the old one fails with invalid_grant', async () => {
    const first = (await tokenFor(issuer.tokenEndpoint, 'refresher', 'r', { scope: 'read write' })).body;
    const refresh = (token: string, extra: Record<string, string> = {}) =>
      postForm(
        issuer.tokenEndpoint,
        { grant_type: 'refresh_token', refresh_token: token, ...extra },
        basic('refresher', 'r'),
      );
    const second = await refresh(first.refresh_token, { scope: 'read' });
    expect(second.status).toBe(200);
    expect(second.body.scope).toBe('read');
    expect(second.body.refresh_token).not.toBe(first.refresh_token);
    expect((await verify(second.body.access_token)).payload.scope).toBe('read');

    const reused = await refresh(first.refresh_token);
    expect(reused).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const widened = await refresh(second.body.refresh_token, { scope: 'read write' });
    expect(widened).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
    const third = await refresh(second.body.refresh_token);
    expect(third.status).toBe(200);
    const missing = await postForm(
      issuer.tokenEndpoint,
      { grant_type: 'refresh_token' },
      basic('refresher', 'r'),
    );
    expect(missing).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
  });

  it('never restores on refresh a scope the client has lost since', async () => {
    issuer.clients.add({
      clientId: 'shrinks',
      clientSecret: 's',
      scopes: ['read', 'write'],
      refreshTokens: true,
    });
    const first = (await tokenFor(issuer.tokenEndpoint, 'shrinks', 's', { scope: 'read write' })).body;
    expect(first.scope).toBe('read write');
    issuer.clients.update('shrinks', { scopes: ['read'] });
    const refresh = (token: string, extra: Record<string, string> = {}) =>
      postForm(
        issuer.tokenEndpoint,
        { grant_type: 'refresh_token', refresh_token: token, ...extra },
        basic('shrinks', 's'),
      );
    const asked = await refresh(first.refresh_token, { scope: 'write' });
    expect(asked).toMatchObject({ status: 400, body: { error: 'invalid_scope' } });
    const kept = await refresh(first.refresh_token);
    expect(kept.status).toBe(200);
    expect(kept.body.scope).toBe('read');
    expect(decodeJwt(kept.body.access_token).scope).toBe('read');
  });

  it("refuses another client's refresh token", async () => {
    const own = (await tokenFor(issuer.tokenEndpoint, 'refresher', 'r')).body.refresh_token;
    const res = await postForm(issuer.tokenEndpoint, {
      grant_type: 'refresh_token',
      refresh_token: own,
      client_id: 'post',
      client_secret: 'post-secret',
    });
    expect(res).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });

  it('works with openid-client refreshTokenGrant', async () => {
    const config = await discover(issuer.issuer, 'refresher', oidc.ClientSecretPost('r'));
    const tokens = await oidc.clientCredentialsGrant(config);
    const refreshed = await oidc.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).toBeDefined();
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({
      error: 'invalid_grant',
    });
  });
});
