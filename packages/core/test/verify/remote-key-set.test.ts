import { describe, expect, it } from 'vitest';
import { AuthError } from '../../src/errors.js';
import { rejectionOf, testKeys, type Failure } from '../support/fake-issuer.js';
import { fixture } from '../support/verifier-fixture.js';

const keys = await testKeys();
const COOLDOWN = 30; // seconds, the default

/** A verifier without the token cache, so that every verify reaches the key set. */
const uncached = (options: Parameters<typeof fixture>[0] = {}) => fixture({ cacheSize: 0, ...options });

describe('JWKS: unknown kid', () => {
  it('refetches exactly once, then not again within the cooldown, then again after it', async () => {
    const { verifier, mint, idp, clock, events } = await uncached();
    await verifier.verify(await mint());
    expect(idp.jwksCalls).toBe(1);

    clock.advance(COOLDOWN + 1);
    const unknown = await mint({}, { kid: 'ec-2' }, keys.ec2);
    await expect(verifier.verify(unknown)).rejects.toMatchObject({ status: 401, reason: 'unknown_kid' });
    expect(idp.jwksCalls).toBe(2);

    clock.advance(COOLDOWN - 1);
    const other = await mint({}, { kid: 'ec-3' }, keys.ec2);
    await expect(verifier.verify(other)).rejects.toMatchObject({ status: 401, reason: 'unknown_kid' });
    await expect(verifier.verify(unknown)).rejects.toMatchObject({ reason: 'unknown_kid' });
    expect(idp.jwksCalls).toBe(2);

    clock.advance(2);
    await expect(verifier.verify(other)).rejects.toMatchObject({ reason: 'unknown_kid' });
    expect(idp.jwksCalls).toBe(3);
    expect(events.map((e) => e.reason)).toEqual(['unknown_kid', 'unknown_kid', 'unknown_kid', 'unknown_kid']);
  });

  it('does not refetch for an unknown kid right after the first fetch', async () => {
    const { verifier, mint, idp } = await uncached();
    await expect(verifier.verify(await mint({}, {}, keys.ec2))).rejects.toMatchObject({
      reason: 'unknown_kid',
    });
    expect(idp.jwksCalls).toBe(1);
  });

  it('honours the jwksCooldown option', async () => {
    const { verifier, mint, idp, clock } = await uncached({ jwksCooldown: 5000 });
    await verifier.verify(await mint());
    clock.advance(4);
    await expect(verifier.verify(await mint({}, {}, keys.ec2))).rejects.toThrow(AuthError);
    expect(idp.jwksCalls).toBe(1);
    clock.advance(2);
    await expect(verifier.verify(await mint({}, {}, keys.ec2))).rejects.toThrow(AuthError);
    expect(idp.jwksCalls).toBe(2);
  });

  it('picks up a key rotation: the new kid after a refetch, the retired kid no longer', async () => {
    const { verifier, mint, idp, clock } = await uncached();
    const before = await mint();
    await verifier.verify(before);
    idp.keys = [keys.ec2];
    clock.advance(COOLDOWN + 1);
    await expect(verifier.verify(await mint({}, {}, keys.ec2))).resolves.toBeDefined();
    expect(idp.jwksCalls).toBe(2);
    await expect(verifier.verify(await mint())).rejects.toMatchObject({ reason: 'unknown_kid' });
    expect(idp.jwksCalls).toBe(2);
  });

  it('is a 503 when the refetch for an unknown kid fails (the key may be real)', async () => {
    const { verifier, mint, idp, network, clock } = await uncached();
    await verifier.verify(await mint());
    network.fail(idp.jwksUri, 'http500');
    clock.advance(COOLDOWN + 1);
    await expect(verifier.verify(await mint({}, {}, keys.ec2))).rejects.toMatchObject({
      status: 503,
      reason: 'jwks_unavailable',
    });
    // The known key still works, without another request.
    await expect(verifier.verify(await mint())).resolves.toBeDefined();
    expect(idp.jwksCalls).toBe(2);
  });
});

