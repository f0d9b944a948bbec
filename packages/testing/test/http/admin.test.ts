import { createRemoteJWKSet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestIssuer, type TestIssuer } from '@m2m-auth/testing';
import { adminCall, basic, postForm, tokenFor } from '../helpers.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer({
    adminToken: 'admin-token-for-tests',
    clients: [
      { clientId: 'api', clientSecret: 'api-secret' },
      { clientId: 'existing', clientSecret: 'e', scopes: ['read'] },
    ],
  });
});
afterAll(() => issuer.close());

const call = (method: string, path = '', body?: unknown, token: string | null = issuer.adminToken) =>
  adminCall(`${issuer.adminEndpoint}${path}`, token ?? undefined, method, body);
const introspect = (token: string) =>
  postForm(issuer.introspectionEndpoint, { token }, basic('api', 'api-secret'));

describe('client-management API', () => {
  it('uses the given admin token', () => {
    expect(issuer.adminToken).toBe('admin-token-for-tests');
  });

  it('refuses a missing or wrong admin token with 401 JSON', async () => {
    const missing = await call('GET', '', undefined, null);
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchObject({ error: 'unauthorized' });
    expect(missing.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const wrong = await call('GET', '', undefined, 'not-the-token');
    expect(wrong.status).toBe(401);
    const client = await tokenFor(issuer.tokenEndpoint, 'existing', 'e');
    expect((await call('GET', '', undefined, client.body.access_token)).status).toBe(401);
  });

  it('registers a client with a generated id and secret, which then gets tokens', async () => {
    const res = await call('POST', '', {
      scopes: ['read', 'write'],
      permissions: ['p1'],
      tokenLifetime: 120,
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      clientId: expect.stringMatching(/^client-/),
      clientSecret: expect.any(String),
      scopes: ['read', 'write'],
      permissions: ['p1'],
      tokenLifetime: 120,
      tokenFormat: 'jwt',
      audience: ['api'],
    });
    expect(res.headers.get('location')).toBe(`${issuer.adminEndpoint}/${res.body.clientId}`);
    const token = await tokenFor(issuer.tokenEndpoint, res.body.clientId, res.body.clientSecret, {
      scope: 'write',
    });
    expect(token.status).toBe(200);
    expect(token.body.expires_in).toBe(120);
    expect(issuer.clients.get(res.body.clientId)?.clientSecret).toBe(res.body.clientSecret);
  });

  it('lists and gets clients without their secrets', async () => {
    const list = await call('GET');
    expect(list.status).toBe(200);
    expect(list.body.map((c: { clientId: string }) => c.clientId)).toEqual(
      expect.arrayContaining(['api', 'existing']),
    );
    expect(JSON.stringify(list.body)).not.toContain('api-secret');
    const one = await call('GET', '/existing');
    expect(one.body).toMatchObject({ clientId: 'existing', scopes: ['read'], hasSecret: true });
    expect(one.body).not.toHaveProperty('clientSecret');
    expect((await call('GET', '/nobody')).status).toBe(404);
  });

  it('refuses invalid registrations with 400 naming the field, and taken ids with 409', async () => {
    const bad = await call('POST', '', { clientId: 'x', scopes: 'read' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({
      error: 'invalid_client_metadata',
      error_description: expect.stringContaining('scopes'),
    });
    const unknown = await call('POST', '', { clientId: 'y', colour: 'red' });
    expect(unknown.body.error_description).toContain('colour');
    expect((await call('POST', '', { clientId: 'existing' })).status).toBe(409);
    const notJson = await fetch(issuer.adminEndpoint, {
      method: 'POST',
      headers: { authorization: `Bearer ${issuer.adminToken}`, 'content-type': 'application/json' },
      body: '{nope',
    });
    expect(notJson.status).toBe(400);
    expect((await call('DELETE')).status).toBe(405);
  });

  it('updates with PATCH (merge) and PUT (replace), keeping the secret', async () => {
    await call('POST', '', {
      clientId: 'upd',
      clientSecret: 'u',
      scopes: ['read', 'write'],
      tokenLifetime: 100,
    });
    const patched = await call('PATCH', '/upd', { scopes: ['read'] });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ scopes: ['read'], tokenLifetime: 100 });
    expect((await tokenFor(issuer.tokenEndpoint, 'upd', 'u', { scope: 'write' })).body.error).toBe(
      'invalid_scope',
    );

    const put = await call('PUT', '/upd', { scopes: ['write'] });
    expect(put.body).toMatchObject({ scopes: ['write'], tokenLifetime: 300 });
    expect((await tokenFor(issuer.tokenEndpoint, 'upd', 'u', { scope: 'write' })).status).toBe(200);
    expect((await call('PATCH', '/upd', { clientId: 'renamed' })).status).toBe(400);
    expect((await call('PATCH', '/upd', { tokenLifetime: -1 })).body.error_description).toContain(
      'tokenLifetime',
    );
  });

  it('resets a secret: the old one fails at once, the new one works, live tokens stay active', async () => {
    await call('POST', '', { clientId: 'rot', clientSecret: 'old-secret', scopes: ['read'] });
    const before = (await tokenFor(issuer.tokenEndpoint, 'rot', 'old-secret')).body.access_token;
    const reset = await call('POST', '/rot/secret');
    expect(reset.status).toBe(200);
    expect(reset.body).toEqual({ clientId: 'rot', clientSecret: expect.any(String) });
    expect(reset.body.clientSecret).not.toBe('old-secret');
    const old = await tokenFor(issuer.tokenEndpoint, 'rot', 'old-secret');
    expect(old).toMatchObject({ status: 401, body: { error: 'invalid_client' } });
    expect((await tokenFor(issuer.tokenEndpoint, 'rot', reset.body.clientSecret)).status).toBe(200);
    expect((await introspect(before)).body.active).toBe(true);

    const chosen = await call('POST', '/rot/secret', { clientSecret: 'chosen-one' });
    expect(chosen.body.clientSecret).toBe('chosen-one');
    expect((await tokenFor(issuer.tokenEndpoint, 'rot', reset.body.clientSecret)).status).toBe(401);
    expect((await call('GET', '/rot/secret')).status).toBe(405);
  });

  it('deletes a client: no new tokens, its JWT still verifies, introspection says inactive', async () => {
    await call('POST', '', { clientId: 'gone', clientSecret: 'g', scopes: ['read'] });
    const { access_token } = (await tokenFor(issuer.tokenEndpoint, 'gone', 'g')).body;
    expect((await introspect(access_token)).body.active).toBe(true);
    const del = await call('DELETE', '/gone');
    expect(del.status).toBe(204);
    expect((await call('GET', '/gone')).status).toBe(404);
    expect((await tokenFor(issuer.tokenEndpoint, 'gone', 'g')).body.error).toBe('invalid_client');
    const { payload } = await jwtVerify(access_token, createRemoteJWKSet(new URL(issuer.jwksUri)), {
      issuer: issuer.issuer,
      audience: 'api',
    });
    expect(payload.client_id).toBe('gone');
    expect((await introspect(access_token)).body).toEqual({ active: false });

    // re-registering the id does not revive the old token
    await call('POST', '', { clientId: 'gone', clientSecret: 'g2', scopes: ['read'] });
    expect((await introspect(access_token)).body).toEqual({ active: false });
    const fresh = (await tokenFor(issuer.tokenEndpoint, 'gone', 'g2')).body.access_token;
    expect((await introspect(fresh)).body.active).toBe(true);
  });

  it('says inactive for tokens of a deleted client whatever their jti: minted ones, and a client-set jti', async () => {
    issuer.clients.add({
      clientId: 'fixed-jti',
      clientSecret: 'f',
      scopes: ['read'],
      claims: { jti: 'same' },
    });
    const issued = (await tokenFor(issuer.tokenEndpoint, 'fixed-jti', 'f')).body.access_token;
    issuer.clients.add({ clientId: 'minted-for', clientSecret: 'm' });
    const minted = await issuer.mint({ client_id: 'minted-for' });
    expect((await introspect(issued)).body).toMatchObject({ active: true, jti: 'same' });
    expect((await introspect(minted)).body.active).toBe(true);
    expect((await call('DELETE', '/fixed-jti')).status).toBe(204);
    expect(issuer.clients.remove('minted-for')).toBe(true);
    expect((await introspect(issued)).body).toEqual({ active: false });
    expect((await introspect(minted)).body).toEqual({ active: false });
    // a token naming a client that never existed is untouched (mint() for unit tests)
    expect((await introspect(await issuer.mint({ client_id: 'never-registered' }))).body.active).toBe(true);
  });

  it('a minted token stays inactive when its client is removed and registered again in the same second', async () => {
    issuer.clients.add({ clientId: 'reborn', clientSecret: 'r' });
    const minted = await issuer.mint({ client_id: 'reborn' });
    expect((await introspect(minted)).body.active).toBe(true);
    expect(issuer.clients.remove('reborn')).toBe(true);
    issuer.clients.add({ clientId: 'reborn', clientSecret: 'r' }); // same second: iat == removal time
    expect((await introspect(minted)).body).toEqual({ active: false });
    const after = await issuer.mint({ client_id: 'reborn' });
    expect((await introspect(after)).body.active).toBe(true);
  });

  it('answers 404 JSON, not 500, for an id with malformed percent-encoding', async () => {
    for (const method of ['GET', 'DELETE']) {
      const res = await call(method, '/%E0%A4%A');
      expect(res.status).toBe(404);
      expect(res.body).toMatchObject({ error: 'not_found' });
    }
  });

  it('revokes every token of a client', async () => {
    await call('POST', '', { clientId: 'rv', clientSecret: 'r', scopes: ['read'] });
    const a = (await tokenFor(issuer.tokenEndpoint, 'rv', 'r')).body.access_token;
    expect((await call('POST', '/rv/revoke')).status).toBe(204);
    expect((await introspect(a)).body.active).toBe(false);
    const b = (await tokenFor(issuer.tokenEndpoint, 'rv', 'r')).body.access_token;
    expect((await introspect(b)).body.active).toBe(true);
  });
});
