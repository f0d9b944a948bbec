import { describe, expect, it } from 'vitest';
import { createVerifier } from '../../src/verify/create-verifier.js';
import { Clock, FakeIssuer, FakeNetwork, json, sign, testKeys } from '../support/fake-issuer.js';
import { AUDIENCE, ISSUER, fixture } from '../support/verifier-fixture.js';

const keys = await testKeys();
const COOLDOWN = 30; // seconds, the default

describe('discovery', () => {
  it('uses the OpenID Connect document, once', async () => {
    const { verifier, mint, idp, network } = await fixture({ cacheSize: 0 });
    await verifier.verify(await mint());
    await verifier.verify(await mint());
    expect(network.requests).toEqual([idp.oidcUrl, idp.jwksUri]);
  });

  it('falls back to the RFC 8414 document when the OIDC one is missing', async () => {
    const { verifier, mint, idp, network } = await fixture({}, { discovery: 'oauth2' });
    await expect(verifier.verify(await mint())).resolves.toBeDefined();
    expect(network.requests).toEqual([idp.oidcUrl, idp.oauth2Url, idp.jwksUri]);
    expect(idp.oauth2Url).toBe('https://id.example/.well-known/oauth-authorization-server/realms/acme');
  });

  it('a document naming another issuer → 503 discovery_failed, and the JWKS is never asked', async () => {
    const { verifier, mint, idp } = await fixture(
      {},
      { discoveredIssuer: 'https://evil.example/realms/acme' },
    );
    await expect(verifier.verify(await mint())).rejects.toMatchObject({
      code: 'temporarily_unavailable',
      status: 503,
      reason: 'discovery_failed',
    });
    expect(idp.jwksCalls).toBe(0);
  });

  it('a document naming the issuer with another path → 503 discovery_failed', async () => {
    const { verifier, mint } = await fixture({}, { discoveredIssuer: `${ISSUER}/other` });
    await expect(verifier.verify(await mint())).rejects.toMatchObject({ reason: 'discovery_failed' });
  });

  it('is not retried within the cooldown after a failure, and is after it', async () => {
    const { verifier, mint, idp, network, clock, events } = await fixture();
    network.fail(idp.oidcUrl, 'http500');
    await expect(verifier.verify(await mint())).rejects.toMatchObject({
      status: 503,
      reason: 'discovery_failed',
    });
    expect(idp.discoveryCalls).toBe(2); // OIDC, then RFC 8414
    clock.advance(COOLDOWN - 1);
    await expect(verifier.verify(await mint())).rejects.toMatchObject({
      status: 503,
      reason: 'discovery_failed',
    });
    expect(idp.discoveryCalls).toBe(2);
    network.fail(idp.oidcUrl, undefined);
    clock.advance(2);
    await expect(verifier.verify(await mint())).resolves.toBeDefined();
    expect(idp.discoveryCalls).toBe(3);
    expect(events.map((e) => e.reason)).toEqual(['discovery_failed', 'discovery_failed']);
  });

  it.each([
    ['without jwks_uri', { issuer: ISSUER }],
    ['with an http jwks_uri on a remote host', { issuer: ISSUER, jwks_uri: 'http://id.example/certs' }],
    ['with a jwks_uri that is not a URL', { issuer: ISSUER, jwks_uri: 'certs' }],
  ])('a document %s → 503 discovery_failed', async (_name, document) => {
    const { verifier, mint, idp, network } = await fixture();
    network.route(idp.oidcUrl, () => json(document));
    await expect(verifier.verify(await mint())).rejects.toMatchObject({
      status: 503,
      reason: 'discovery_failed',
    });
  });

  it('a document that is not JSON → 503 discovery_failed', async () => {
    const { verifier, mint, idp, network } = await fixture();
    network.fail(idp.oidcUrl, 'not_json');
    await expect(verifier.verify(await mint())).rejects.toMatchObject({
      status: 503,
      reason: 'discovery_failed',
    });
  });

  it('with an explicit jwksUri, makes no discovery request', async () => {
    const network = new FakeNetwork();
    const idp = new FakeIssuer(network, ISSUER, { discovery: 'none' });
    idp.keys = [keys.ec1];
    const clock = new Clock();
    const verifier = createVerifier({
      issuer: ISSUER,
      audience: AUDIENCE,
      jwksUri: idp.jwksUri,
      fetch: network.fetch,
      now: clock.now,
    });
    await verifier.verify(await sign(keys.ec1, { iss: ISSUER, aud: AUDIENCE, exp: clock.seconds + 60 }));
    expect(network.requests).toEqual([idp.jwksUri]);
  });

  it('discovers a loopback http issuer without allowInsecureRequests', async () => {
    const issuer = 'http://127.0.0.1:4444/realms/dev';
    const network = new FakeNetwork();
    const idp = new FakeIssuer(network, issuer);
    idp.keys = [keys.ec1];
    const clock = new Clock();
    const verifier = createVerifier({ issuer, audience: AUDIENCE, fetch: network.fetch, now: clock.now });
    const token = await sign(keys.ec1, { iss: issuer, aud: AUDIENCE, exp: clock.seconds + 60 });
    expect((await verifier.verify(token)).issuer).toBe(issuer);
    expect(network.requests).toEqual([
      `http://127.0.0.1:4444/realms/dev/.well-known/openid-configuration`,
      idp.jwksUri,
    ]);
  });

  it('shares one discovery among concurrent verifications', async () => {
    const { verifier, mint, idp } = await fixture();
    const tokens = await Promise.all([1, 2, 3].map((jti) => mint({ jti })));
    await Promise.all(tokens.map((t) => verifier.verify(t)));
    expect(idp.discoveryCalls).toBe(1);
  });
});
