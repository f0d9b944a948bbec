import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeJwt, exportJWK, exportPKCS8, generateKeyPair } from 'jose';
import {
  authFetch,
  ClientCredentials,
  TokenRequestError,
  type ClientCredentialsOptions,
} from '@m2m-auth/core';
import { startOidcProvider, type RunningProvider } from '../support/oidc-provider.js';

const API = 'https://api.example/';
/** A resource server whose tokens are opaque (introspected), like the IBM-style provider's. */
const OPAQUE_API = 'https://opaque-api.example/';
let provider: RunningProvider;
let privateJwk: Record<string, unknown>;
let privatePem: string;

beforeAll(async () => {
  const { publicKey, privateKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = 'client-key-1';
  privateJwk = { ...(await exportJWK(privateKey)), kid, alg: 'RS256' };
  privatePem = await exportPKCS8(privateKey);
  const publicJwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
  provider = await startOidcProvider({
    clients: [
      { clientId: 'basic', clientSecret: 'basic-secret-0123456789', scopes: ['project-45c0', 'read'] },
      {
        clientId: 'post',
        clientSecret: 'post-secret-0123456789',
        scopes: ['project-45c0', 'read'],
        authMethod: 'client_secret_post',
      },
      { clientId: 'writer', clientSecret: 'writer-secret-0123456789', scopes: ['write'] },
      {
        clientId: 'pkjwt',
        scopes: ['project-45c0', 'read'],
        authMethod: 'private_key_jwt',
        jwks: { keys: [publicJwk] },
      },
      { clientId: 'public', scopes: ['project-45c0', 'read'], authMethod: 'none' },
    ],
    resources: {
      [API]: { scopes: ['project-45c0', 'read'], ttl: 120 },
      [OPAQUE_API]: { scopes: ['project-45c0', 'read'], ttl: 100, format: 'opaque' },
    },
    opaqueTtl: 90,
  });
});

afterAll(async () => {
  await provider?.close();
});

type Auth = Pick<ClientCredentialsOptions, 'clientId' | 'clientSecret' | 'privateKey' | 'clientAuth'>;
const methods: [string, () => Auth][] = [
  [
    'client_secret_basic',
    () => ({ clientId: 'basic', clientSecret: 'basic-secret-0123456789', clientAuth: 'client_secret_basic' }),
  ],
  [
    'client_secret_post',
    () => ({ clientId: 'post', clientSecret: 'post-secret-0123456789', clientAuth: 'client_secret_post' }),
  ],
  ['private_key_jwt (JWK)', () => ({ clientId: 'pkjwt', privateKey: privateJwk })],
  [
    'private_key_jwt (PEM)',
    () => ({ clientId: 'pkjwt', privateKey: privatePem, clientAuth: 'private_key_jwt' }),
  ],
  ['none (public client)', () => ({ clientId: 'public', clientAuth: 'none' })],
];

/** What the provider's introspection endpoint says of a token (asked as the `basic` client). */
async function introspect(token: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${provider.issuer}/token/introspection`, {
    method: 'POST',
    headers: { authorization: `Basic ${btoa('basic:basic-secret-0123456789')}` },
    body: new URLSearchParams({ token }),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Record<string, unknown>;
}

describe.each(methods)('oidc-provider, %s', (_name, auth) => {
  it('obtains a JWT access token for a resource, with scope, through discovery', async () => {
    const source = new ClientCredentials({
      issuer: provider.issuer,
      ...auth(),
      scope: 'project-45c0',
      resource: API,
    });
    const before = Date.now();
    const token = await source.getToken();
    const claims = decodeJwt(token.value);
    expect(claims.aud).toBe(API);
    expect(claims.client_id).toBe(auth().clientId);
    expect(claims.scope).toBe('project-45c0');
    expect(token.type).toBe('Bearer');
    expect(token.scope).toBe('project-45c0');
    // The resource's lifetime (120 s), not that of tokens without a resource (90 s).
    expect((claims.exp as number) - (claims.iat as number)).toBe(120);
    // expires_in counted from the request; within the second the JWT's exp is truncated to.
    expect(token.expiresAt).toBeGreaterThanOrEqual(before + 119_000);
    expect(token.expiresAt).toBeLessThanOrEqual(Date.now() + 120_000);
    expect(token.expiresAt).toBeLessThanOrEqual((claims.exp as number) * 1000 + 1000);
    source.close();
  });

  it('obtains an opaque access token without a resource, at the token endpoint directly', async () => {
    const source = new ClientCredentials({
      tokenEndpoint: `${provider.issuer}/token`,
      ...auth(),
      scope: ['read'],
    });
    const before = Date.now();
    const token = await source.getToken();
    expect(token.value.split('.')).toHaveLength(1);
    expect(token.scope).toBe('read');
    expect(token.expiresAt).toBeGreaterThanOrEqual(before + 89_000);
    expect(token.expiresAt).toBeLessThanOrEqual(Date.now() + 90_000);
    // The token is live: the provider's introspection says so.
    expect(await introspect(token.value)).toMatchObject({
      active: true,
      client_id: auth().clientId,
      scope: 'read',
    });
    source.close();
  });

  it('obtains an opaque access token for a resource, with scope', async () => {
    const source = new ClientCredentials({
      issuer: provider.issuer,
      ...auth(),
      scope: ['project-45c0', 'read'],
      resource: OPAQUE_API,
    });
    const before = Date.now();
    const token = await source.getToken();
    expect(token.value.split('.')).toHaveLength(1);
    expect(token.type).toBe('Bearer');
    expect(token.scope).toBe('project-45c0 read');
    // The resource's lifetime (100 s), not the no-resource opaque lifetime (90 s).
    expect(token.expiresAt).toBeGreaterThanOrEqual(before + 99_000);
    expect(token.expiresAt).toBeLessThanOrEqual(Date.now() + 100_000);
    expect(await introspect(token.value)).toMatchObject({
      active: true,
      client_id: auth().clientId,
      scope: 'project-45c0 read',
      aud: OPAQUE_API,
    });
    source.close();
  });
});

describe('oidc-provider, failures and reuse', () => {
  it('asks the token endpoint once per cache key', async () => {
    const before = provider.counts['/token'] ?? 0;
    const source = new ClientCredentials({
      issuer: provider.issuer,
      clientId: 'post',
      clientSecret: 'post-secret-0123456789',
      scope: 'read',
    });
    await Promise.all(Array.from({ length: 100 }, () => source.getToken()));
    await source.getToken();
    expect((provider.counts['/token'] ?? 0) - before).toBe(1);
  });

  it('a wrong secret is invalid_client, an unknown scope invalid_scope, neither naming the secret', async () => {
    const wrong = new ClientCredentials({
      tokenEndpoint: `${provider.issuer}/token`,
      clientId: 'post',
      clientSecret: 'wrong-secret-xyz',
    });
    const e1 = (await wrong.getToken().catch((e: unknown) => e)) as TokenRequestError;
    expect(e1).toBeInstanceOf(TokenRequestError);
    expect(e1.error).toBe('invalid_client');
    expect(`${e1.message} ${JSON.stringify(e1)}`).not.toContain('wrong-secret-xyz');
    const scope = new ClientCredentials({
      tokenEndpoint: `${provider.issuer}/token`,
      clientId: 'post',
      clientSecret: 'post-secret-0123456789',
      scope: 'write', // known to the provider, not granted to this client
    });
    const e2 = (await scope.getToken().catch((e: unknown) => e)) as TokenRequestError;
    expect(e2.error).toBe('invalid_scope');
    expect(e2.status).toBe(400);
  });

  it('authFetch carries the provider token to an API on 127.0.0.1', async () => {
    const source = new ClientCredentials({
      issuer: provider.issuer,
      clientId: 'post',
      clientSecret: 'post-secret-0123456789',
      scope: 'read',
    });
    const seen: (string | null)[] = [];
    const api = authFetch(source, {
      origins: ['https://api.example'],
      fetch: async (_input, init) => {
        seen.push(new Headers(init?.headers).get('authorization'));
        return new Response('ok');
      },
    });
    await api('https://api.example/v1/tables');
    const token = await source.getToken();
    expect(seen).toEqual([`Bearer ${token.value}`]);
  });
});
