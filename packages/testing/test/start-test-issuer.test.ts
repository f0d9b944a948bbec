import { createServer } from 'node:net';
import { describe, expect, it } from 'vitest';
import { startTestIssuer } from '@m2m-auth/testing';
import { discover } from './helpers.js';
import * as oidc from 'openid-client';

describe('startTestIssuer', () => {
  it('listens on 127.0.0.1 on a free port and exposes the plain issuer URLs', async () => {
    await using issuer = await startTestIssuer();
    expect(issuer.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(issuer.port).toBeGreaterThan(0);
    expect(issuer.issuer).toBe(issuer.origin);
    expect(issuer.url).toBe(issuer.issuer);
    expect(issuer.tokenEndpoint).toBe(`${issuer.origin}/token`);
    expect(issuer.jwksUri).toBe(`${issuer.origin}/jwks`);
    expect(issuer.introspectionEndpoint).toBe(`${issuer.origin}/introspect`);
    expect(issuer.revocationEndpoint).toBe(`${issuer.origin}/revoke`);
    expect(issuer.adminEndpoint).toBe(`${issuer.origin}/admin/clients`);
    expect(issuer.realms).toEqual([]);
    expect(issuer.adminToken.length).toBeGreaterThanOrEqual(16);
  });

  it('serves OIDC discovery and RFC 8414 metadata that openid-client accepts', async () => {
    await using issuer = await startTestIssuer({
      clients: [{ clientId: 'c', clientSecret: 's', scopes: ['read', 'x-*'] }],
    });
    for (const algorithm of ['oidc', 'oauth2'] as const) {
      const config = await discover(issuer.issuer, 'c', oidc.ClientSecretPost('s'), algorithm);
      const md = config.serverMetadata();
      expect(md.issuer).toBe(issuer.issuer);
      expect(md.token_endpoint).toBe(issuer.tokenEndpoint);
      expect(md.jwks_uri).toBe(issuer.jwksUri);
      expect(md.introspection_endpoint).toBe(issuer.introspectionEndpoint);
      expect(md.revocation_endpoint).toBe(issuer.revocationEndpoint);
      expect(md.token_endpoint_auth_methods_supported).toEqual(
        expect.arrayContaining(['client_secret_post', 'client_secret_basic', 'private_key_jwt']),
      );
      expect(md.grant_types_supported).toEqual(['client_credentials', 'refresh_token']);
      expect(md.scopes_supported).toEqual(['openid', 'read']);
    }
    const res = await fetch(issuer.metadataUrl);
    expect(res.status).toBe(200);
  });

  it('answers 404 JSON for unknown paths', async () => {
    await using issuer = await startTestIssuer();
    const res = await fetch(`${issuer.origin}/nope`);
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: 'not_found' });
  });

  it('validates options at start with messages that name the option', async () => {
    await expect(startTestIssuer({ port: -1 })).rejects.toThrow(/options\.port/);
    await expect(startTestIssuer({ realms: ['a/b'] })).rejects.toThrow(/options\.realms\[0\]/);
    await expect(startTestIssuer({ realms: [] })).rejects.toThrow(/options\.realms/);
    await expect(startTestIssuer({ algorithm: 'HS256' as never })).rejects.toThrow(/options\.algorithm/);
    await expect(startTestIssuer({ adminToken: 'x' })).rejects.toThrow(/options\.adminToken/);
    await expect(startTestIssuer({ bogus: 1 } as never)).rejects.toThrow(/options\.bogus is not an option/);
    await expect(startTestIssuer({ clients: [{ clientId: 'a', scopes: 'read' as never }] })).rejects.toThrow(
      /options\.clients\[0\]\.scopes must be an array/,
    );
    await expect(startTestIssuer({ clients: [{ clientId: 'a', realm: 'acme' }] })).rejects.toThrow(
      /options\.clients\[0\]\.realm needs options\.realms/,
    );
    await expect(
      startTestIssuer({ realms: ['acme'], clients: [{ clientId: 'a', realm: 'globex' }] }),
    ).rejects.toThrow(/options\.clients\[0\]\.realm must be one of the realms/);
    await expect(startTestIssuer({ clients: [{ clientId: 'a' }, { clientId: 'a' }] })).rejects.toThrow(
      /options\.clients\[1\]\.clientId 'a' is already registered/,
    );
    await expect(
      startTestIssuer({ clients: [{ clientId: 'a', authMethod: 'private_key_jwt' }] }),
    ).rejects.toThrow(/options\.clients\[0\]\.authMethod/);
    await expect(startTestIssuer({ clients: [{ clientId: 'a', tokenLifetime: 0 }] })).rejects.toThrow(
      /options\.clients\[0\]\.tokenLifetime/,
    );
  });

  it('listens on the given port, and close() frees it (twice is fine)', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as { port: number }).port;
    await new Promise((resolve) => probe.close(resolve));

    const first = await startTestIssuer({ port });
    expect(first.port).toBe(port);
    // a keep-alive connection must not hold close() up
    expect((await fetch(first.jwksUri)).status).toBe(200);
    await first.close();
    await first.close();
    await expect(fetch(first.jwksUri)).rejects.toThrow();

    const second = await startTestIssuer({ port });
    expect(second.port).toBe(port);
    await expect(startTestIssuer({ port })).rejects.toThrow(/EADDRINUSE/);
    await second[Symbol.asyncDispose]();
  });

  it('gives every issuer its own keys', async () => {
    await using a = await startTestIssuer();
    await using b = await startTestIssuer();
    expect(a.jwks().keys[0]!.kid).not.toBe(b.jwks().keys[0]!.kid);
    expect(a.jwks().keys[0]).toMatchObject({ kty: 'RSA', alg: 'RS256', use: 'sig' });
    expect(a.jwks().keys[0]).not.toHaveProperty('d');
  });

  it('signs with the configured algorithm', async () => {
    await using issuer = await startTestIssuer({ algorithm: 'ES256' });
    expect(issuer.jwks().keys).toEqual([expect.objectContaining({ kty: 'EC', crv: 'P-256', alg: 'ES256' })]);
  });
});
