import { importJWK, type CryptoKey, type JWTVerifyOptions } from 'jose';
import { describe, expect, it } from 'vitest';
import { AuthError } from '../../src/errors.js';
import { createVerifier } from '../../src/verify/create-verifier.js';
import { precheckJws } from '../../src/verify/jws-precheck.js';
import { KeySelection, verifyWithKeys } from '../../src/verify/key-selection.js';
import { mapJoseError } from '../../src/verify/map-jose-error.js';
import { resolveVerifierOptions } from '../../src/verify/verifier-options.js';
import {
  Clock,
  FakeIssuer,
  FakeNetwork,
  b64,
  rsaTestKeys,
  sign,
  testKeys,
  type TestKey,
} from '../support/fake-issuer.js';
import { AUDIENCE, ISSUER, fixture } from '../support/verifier-fixture.js';

const keys = { ...(await testKeys()), ...(await rsaTestKeys()) };
const OTHER = 'https://id.example/realms/other';

/** A key selection over ISSUER (publishing ec1) and OTHER (publishing ec2), on a fake network. */
function selection() {
  const network = new FakeNetwork();
  const idp = new FakeIssuer(network, ISSUER);
  const other = new FakeIssuer(network, OTHER);
  idp.keys = [keys.ec1];
  other.keys = [keys.ec2];
  const clock = new Clock();
  const resolved = resolveVerifierOptions({
    issuer: [ISSUER, OTHER],
    audience: AUDIENCE,
    fetch: network.fetch,
    now: clock.now,
  });
  const rules: JWTVerifyOptions = { audience: AUDIENCE, clockTolerance: 0, requiredClaims: ['exp'] };
  const selected = new KeySelection(resolved);
  const verify = async (token: string, at = clock.ms) =>
    selected.verify(token, precheckJws(token, resolved), rules, at);
  const mint = (claims: Record<string, unknown> = {}, key: TestKey = keys.ec1) =>
    sign(key, { iss: ISSUER, aud: AUDIENCE, exp: clock.seconds + 60, ...claims });
  return { network, idp, other, clock, verify, mint };
}

const publicKey = async (key: TestKey): Promise<CryptoKey> =>
  (await importJWK(key.jwk, key.alg)) as CryptoKey;

async function* candidates(...list: TestKey[]): AsyncIterable<CryptoKey> {
  for (const key of list) yield await publicKey(key);
}

describe('KeySelection', () => {
  it('verifies a token with its issuer’s key and settles to its claims and that issuer', async () => {
    const { verify, mint, network, idp } = selection();
    const found = await verify(await mint({ scope: 'read' }));
    expect(found).toMatchObject({ ok: true, issuer: ISSUER, claims: { iss: ISSUER, scope: 'read' } });
    expect(network.requests).toEqual([idp.oidcUrl, idp.jwksUri]);
  });

  it.each([
    ['an unknown issuer', 'https://evil.example/realms/acme'],
    ['a trailing slash', `${ISSUER}/`],
    ['a non-string iss', 42],
    ['no iss', undefined],
  ])('%s → issuer_mismatch without an issuer, and no request', async (_name, iss) => {
    const { verify, mint, network } = selection();
    const found = await verify(await mint({ iss }));
    expect(found.ok).toBe(false);
    expect(found.issuer).toBeUndefined();
    expect(!found.ok && found.error).toMatchObject({ reason: 'issuer_mismatch' });
    expect(network.count()).toBe(0);
  });

  it('an unreachable issuer → the 503, with the accepted issuer', async () => {
    const { verify, mint, network, idp } = selection();
    network.fail(idp.oidcUrl, 'network');
    const found = await verify(await mint());
    expect(found.ok).toBe(false);
    expect(found.issuer).toBe(ISSUER);
    expect(!found.ok && found.error).toBeInstanceOf(AuthError);
    expect(!found.ok && found.error).toMatchObject({ status: 503, reason: 'discovery_failed' });
  });

  it('a key the issuer does not publish → unknown_kid, with the issuer, asking only that issuer', async () => {
    const { verify, mint, idp, other } = selection();
    const found = await verify(await mint({}, keys.ec2)); // OTHER's key, claiming ISSUER
    expect(found).toMatchObject({ ok: false, issuer: ISSUER, error: { reason: 'unknown_kid' } });
    expect([idp.jwksCalls, other.jwksCalls]).toEqual([1, 0]);
  });

  it('a claim failure settles to jose’s error (mapped later), with the issuer', async () => {
    const { verify, mint, clock } = selection();
    const found = await verify(await mint({ exp: clock.seconds - 1 }));
    expect(found.ok).toBe(false);
    expect(found.issuer).toBe(ISSUER);
    expect(!found.ok && mapJoseError(found.error).reason).toBe('token_expired');
  });

  it('checks the claims at the given time', async () => {
    const { verify, mint, clock } = selection();
    const token = await mint({ exp: clock.seconds + 60 });
    expect((await verify(token, clock.ms + 59_000)).ok).toBe(true);
    const later = await verify(token, clock.ms + 61_000);
    expect(!later.ok && mapJoseError(later.error).reason).toBe('token_expired');
  });

  it('sets the expected issuer and algorithm itself: a token is held to its own issuer', async () => {
    const { verify, other, mint } = selection();
    const found = await verify(await mint({ iss: OTHER }, keys.ec2));
    expect(found).toMatchObject({ ok: true, issuer: OTHER });
    expect(other.jwksCalls).toBe(1);
  });
});

