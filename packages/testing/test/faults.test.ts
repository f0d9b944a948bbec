import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestIssuer, type TestIssuer } from '@m2m-auth/testing';
import { tokenFor } from './helpers.js';

let issuer: TestIssuer;
beforeAll(async () => {
  issuer = await startTestIssuer({
    realms: ['acme', 'globex'],
    clients: [
      { clientId: 'c', clientSecret: 's', scopes: ['read'] },
      { clientId: 'c', clientSecret: 's', scopes: ['read'], realm: 'globex' },
    ],
  });
});
afterEach(() => {
  issuer.resetFaults();
  issuer.resetCounts();
});
afterAll(() => issuer.close());

const token = (realm = 'acme') => tokenFor(issuer.realm(realm).tokenEndpoint, 'c', 's');

describe('fault injection', () => {
  it('failNext(n) fails the next n token requests with 503 and Retry-After, then recovers', async () => {
    issuer.failNext(2, { retryAfter: 3 });
    const first = await token();
    expect(first.status).toBe(503);
    expect(first.headers.get('retry-after')).toBe('3');
    expect(first.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });
    expect((await token()).status).toBe(503);
    expect((await token()).status).toBe(200);
    expect(issuer.count('token')).toBe(3);
    expect(issuer.requests.token).toBe(3);
  });

  it('failNext with a status, a body and an endpoint; other endpoints are untouched', async () => {
    issuer.failNext(1, { endpoint: 'jwks', status: 500, body: 'boom' });
    expect((await token()).status).toBe(200);
    const res = await fetch(issuer.jwksUri);
    expect(res.status).toBe(500);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('boom');
    expect((await fetch(issuer.jwksUri)).status).toBe(200);
    issuer.failNext(1, { status: 429, body: { error: 'slow_down' } });
    expect((await token()).body).toEqual({ error: 'slow_down' });
  });

  it('failNext can target one realm', async () => {
    issuer.failNext(1, { realm: 'globex' });
    expect((await token('acme')).status).toBe(200);
    expect((await token('globex')).status).toBe(503);
    expect((await token('globex')).status).toBe(200);
  });

  it('setFault forces every answer until reset', async () => {
    issuer.setFault('discovery', { status: 500 });
    expect((await fetch(issuer.discoveryUrl)).status).toBe(500);
    expect((await fetch(issuer.discoveryUrl)).status).toBe(500);
    issuer.setFault('discovery', undefined);
    expect((await fetch(issuer.discoveryUrl)).status).toBe(200);
    issuer.setFault('token', { status: 400, body: { error: 'invalid_client' } });
    expect((await token()).body.error).toBe('invalid_client');
    issuer.resetFaults();
    expect((await token()).status).toBe(200);
  });

  it('setDelay slows an endpoint down', async () => {
    // A long delay, so that "not delayed" keeps a wide margin on a loaded machine.
    issuer.setDelay('token', 1500);
    let started = performance.now();
    expect((await token()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(1490);
    started = performance.now();
    await fetch(issuer.jwksUri);
    expect(performance.now() - started).toBeLessThan(1000);
    issuer.setDelay('token', 0);
    started = performance.now();
    await token();
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('disconnect makes a network error', async () => {
    issuer.failNext(1, { endpoint: 'token', disconnect: true });
    await expect(token()).rejects.toThrow();
    expect((await token()).status).toBe(200);
  });

  it('close() does not wait for a delayed answer', async () => {
    const local = await startTestIssuer();
    local.setDelay('jwks', 10_000);
    const pending = fetch(local.jwksUri).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = performance.now();
    await local.close();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await pending).toBeInstanceOf(Error);
  });

  it('validates its arguments', () => {
    expect(() => issuer.failNext(0)).toThrow(/failNext\(n\)/);
    expect(() => issuer.failNext(1, { endpoint: 'nope' as never })).toThrow(/endpoint/);
    expect(() => issuer.failNext(1, { status: 99 })).toThrow(/status/);
    expect(() => issuer.setDelay('token', -1)).toThrow(/delay/);
    expect(() => issuer.setFault('nope' as never, {})).toThrow(/endpoint/);
  });

  it('counts every endpoint', async () => {
    await fetch(issuer.discoveryUrl);
    await fetch(issuer.jwksUri);
    await fetch(issuer.jwksUri);
    expect(issuer.requests).toEqual({
      discovery: 1,
      jwks: 2,
      token: 0,
      introspection: 0,
      revocation: 0,
      admin: 0,
    });
    issuer.resetCounts();
    expect(issuer.count('jwks')).toBe(0);
  });
});
