import { createHmac } from 'node:crypto';
import { importJWK, type CryptoKey } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../../src/errors.js';
import { auth0, entra, keycloak } from '../../src/principal/claim-mappers.js';
import type { RejectionEvent } from '../../src/verify/rejection-event.js';
import { b64, rejectionOf, rsaTestKeys, testKeys, type TestKey } from '../support/fake-issuer.js';
import { AUDIENCE, ISSUER, fixture } from '../support/verifier-fixture.js';

const keys = { ...(await testKeys()), ...(await rsaTestKeys()) };

async function importPs256(key: TestKey): Promise<CryptoKey> {
  return (await importJWK(key.privateJwk, 'PS256')) as CryptoKey;
}

describe('createVerifier: the principal of a valid token', () => {
  it('fills clientId, subject, issuer, audience, scopes, expiresAt, claims and token', async () => {
    const { verifier, mint, clock } = await fixture();
    const exp = clock.seconds + 300;
    const token = await mint({ exp, tenant: 'acme' });
    const principal = await verifier.verify(token);
    expect(principal.clientId).toBe('svc');
    expect(principal.subject).toBe('svc-sub');
    expect(principal.issuer).toBe(ISSUER);
    expect(principal.audience).toEqual([AUDIENCE]);
    expect([...principal.scopes]).toEqual(['read', 'write']);
    expect([...principal.permissions]).toEqual([]);
    expect(principal.expiresAt).toEqual(new Date(exp * 1000));
    expect(principal.claims.tenant).toBe('acme');
    expect(principal.token).toBe(token);
  });

  it('keeps an audience array whole and accepts it when any entry is ours', async () => {
    const { verifier, mint } = await fixture();
    const principal = await verifier.verify(await mint({ aud: ['https://other.example', AUDIENCE] }));
    expect(principal.audience).toEqual(['https://other.example', AUDIENCE]);
  });

  it('accepts any of several configured audiences', async () => {
    const { verifier, mint } = await fixture({ audience: ['https://a.example', 'https://b.example'] });
    await expect(verifier.verify(await mint({ aud: 'https://b.example' }))).resolves.toBeDefined();
    await expect(verifier.verify(await mint({ aud: AUDIENCE }))).rejects.toMatchObject({
      reason: 'audience_mismatch',
    });
  });

  it.each([
    [{ client_id: 'a', azp: 'b', cid: 'c', appid: 'd' }, 'a'],
    [{ client_id: undefined, azp: 'b', cid: 'c', appid: 'd' }, 'b'],
    [{ client_id: undefined, cid: 'c', appid: 'd' }, 'c'],
    [{ client_id: undefined, appid: 'd' }, 'd'],
    [{ client_id: '', azp: 'b' }, 'b'],
    [{ client_id: undefined }, undefined],
  ])('clientId precedence client_id > azp > cid > appid (%j)', async (claims, expected) => {
    const { verifier, mint } = await fixture();
    expect((await verifier.verify(await mint(claims))).clientId).toBe(expected);
  });

  it.each([
    [{ scope: 'a  b c' }, ['a', 'b', 'c']],
    [{ scope: undefined, scp: 'a b' }, ['a', 'b']],
    [{ scope: undefined, scp: ['a', 'b'] }, ['a', 'b']],
    [{ scope: 'a', scp: ['b'] }, ['a', 'b']],
    [{ scope: undefined }, []],
  ])('scopes from scope / scp (%j)', async (claims, expected) => {
    const { verifier, mint } = await fixture();
    expect([...(await verifier.verify(await mint(claims))).scopes].sort()).toEqual(expected);
  });

  const keycloakClaims = {
    realm_access: { roles: ['realm-admin'] },
    resource_access: { api: { roles: ['AdministerClients'] }, other: { roles: ['OtherRole'] } },
  };

  it('fills permissions with keycloak({ clientId }): realm roles and that client’s roles only', async () => {
    const { verifier, mint } = await fixture({ claims: keycloak({ clientId: 'api' }) });
    const principal = await verifier.verify(await mint(keycloakClaims));
    expect([...principal.permissions].sort()).toEqual(['AdministerClients', 'realm-admin']);
  });

  it('fills permissions with auth0() from `permissions`', async () => {
    const { verifier, mint } = await fixture({ claims: auth0() });
    const principal = await verifier.verify(await mint({ permissions: ['read:tables'], roles: ['x'] }));
    expect([...principal.permissions]).toEqual(['read:tables']);
  });

  it('fills permissions with entra() from `roles`', async () => {
    const { verifier, mint } = await fixture({ claims: entra() });
    const principal = await verifier.verify(await mint({ permissions: ['x'], roles: ['Tables.Write'] }));
    expect([...principal.permissions]).toEqual(['Tables.Write']);
  });

  it('fills permissions with a custom function that sees the verified claims', async () => {
    const seen: unknown[] = [];
    const { verifier, mint } = await fixture({
      claims: (claims) => {
        seen.push(claims.tenant);
        return new Set([`tenant:${String(claims.tenant)}`]);
      },
    });
    const principal = await verifier.verify(await mint({ tenant: 'acme' }));
    expect([...principal.permissions]).toEqual(['tenant:acme']);
    expect(seen).toEqual(['acme']);
  });
  it('lets a throwing claim mapper fail as the app bug it is, not as a bad token', async () => {
    const bug = new TypeError('mapper bug');
    const { verifier, mint, events } = await fixture({
      claims: () => {
        throw bug;
      },
    });
    await expect(verifier.verify(await mint())).rejects.toBe(bug);
    expect(events).toEqual([]);
  });
});

