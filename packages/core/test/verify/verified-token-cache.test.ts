import { describe, expect, it } from 'vitest';
import type { ClaimMapper } from '../../src/principal/claim-mappers.js';
import { createPrincipal, type Principal } from '../../src/principal/principal.js';
import { VerifiedTokenCache, cacheUntil } from '../../src/verify/verified-token-cache.js';
import type { VerifierOptions } from '../../src/verify/verifier.js';
import { testKeys } from '../support/fake-issuer.js';
import { fixture } from '../support/verifier-fixture.js';

const keys = await testKeys();

/**
 * The claim mapper runs once per full verification, never on a cache hit: counting its calls tells a
 * lookup from a signature check.
 */
async function counted(options: Partial<VerifierOptions> = {}) {
  let verifications = 0;
  const claims: ClaimMapper = () => {
    verifications++;
    return [];
  };
  const f = await fixture({ claims, ...options });
  return { ...f, verifications: () => verifications };
}

describe('verified-token cache, through the verifier', () => {
  it('a token presented again costs no request and no verification, even with the JWKS failing', async () => {
    const { verifier, mint, network, idp, verifications } = await counted();
    const token = await mint();
    const first = await verifier.verify(token);
    expect(network.count()).toBe(2); // discovery + JWKS
    expect(verifications()).toBe(1);

    network.fail(idp.jwksUri, 'http500');
    network.fail(idp.oidcUrl, 'network');
    idp.keys = [];
    expect(await verifier.verify(token)).toBe(first);
    expect(await verifier.verify(token)).toBe(first);
    expect(network.count()).toBe(2);
    expect(verifications()).toBe(1);
  });

  it('a cache hit hands out a principal that no earlier request could have changed', async () => {
    const { verifier, mint } = await fixture({
      claims: (c) => ((c.roles as string[] | undefined) ?? []).slice(),
    });
    const token = await mint({ scope: 'read', roles: ['viewer'], org: { id: 'acme', tags: ['a'] } });
    const first = await verifier.verify(token);
    // What a careless handler might try on the principal of one request.
    expect(() => (first.scopes as Set<string>).add('admin')).toThrow(TypeError);
    expect(() => Set.prototype.add.call(first.scopes, 'admin')).toThrow(TypeError);
    expect(() => (first.permissions as Set<string>).add('AdministerClients')).toThrow(TypeError);
    expect(() => (first.claims.org as { tags: string[] }).tags.push('b')).toThrow(TypeError);
    expect(() => {
      (first.claims as Record<string, unknown>).scope = 'read admin';
    }).toThrow(TypeError);

    const again = await verifier.verify(token);
    expect(again).toBe(first); // still a lookup
    expect([...again.scopes]).toEqual(['read']);
    expect(again.scopes.has('admin')).toBe(false);
    expect([...again.permissions]).toEqual(['viewer']);
    expect(again.claims.org).toEqual({ id: 'acme', tags: ['a'] });
    expect(again.claims.scope).toBe('read');
  });

  it('without the cache (cacheSize 0), the same token is verified each time', async () => {
    const { verifier, mint, verifications } = await counted({ cacheSize: 0 });
    const token = await mint();
    await verifier.verify(token);
    await verifier.verify(token);
    expect(verifications()).toBe(2);
  });

  it('a cached token is rejected once the clock passes its exp plus the tolerance', async () => {
    const { verifier, mint, clock, verifications, events } = await counted({ clockTolerance: 5 });
    const token = await mint({ exp: clock.seconds + 60 });
    await verifier.verify(token);
    clock.advance(64);
    await expect(verifier.verify(token)).resolves.toBeDefined();
    expect(verifications()).toBe(1);
    clock.advance(1);
    await expect(verifier.verify(token)).rejects.toMatchObject({ status: 401, reason: 'token_expired' });
    expect(events.map((e) => e.reason)).toEqual(['token_expired']);
  });

  it('a cached token is rejected once it is older than maxTokenAge', async () => {
    const { verifier, mint, clock } = await counted({ clockTolerance: 5, maxTokenAge: 60 });
    const token = await mint({ exp: clock.seconds + 3600 });
    await verifier.verify(token);
    clock.advance(64);
    await expect(verifier.verify(token)).resolves.toBeDefined();
    clock.advance(2);
    await expect(verifier.verify(token)).rejects.toMatchObject({ reason: 'token_too_old' });
  });

  it('is bounded: with cacheSize N, the least recently used of N+1 tokens is verified again', async () => {
    const { verifier, mint, verifications } = await counted({ cacheSize: 2 });
    const [t1, t2, t3] = await Promise.all([mint({ jti: '1' }), mint({ jti: '2' }), mint({ jti: '3' })]);
    await verifier.verify(t1);
    await verifier.verify(t2);
    await verifier.verify(t3);
    expect(verifications()).toBe(3);
    await verifier.verify(t3);
    await verifier.verify(t2);
    expect(verifications()).toBe(3);
    await verifier.verify(t1); // evicted: verified again (and now evicts t3)
    expect(verifications()).toBe(4);
  });

  it('evicts by recency of use, and an evicted token meets the current keys again', async () => {
    const { verifier, mint, idp, clock } = await counted({ cacheSize: 2, jwksCooldown: 0 });
    const old = await mint({ jti: 'old' });
    const kept = await mint({ jti: 'kept' });
    await verifier.verify(old);
    await verifier.verify(kept);
    // The issuer rotates ec-1 out; new tokens are signed with ec-2.
    idp.keys = [keys.ec2];
    clock.advance(1);
    await verifier.verify(kept); // refreshes `kept`
    await verifier.verify(await mint({ jti: 'new' }, {}, keys.ec2)); // evicts `old`
    await expect(verifier.verify(kept)).resolves.toBeDefined(); // still cached
    await expect(verifier.verify(old)).rejects.toMatchObject({ reason: 'unknown_kid' });
  });

  it('cacheSize 0 disables the cache', async () => {
    const { verifier, mint, verifications, idp, clock } = await counted({ cacheSize: 0 });
    const token = await mint();
    await verifier.verify(token);
    await verifier.verify(token);
    expect(verifications()).toBe(2);
    // And with the key gone from the issuer, the token fails as soon as the key set is refreshed.
    idp.keys = [keys.ec2];
    clock.advance(31);
    await expect(verifier.verify(await mint({}, {}, keys.ec2))).resolves.toBeDefined();
    await expect(verifier.verify(token)).rejects.toMatchObject({ reason: 'unknown_kid' });
  });

  it('does not cache a rejection', async () => {
    const { verifier, mint, network, idp, clock } = await counted();
    const token = await mint();
    network.fail(idp.jwksUri, 'http500');
    await expect(verifier.verify(token)).rejects.toMatchObject({ status: 503 });
    network.fail(idp.jwksUri, undefined);
    clock.advance(31);
    await expect(verifier.verify(token)).resolves.toBeDefined();
  });
});

