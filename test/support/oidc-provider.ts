/**
 * A real authorization server for integration tests: `oidc-provider` on 127.0.0.1, on a free port,
 * issuing client-credentials tokens (RFC 9068 JWTs through resource indicators, opaque tokens without a
 * resource or for a resource whose `format` is `'opaque'`).
 *
 * Facts about oidc-provider that shape this file are in `shared/notes/oidc-provider.md`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, type JWK } from 'jose';
import Provider, { errors, type ClientMetadata, type Configuration } from 'oidc-provider';

export interface ProviderClient {
  clientId: string;
  /** Omitted for `private_key_jwt` and `none`. */
  clientSecret?: string;
  /** Scopes the client may ask for. */
  scopes: string[];
  /** Default `client_secret_basic`. */
  authMethod?: 'client_secret_basic' | 'client_secret_post' | 'private_key_jwt' | 'none';
  /** Public JWKS for `private_key_jwt`. */
  jwks?: { keys: Record<string, unknown>[] };
  /** Signing alg for `private_key_jwt` assertions; default RS256. */
  assertionAlg?: string;
  /** Extra claims put into this client's JWT access tokens (e.g. Keycloak `resource_access`). */
  claims?: Record<string, unknown>;
}

export interface ResourceServer {
  /** Scopes this resource accepts. */
  scopes: string[];
  /** Lifetime (in seconds) of this resource's tokens, JWT or opaque; default 300. */
  ttl?: number;
  /** `aud` of the tokens; default the resource indicator itself. */
  audience?: string;
  /**
   * Format of the access tokens for this resource: `'jwt'` (RFC 9068, the default) or `'opaque'` (a
   * reference token, known only through introspection; its lifetime is `ttl` too).
   */
  format?: 'jwt' | 'opaque';
}

export interface StartProviderOptions {
  clients: ProviderClient[];
  /** Resource indicator → resource server. Tokens for a resource are JWTs unless its `format` is `'opaque'`. */
  resources?: Record<string, ResourceServer>;
  /** Lifetime (in seconds) of tokens asked for without a resource (opaque); default 300. */
  opaqueTtl?: number;
  /** Also publish an older RS256 key (exposed as `previousKey`), for key-rotation tests. */
  previousKey?: boolean;
}

export interface RunningProvider {
  issuer: string;
  provider: Provider;
  server: Server;
  /** Requests seen per path, e.g. `counts['/token']`. */
  counts: Record<string, number>;
  /** The provider's private signing key (JWK with `kid`), so tests can forge tokens as this issuer. */
  signingKey: JWK & { kid: string };
  /** The older published key, with `previousKey: true`. */
  previousKey: (JWK & { kid: string }) | undefined;
  /** Stops publishing a key in the JWKS (rotated out); the provider keeps signing with its current key. */
  unpublishKey(kid: string): void;
  close(): Promise<void>;
}

export async function startOidcProvider(options: StartProviderOptions): Promise<RunningProvider> {
  const counts: Record<string, number> = {};
  const hidden = new Set<string>();
  const published: (JWK & { kid: string })[] = [];
  // The provider needs the port in its issuer, so it is created after listen() and plugged in here.
  const app: { handler?: ReturnType<Provider['callback']> } = {};
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    counts[path] = (counts[path] ?? 0) + 1;
    if (path === '/jwks' && hidden.size > 0) {
      const keys = published.filter((k) => !hidden.has(k.kid)).map(publicPart);
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys }));
      return;
    }
    if (!app.handler) {
      res.statusCode = 503;
      res.end();
      return;
    }
    void app.handler(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;

  const resources = options.resources ?? {};
  const allScopes = new Set<string>();
  for (const client of options.clients) for (const s of client.scopes) allScopes.add(s);
  for (const r of Object.values(resources)) for (const s of r.scopes) allScopes.add(s);
  const claimsByClient = new Map(options.clients.map((c) => [c.clientId, c.claims]));

  const clients: ClientMetadata[] = options.clients.map((c) => {
    const method = c.authMethod ?? 'client_secret_basic';
    const meta: ClientMetadata = {
      client_id: c.clientId,
      grant_types: ['client_credentials'],
      redirect_uris: [],
      response_types: [],
      token_endpoint_auth_method: method,
      scope: c.scopes.join(' '),
    };
    if (c.clientSecret !== undefined) meta.client_secret = c.clientSecret;
    if (c.jwks) meta.jwks = c.jwks;
    if (method === 'private_key_jwt')
      meta.token_endpoint_auth_signing_alg = (c.assertionAlg ??
        'RS256') as ClientMetadata['token_endpoint_auth_signing_alg'];
    return meta;
  });

  // Fresh signing keys at every start, with a random kid, as a real issuer would have.
  const newKey = async () => {
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    return { ...(await exportJWK(privateKey)), kid: crypto.randomUUID(), alg: 'RS256', use: 'sig' };
  };
  const signingKey = await newKey();
  const previousKey = options.previousKey ? await newKey() : undefined;
  published.push(signingKey, ...(previousKey ? [previousKey] : []));

  const configuration: Configuration = {
    clients,
    jwks: { keys: published },
    scopes: [...allScopes],
    clientAuthMethods: ['client_secret_basic', 'client_secret_post', 'private_key_jwt', 'none'],
    features: {
      devInteractions: { enabled: false },
      clientCredentials: { enabled: true },
      introspection: { enabled: true },
      revocation: { enabled: true },
      resourceIndicators: {
        enabled: true,
        defaultResource: () => undefined,
        useGrantedResource: () => false,
        getResourceServerInfo(_ctx, resourceIndicator) {
          const rs = resources[resourceIndicator];
          if (!rs) throw new errors.InvalidTarget();
          const info = {
            scope: rs.scopes.join(' '),
            audience: rs.audience ?? resourceIndicator,
            accessTokenTTL: rs.ttl ?? 300,
          };
          return rs.format === 'opaque'
            ? { ...info, accessTokenFormat: 'opaque' }
            : { ...info, accessTokenFormat: 'jwt', jwt: { sign: { alg: 'RS256' } } };
        },
      },
    },
    extraTokenClaims(_ctx, token) {
      const clientId = (token as { clientId?: string }).clientId;
      return clientId ? claimsByClient.get(clientId) : undefined;
    },
    // A number here would be the lifetime of every client-credentials token, a resource's `ttl` ignored.
    ttl: {
      ClientCredentials: (_ctx, token) => token.resourceServer?.accessTokenTTL ?? options.opaqueTtl ?? 300,
    },
  };

  const provider = new Provider(issuer, configuration);
  provider.proxy = false;
  app.handler = provider.callback();

  return {
    issuer,
    provider,
    server,
    counts,
    signingKey,
    previousKey,
    unpublishKey: (kid) => void hidden.add(kid),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function publicPart(jwk: JWK): JWK {
  const { kty, n, e, kid, alg, use } = jwk;
  return { kty, n, e, kid, alg, use };
}