describe('verifyWithKeys', () => {
  const options: JWTVerifyOptions = { audience: AUDIENCE, algorithms: ['RS256'] };
  const token = () => sign(keys.rsaNoKid2, { aud: AUDIENCE, exp: 2e9 });

  it('verifies with a single key', async () => {
    const claims = await verifyWithKeys(await token(), await publicKey(keys.rsaNoKid2), options);
    expect(claims).toEqual({ aud: AUDIENCE, exp: 2e9 });
  });

  it('tries each candidate until one verifies the signature', async () => {
    const claims = await verifyWithKeys(await token(), candidates(keys.rsaNoKid1, keys.rsaNoKid2), options);
    expect(claims.aud).toBe(AUDIENCE);
  });

  it('stops at the first failure that is not a signature failure', async () => {
    let asked = 0;
    async function* counting(): AsyncIterable<CryptoKey> {
      for (const key of [keys.rsaNoKid2, keys.rsaNoKid1]) {
        asked++;
        yield await publicKey(key);
      }
    }
    const expired = await sign(keys.rsaNoKid2, { aud: AUDIENCE, exp: 1 });
    const error = await verifyWithKeys(expired, counting(), options).catch((err: unknown) => err);
    expect(mapJoseError(error).reason).toBe('token_expired');
    expect(asked).toBe(1);
  });

  it('no candidate verifies, or none at all → signature_invalid', async () => {
    const wrong = verifyWithKeys(await token(), candidates(keys.rsaNoKid1), options);
    await expect(wrong.catch(mapJoseError)).resolves.toMatchObject({ reason: 'signature_invalid' });
    await expect(verifyWithKeys(await token(), candidates(), options)).rejects.toMatchObject({
      reason: 'signature_invalid',
    });
  });
});

describe('createVerifier: a token without kid', () => {
  it('verifies with whichever of two RSA keys matches', async () => {
    const { verifier, mint, idp } = await fixture();
    idp.keys = [keys.rsaNoKid1, keys.rsaNoKid2];
    await expect(verifier.verify(await mint({}, {}, keys.rsaNoKid2))).resolves.toBeDefined();
    await expect(verifier.verify(await mint({}, {}, keys.rsaNoKid1))).resolves.toBeDefined();
    expect(idp.jwksCalls).toBe(1);
  });

  it('verified by neither → signature_invalid', async () => {
    const { verifier, mint, idp } = await fixture();
    idp.keys = [keys.rsaNoKid1, keys.rsaNoKid2];
    const [h, , sig] = (await mint({}, {}, keys.rsaNoKid2)).split('.');
    const tampered = `${h}.${b64({ iss: ISSUER, aud: AUDIENCE, exp: 2e9, scope: 'admin' })}.${sig}`;
    await expect(verifier.verify(tampered)).rejects.toMatchObject({ reason: 'signature_invalid' });
    expect(idp.jwksCalls).toBe(1);
  });

  it('reports the claim failure of the matching key, not a signature failure', async () => {
    const { verifier, mint, idp, clock } = await fixture();
    idp.keys = [keys.rsaNoKid1, keys.rsaNoKid2];
    const expired = await mint({ exp: clock.seconds - 60 }, {}, keys.rsaNoKid2);
    await expect(verifier.verify(expired)).rejects.toMatchObject({ reason: 'token_expired' });
  });
});

describe('createVerifier: several issuers', () => {
  const A = 'https://id.example/realms/a';
  const B = 'https://id.example/realms/b';

  async function twoIssuers() {
    const network = new FakeNetwork();
    const a = new FakeIssuer(network, A);
    const b = new FakeIssuer(network, B);
    a.keys = [keys.ec1];
    b.keys = [keys.ec2];
    const now = () => Date.UTC(2030, 0, 1);
    const verifier = createVerifier({ issuer: [A, B], audience: AUDIENCE, fetch: network.fetch, now });
    const claims = (iss: string) => ({ iss, aud: AUDIENCE, exp: now() / 1000 + 300 });
    return { network, a, b, verifier, claims };
  }

  it('accepts tokens from each, discovering each issuer once', async () => {
    const { a, b, verifier, claims } = await twoIssuers();
    expect((await verifier.verify(await sign(keys.ec1, claims(A)))).issuer).toBe(A);
    expect((await verifier.verify(await sign(keys.ec2, claims(B)))).issuer).toBe(B);
    expect((await verifier.verify(await sign(keys.ec2, { ...claims(B), jti: '2' }))).issuer).toBe(B);
    expect([a.discoveryCalls, a.jwksCalls, b.discoveryCalls, b.jwksCalls]).toEqual([1, 1, 1, 1]);
    expect(verifier.issuers).toEqual([A, B]);
  });

  it('checks a token against its own issuer’s keys only', async () => {
    const { a, verifier, claims } = await twoIssuers();
    // Signed with A's key but claiming B: B's JWKS does not have ec-1.
    await expect(verifier.verify(await sign(keys.ec1, claims(B)))).rejects.toMatchObject({
      reason: 'unknown_kid',
    });
    expect(a.jwksCalls).toBe(0);
  });

  it('compares issuers exactly: a trailing slash is another issuer', async () => {
    const { network, verifier, claims } = await twoIssuers();
    await expect(verifier.verify(await sign(keys.ec1, claims(`${A}/`)))).rejects.toMatchObject({
      reason: 'issuer_mismatch',
    });
    expect(network.count()).toBe(0);
  });
});