describe('createVerifier: rejected before any network request', () => {
  const claims = () => ({ iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.UTC(2030, 0, 1) / 1000) + 300 });

  it.each(['none', 'None', 'NONE'])('alg %s → algorithm_not_allowed, zero fetch calls', async (alg) => {
    const { verifier, network } = await fixture();
    const token = `${b64({ alg, typ: 'JWT' })}.${b64(claims())}.`;
    await expect(verifier.verify(token)).rejects.toMatchObject({
      code: 'invalid_token',
      status: 401,
      reason: 'algorithm_not_allowed',
    });
    expect(network.count()).toBe(0);
  });

  it('HS256 signed with the issuer’s public key → algorithm_not_allowed, zero fetch calls', async () => {
    const { verifier, network } = await fixture();
    const input = `${b64({ alg: 'HS256', typ: 'JWT', kid: 'rsa-1' })}.${b64(claims())}`;
    const secret = JSON.stringify(keys.rsa1.jwk);
    const token = `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
    await expect(verifier.verify(token)).rejects.toMatchObject({
      status: 401,
      reason: 'algorithm_not_allowed',
    });
    expect(network.count()).toBe(0);
  });

  it('RS256 when algorithms is [ES256] → algorithm_not_allowed, zero fetch calls', async () => {
    const { verifier, network, mint } = await fixture({ algorithms: ['ES256'] });
    await expect(verifier.verify(await mint({}, {}, keys.rsa1))).rejects.toMatchObject({
      reason: 'algorithm_not_allowed',
    });
    expect(network.count()).toBe(0);
  });

  it.each([
    ['an unknown issuer', 'https://evil.example/realms/acme'],
    ['the issuer with a trailing slash', `${ISSUER}/`],
    ['the issuer in another case', ISSUER.toUpperCase()],
    ['no issuer', undefined],
  ])('%s → issuer_mismatch, zero fetch calls', async (_name, iss) => {
    const { verifier, network, mint } = await fixture();
    await expect(verifier.verify(await mint({ iss }))).rejects.toMatchObject({
      status: 401,
      reason: 'issuer_mismatch',
    });
    expect(network.count()).toBe(0);
  });

  it('a JWE (five segments) → token_encrypted, zero fetch calls', async () => {
    const { verifier, network } = await fixture();
    const token = `${b64({ alg: 'RSA-OAEP', enc: 'A256GCM' })}.a.b.c.d`;
    await expect(verifier.verify(token)).rejects.toMatchObject({ reason: 'token_encrypted' });
    expect(network.count()).toBe(0);
  });

  it.each([
    ['two segments', 'abc.def'],
    ['four segments', 'a.b.c.d'],
    ['a non-base64url segment', 'ab$c.def.ghi'],
    ['a header that is not JSON', `${b64('nope')}.${b64({})}.c2ln`],
    ['the empty string', ''],
  ])('%s → token_malformed, zero fetch calls', async (_name, token) => {
    const { verifier, network } = await fixture();
    await expect(verifier.verify(token)).rejects.toMatchObject({ status: 401, reason: 'token_malformed' });
    expect(network.count()).toBe(0);
  });

  it('an RS256 token with an empty signature → token_malformed, zero fetch calls', async () => {
    const { verifier, network, mint } = await fixture();
    const [h, p] = (await mint()).split('.');
    await expect(verifier.verify(`${h}.${p}.`)).rejects.toMatchObject({ reason: 'token_malformed' });
    expect(network.count()).toBe(0);
  });

  it('a token longer than maxTokenLength → token_too_large, zero fetch calls', async () => {
    const { verifier, network, mint } = await fixture({ maxTokenLength: 1000 });
    const token = await mint({ padding: 'x'.repeat(1000) });
    await expect(verifier.verify(token)).rejects.toMatchObject({ reason: 'token_too_large' });
    expect(network.count()).toBe(0);
    const short = await mint();
    expect(short.length).toBeLessThan(1000);
    await expect(verifier.verify(short)).resolves.toBeDefined();
  });
});

describe('createVerifier: key family', () => {
  it('an ES256 header naming an RSA kid → key_mismatch', async () => {
    const { verifier, mint, idp } = await fixture();
    idp.keys = [keys.rsa1];
    const token = await mint({}, { alg: 'ES256', kid: 'rsa-1' }, keys.ec1);
    await expect(verifier.verify(token)).rejects.toMatchObject({ status: 401, reason: 'key_mismatch' });
  });

  it('an RS256 header naming an EC kid → key_mismatch', async () => {
    const { verifier, mint, idp } = await fixture();
    idp.keys = [keys.rsa1, keys.ec1];
    const token = await mint({}, { alg: 'RS256', kid: 'ec-1' }, keys.rsa1);
    await expect(verifier.verify(token)).rejects.toMatchObject({ reason: 'key_mismatch' });
  });

  it('PS256 and EdDSA tokens verify against keys of their family', async () => {
    const { verifier, mint, idp } = await fixture();
    idp.keys = [keys.rsa1, keys.ed1];
    const ps256 = { ...keys.rsa1, alg: 'PS256' as const, privateKey: await importPs256(keys.rsa1) };
    await expect(verifier.verify(await mint({}, {}, ps256))).resolves.toBeDefined();
    await expect(verifier.verify(await mint({}, {}, keys.ed1))).resolves.toBeDefined();
  });
});

describe('createVerifier: claims', () => {
  it('a tampered payload → signature_invalid', async () => {
    const { verifier, mint } = await fixture();
    const [h, , s] = (await mint()).split('.');
    const forged = `${h}.${b64({ iss: ISSUER, aud: AUDIENCE, exp: 1e10, scope: 'admin' })}.${s}`;
    await expect(verifier.verify(forged)).rejects.toMatchObject({ reason: 'signature_invalid' });
  });

  it('exp is required', async () => {
    const { verifier, mint } = await fixture();
    await expect(verifier.verify(await mint({ exp: undefined }))).rejects.toMatchObject({
      reason: 'claim_missing',
      description: 'token lacks the exp claim',
    });
  });

  it('exp in the past beyond the tolerance → token_expired; within the tolerance → accepted', async () => {
    const { verifier, mint, clock } = await fixture({ clockTolerance: 5 });
    await expect(verifier.verify(await mint({ exp: clock.seconds - 6 }))).rejects.toMatchObject({
      status: 401,
      reason: 'token_expired',
    });
    await expect(verifier.verify(await mint({ exp: clock.seconds - 4 }))).resolves.toBeDefined();
  });

  it('nbf in the future beyond the tolerance → token_not_yet_valid; within → accepted', async () => {
    const { verifier, mint, clock } = await fixture({ clockTolerance: 5 });
    await expect(verifier.verify(await mint({ nbf: clock.seconds + 6 }))).rejects.toMatchObject({
      reason: 'token_not_yet_valid',
    });
    await expect(verifier.verify(await mint({ nbf: clock.seconds + 4 }))).resolves.toBeDefined();
  });

  it('iat in the future beyond the tolerance → iat_in_future; within → accepted', async () => {
    const { verifier, mint, clock } = await fixture({ clockTolerance: 5 });
    await expect(verifier.verify(await mint({ iat: clock.seconds + 6 }))).rejects.toMatchObject({
      reason: 'iat_in_future',
    });
    await expect(verifier.verify(await mint({ iat: clock.seconds + 4 }))).resolves.toBeDefined();
  });

  it('iat in the future is iat_in_future with maxTokenAge set too', async () => {
    const { verifier, mint, clock } = await fixture({ clockTolerance: 5, maxTokenAge: 600 });
    await expect(verifier.verify(await mint({ iat: clock.seconds + 60 }))).rejects.toMatchObject({
      reason: 'iat_in_future',
    });
  });

  it('clockTolerance 0 rejects a token that expired a second ago', async () => {
    const { verifier, mint, clock } = await fixture({ clockTolerance: 0 });
    await expect(verifier.verify(await mint({ exp: clock.seconds - 1 }))).rejects.toMatchObject({
      reason: 'token_expired',
    });
  });

  it('maxTokenAge: an older token → token_too_old; a younger one passes; iat then required', async () => {
    const { verifier, mint, clock } = await fixture({ maxTokenAge: 60, clockTolerance: 5 });
    await expect(verifier.verify(await mint({ iat: clock.seconds - 70 }))).rejects.toMatchObject({
      reason: 'token_too_old',
    });
    await expect(verifier.verify(await mint({ iat: clock.seconds - 50 }))).resolves.toBeDefined();
    await expect(verifier.verify(await mint({ iat: undefined }))).rejects.toMatchObject({
      reason: 'claim_missing',
    });
  });

  it('requiredClaims: a missing claim → claim_missing naming it', async () => {
    const { verifier, mint } = await fixture({ requiredClaims: ['jti', 'nbf'] });
    const clock = Math.floor(Date.UTC(2030, 0, 1) / 1000);
    await expect(verifier.verify(await mint({ nbf: clock }))).rejects.toMatchObject({
      reason: 'claim_missing',
      description: 'token lacks the jti claim',
    });
    await expect(verifier.verify(await mint({ jti: '1' }))).rejects.toMatchObject({
      reason: 'claim_missing',
      description: 'token lacks the nbf claim',
    });
    await expect(verifier.verify(await mint({ jti: '1', nbf: clock }))).resolves.toBeDefined();
  });

  it('requiredClaims ["sub"] requires sub, and only sub (not "s", "u", "b")', async () => {
    const { verifier, mint } = await fixture({ cacheSize: 0, requiredClaims: ['sub'] });
    await expect(verifier.verify(await mint({ s: 1, u: 1, b: 1 }))).resolves.toBeDefined();
    await expect(verifier.verify(await mint({ sub: undefined }))).rejects.toMatchObject({
      reason: 'claim_missing',
    });
  });

  it('a wrong audience → audience_mismatch; no audience → audience_mismatch', async () => {
    const { verifier, mint } = await fixture();
    await expect(verifier.verify(await mint({ aud: `${AUDIENCE}.evil` }))).rejects.toMatchObject({
      reason: 'audience_mismatch',
    });
    await expect(verifier.verify(await mint({ aud: undefined }))).rejects.toMatchObject({
      reason: 'audience_mismatch',
    });
  });

  it.each([
    ['JWT', false],
    [undefined, false],
    ['at+jwt', true],
    ['application/at+jwt', true],
    ['AT+JWT', true],
  ])('strictAccessTokenType with typ %s → accepted: %s', async (typ, accepted) => {
    const { verifier, mint } = await fixture({ strictAccessTokenType: true });
    const result = verifier.verify(await mint({}, { typ }));
    if (accepted) await expect(result).resolves.toBeDefined();
    else await expect(result).rejects.toMatchObject({ status: 401, reason: 'typ_invalid' });
  });

  it('without strictAccessTokenType, typ JWT is accepted', async () => {
    const { verifier, mint } = await fixture();
    await expect(verifier.verify(await mint({}, { typ: 'JWT' }))).resolves.toBeDefined();
  });
});

describe('createVerifier: onRejection', () => {
  it('is called once per rejection with the reason, and never receives the token', async () => {
    const { verifier, mint, events, clock } = await fixture();
    const tokens = [
      await mint({ exp: clock.seconds - 60 }),
      await mint({ aud: 'https://other.example' }),
      await mint({ iss: 'https://evil.example' }),
      'not-a-token',
    ];
    for (const token of tokens) await expect(verifier.verify(token)).rejects.toBeInstanceOf(AuthError);
    expect(events.map((e) => e.reason)).toEqual([
      'token_expired',
      'audience_mismatch',
      'issuer_mismatch',
      'token_malformed',
    ]);
    expect(events[0]).toMatchObject({ code: 'invalid_token', status: 401, description: 'token expired' });
    const logged = JSON.stringify(events);
    for (const token of tokens) {
      expect(logged).not.toContain(token);
      expect(logged).not.toContain(token.split('.')[2] ?? token);
    }
  });

  it('names the issuer when the token’s issuer was accepted, and only then', async () => {
    const { verifier, mint, events, clock } = await fixture();
    await expect(verifier.verify(await mint({ exp: clock.seconds - 60 }))).rejects.toThrow();
    await expect(verifier.verify(await mint({ iss: 'https://evil.example' }))).rejects.toThrow();
    expect(events.map((e) => e.issuer)).toEqual([ISSUER, undefined]);
  });

  it('is not called for an accepted token', async () => {
    const { verifier, mint, events } = await fixture();
    await verifier.verify(await mint());
    expect(events).toEqual([]);
  });

  it('a throwing hook does not change the outcome', async () => {
    const calls: RejectionEvent[] = [];
    const { verifier, mint, clock } = await fixture({
      onRejection: (event) => {
        calls.push(event);
        throw new Error('logger down');
      },
    });
    const error = await rejectionOf(verifier.verify(await mint({ exp: clock.seconds - 60 })));
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ reason: 'token_expired' });
    expect(calls).toHaveLength(1);
    await expect(verifier.verify(await mint())).resolves.toBeDefined();
  });
});