describe('JWKS: issuer down after a successful fetch', () => {
  it('keeps verifying with the cached keys past jwksMaxAge, refreshing in the background once per cooldown', async () => {
    const { verifier, mint, idp, network, clock, events } = await uncached({ jwksMaxAge: 60_000 });
    await verifier.verify(await mint());
    network.fail(idp.jwksUri, 'network');
    network.fail(idp.oidcUrl, 'network');

    clock.advance(61);
    await expect(verifier.verify(await mint())).resolves.toBeDefined();
    expect(idp.jwksCalls).toBe(2); // the background refresh, failed silently
    clock.advance(COOLDOWN - 1);
    await expect(verifier.verify(await mint())).resolves.toBeDefined();
    expect(idp.jwksCalls).toBe(2);
    clock.advance(2);
    await expect(verifier.verify(await mint())).resolves.toBeDefined();
    expect(idp.jwksCalls).toBe(3);
    clock.advance(3600 * 24);
    await expect(verifier.verify(await mint())).resolves.toBeDefined();
    expect(idp.discoveryCalls).toBe(1);
    expect(events).toEqual([]);
  });

  it('replaces the keys when the background refresh succeeds', async () => {
    const { verifier, mint, idp, clock } = await uncached({ jwksMaxAge: 60_000 });
    await verifier.verify(await mint());
    idp.keys = [keys.ec2];
    clock.advance(61);
    await expect(verifier.verify(await mint())).resolves.toBeDefined(); // served from the old keys
    expect(idp.jwksCalls).toBe(2);
    await new Promise((resolve) => setTimeout(resolve, 0));
    await expect(verifier.verify(await mint({}, {}, keys.ec2))).resolves.toBeDefined();
    await expect(verifier.verify(await mint())).rejects.toMatchObject({ reason: 'unknown_kid' });
    expect(idp.jwksCalls).toBe(2);
  });

  it('does not refresh before jwksMaxAge', async () => {
    const { verifier, mint, idp, clock } = await uncached({ jwksMaxAge: 60_000 });
    await verifier.verify(await mint());
    clock.advance(59);
    await verifier.verify(await mint());
    expect(idp.jwksCalls).toBe(1);
  });
});