const T0 = Date.UTC(2030, 0, 1);
const at = (seconds: number) => T0 + seconds * 1000;

function principal(token: string, claims: Record<string, unknown>): Principal {
  return createPrincipal({ exp: T0 / 1000 + 60, ...claims }, token, 'https://id.example', []);
}

describe('cacheUntil', () => {
  it('is exp plus the clock tolerance', () => {
    expect(cacheUntil({ exp: T0 / 1000 + 60 }, { clockTolerance: 5, maxTokenAge: undefined })).toBe(at(65));
    expect(cacheUntil({ exp: T0 / 1000 + 60 }, { clockTolerance: 0, maxTokenAge: undefined })).toBe(at(60));
  });

  it('is iat + maxTokenAge (plus the tolerance) when that comes before exp', () => {
    const claims = { iat: T0 / 1000, exp: T0 / 1000 + 3600 };
    expect(cacheUntil(claims, { clockTolerance: 5, maxTokenAge: 60 })).toBe(at(65));
    expect(cacheUntil(claims, { clockTolerance: 5, maxTokenAge: 7200 })).toBe(at(3605));
  });

  it('ignores maxTokenAge without an iat', () => {
    expect(cacheUntil({ exp: T0 / 1000 + 60 }, { clockTolerance: 1, maxTokenAge: 10 })).toBe(at(61));
  });
});

describe('VerifiedTokenCache', () => {
  const lifetime = { clockTolerance: 5, maxTokenAge: undefined };

  it('hands back the very principal it remembered, under its token, until exp plus the tolerance', () => {
    const cache = new VerifiedTokenCache(10, lifetime);
    const p = principal('t1', {});
    cache.remember(p);
    expect(cache.get('t1', at(0))).toBe(p);
    expect(cache.get('t1', at(64.999))).toBe(p);
    expect(cache.get('t2', at(0))).toBeUndefined();
    expect(cache.get('t1', at(65))).toBeUndefined();
    expect(cache.size).toBe(0); // an expired entry is dropped when met
  });

  it('forgets the least recently used token beyond its size', () => {
    const cache = new VerifiedTokenCache(2, lifetime);
    cache.remember(principal('t1', {}));
    cache.remember(principal('t2', {}));
    expect(cache.get('t1', at(0))).toBeDefined(); // t1 is now the most recent
    cache.remember(principal('t3', {}));
    expect(cache.size).toBe(2);
    expect(cache.get('t2', at(0))).toBeUndefined();
    expect(cache.get('t1', at(0))).toBeDefined();
    expect(cache.get('t3', at(0))).toBeDefined();
  });

  it('remembers nothing with size 0', () => {
    const cache = new VerifiedTokenCache(0, lifetime);
    cache.remember(principal('t1', {}));
    expect(cache.size).toBe(0);
    expect(cache.get('t1', at(0))).toBeUndefined();
  });

  it('keeps a token no longer than maxTokenAge allows', () => {
    const cache = new VerifiedTokenCache(10, { clockTolerance: 0, maxTokenAge: 30 });
    cache.remember(principal('t1', { iat: T0 / 1000, exp: T0 / 1000 + 3600 }));
    expect(cache.get('t1', at(29))).toBeDefined();
    expect(cache.get('t1', at(30))).toBeUndefined();
  });
});