describe('JWKS: nothing cached and the JWKS unusable', () => {
  it.each<Failure>([
    'http500',
    'http404',
    'network',
    'not_json',
    'no_keys',
    'too_large',
    'too_large_declared',
  ])('%s → 503 temporarily_unavailable (jwks_unavailable), never a pass', async (failure) => {
    const { verifier, mint, idp, network, events } = await uncached();
    network.fail(idp.jwksUri, failure);
    const token = await mint();
    const error = await rejectionOf(verifier.verify(token));
    expect(error).toBeInstanceOf(AuthError);
    expect(error).toMatchObject({ code: 'temporarily_unavailable', status: 503, reason: 'jwks_unavailable' });
    expect(events).toMatchObject([{ status: 503, reason: 'jwks_unavailable' }]);
    expect(JSON.stringify(events)).not.toContain(token);
    expect(idp.jwksCalls).toBe(1);
  });

  it('honours the timeout option', async () => {
    const { verifier, mint, idp, network } = await uncached({ timeout: 100 });
    network.fail(idp.jwksUri, 'hang');
    const started = performance.now();
    await expect(verifier.verify(await mint())).rejects.toMatchObject({
      status: 503,
      reason: 'jwks_unavailable',
    });
    const elapsed = performance.now() - started;
    expect(elapsed).toBeGreaterThanOrEqual(90);
    expect(elapsed).toBeLessThan(3000); // the fetch hangs for ever: only the timeout ends it
  });

  it.each<Failure>(['http500', 'network', 'hang'])(
    'after a failed fetch (%s), fails at once with the 503 until the cooldown has passed',
    async (failure) => {
      const { verifier, mint, idp, network, clock, events } = await uncached({ timeout: 50 });
      network.fail(idp.jwksUri, failure);
      const token = await mint();
      await expect(verifier.verify(token)).rejects.toMatchObject({ reason: 'jwks_unavailable' });
      expect(idp.jwksCalls).toBe(1);

      // A flood during the outage: no request reaches the JWKS, every one is the same 503.
      const flood = await Promise.allSettled(Array.from({ length: 20 }, () => verifier.verify(token)));
      for (const outcome of flood) {
        expect(outcome.status).toBe('rejected');
        expect((outcome as PromiseRejectedResult).reason).toMatchObject({
          code: 'temporarily_unavailable',
          status: 503,
          reason: 'jwks_unavailable',
        });
      }
      clock.advance(COOLDOWN - 1);
      await expect(verifier.verify(token)).rejects.toMatchObject({ reason: 'jwks_unavailable' });
      expect(idp.jwksCalls).toBe(1);
      expect(events).toHaveLength(22);

      // After the cooldown, one new attempt; it works again once the JWKS does.
      network.fail(idp.jwksUri, undefined);
      clock.advance(2);
      await expect(verifier.verify(token)).resolves.toBeDefined();
      expect(idp.jwksCalls).toBe(2);
    },
  );

  it('with jwksCooldown 0, every request tries the JWKS again', async () => {
    const { verifier, mint, idp, network } = await uncached({ jwksCooldown: 0 });
    network.fail(idp.jwksUri, 'http500');
    const token = await mint();
    await expect(verifier.verify(token)).rejects.toMatchObject({ reason: 'jwks_unavailable' });
    await expect(verifier.verify(token)).rejects.toMatchObject({ reason: 'jwks_unavailable' });
    expect(idp.jwksCalls).toBe(2);
  });

  it('recovers once the JWKS answers again', async () => {
    const { verifier, mint, idp, network, clock } = await uncached();
    network.fail(idp.jwksUri, 'network');
    await expect(verifier.verify(await mint())).rejects.toMatchObject({ status: 503 });
    network.fail(idp.jwksUri, undefined);
    clock.advance(COOLDOWN + 1);
    await expect(verifier.verify(await mint())).resolves.toBeDefined();
  });

  it('shares one request among concurrent verifications', async () => {
    const { verifier, mint, idp } = await uncached();
    const tokens = await Promise.all([1, 2, 3, 4, 5].map((jti) => mint({ jti })));
    await Promise.all(tokens.map((t) => verifier.verify(t)));
    expect(idp.discoveryCalls).toBe(1);
    expect(idp.jwksCalls).toBe(1);
  });
});

describe('JWKS: entries that must not be used', () => {
  it('ignores private keys, oct keys and encryption keys', async () => {
    const { verifier, mint, idp, clock } = await uncached({ jwksCooldown: 0 });
    idp.extraJwks = [
      keys.ec2.privateJwk, // kid ec-2, with d
      { kty: 'oct', kid: 'hmac', k: Buffer.from('secret').toString('base64url') },
      { ...keys.ed1.jwk, use: 'enc' },
    ];
    await expect(verifier.verify(await mint())).resolves.toBeDefined();
    clock.advance(1);
    await expect(verifier.verify(await mint({}, {}, keys.ec2))).rejects.toMatchObject({
      reason: 'unknown_kid',
    });
    await expect(verifier.verify(await mint({}, { kid: 'hmac' }))).rejects.toMatchObject({
      reason: 'unknown_kid',
    });
    await expect(verifier.verify(await mint({}, {}, keys.ed1))).rejects.toMatchObject({
      reason: 'unknown_kid',
    });
  });

  it('still verifies with the usable keys of a JWKS holding garbage entries', async () => {
    const { verifier, mint, idp } = await uncached();
    idp.extraJwks = [null, 'key', 42, { kid: 'x' }];
    await expect(verifier.verify(await mint())).resolves.toBeDefined();
  });
});
