/**
 * What the Fastify tests share: a real oidc-provider with an `admin` and a `reader` client and their
 * tokens, and Fastify apps served over real HTTP on 127.0.0.1.
 */
import { createVerifier, keycloak, type RejectionEvent, type Verifier } from '@m2m-auth/core';
import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll } from 'vitest';
import { clientToken } from '../../../../test/support/client-token.js';
import { startOidcProvider, type RunningProvider } from '../../../../test/support/oidc-provider.js';

export const AUDIENCE = 'https://tables.example';

/** Keycloak-style client roles: `AdministerClients` on the client `api`. */
const ROLES = { api: { roles: ['AdministerClients'] } };

export interface SharedProvider {
  /** The running provider (set in `beforeAll`). */
  op: RunningProvider;
  /** `admin`: scopes project-1 read, role AdministerClients, org acme; `reader`: read, org globex. */
  tokens: Record<'admin' | 'reader', string>;
}

/** A client-credentials JWT for {@link AUDIENCE} from the provider. */
export const tokenFor = (op: RunningProvider, clientId: string, scope: string): Promise<string> =>
  clientToken(op, clientId, scope, AUDIENCE);

/** Starts the provider before the file's tests and stops it after them. */
export function useProvider(): SharedProvider {
  const shared = { tokens: {} } as SharedProvider;
  beforeAll(async () => {
    const client = (clientId: string, scopes: string[], claims: Record<string, unknown>) => ({
      clientId,
      clientSecret: `${clientId}-secret`,
      authMethod: 'client_secret_post' as const,
      scopes,
      claims,
    });
    shared.op = await startOidcProvider({
      clients: [
        client('admin', ['project-1', 'project-2', 'read'], { resource_access: ROLES, org: 'acme' }),
        client('reader', ['read'], { org: 'globex' }),
      ],
      resources: { [AUDIENCE]: { scopes: ['project-1', 'project-2', 'read'] } },
    });
    shared.tokens.admin = await tokenFor(shared.op, 'admin', 'project-1 read');
    shared.tokens.reader = await tokenFor(shared.op, 'reader', 'read');
  });
  afterAll(async () => {
    await shared.op?.close();
  });
  return shared;
}

/** The verifier of the provider's tokens, client roles of `api` as permissions. */
export const verifierFor = (op: RunningProvider, onRejection?: (event: RejectionEvent) => void): Verifier =>
  createVerifier({
    issuer: op.issuer,
    audience: AUDIENCE,
    claims: keycloak({ clientId: 'api' }),
    onRejection,
  });

/** A Fastify app a block's cases call over HTTP. */
export interface Served {
  /** Where it listens (set in `beforeAll`). */
  readonly url: string;
  /** The app itself (set in `beforeAll`). */
  readonly app: FastifyInstance;
  /** A `GET` of `path` with `headers`. */
  get(path: string, headers?: Record<string, string>): Promise<Response>;
}

/**
 * Builds the app with `build` before the block's tests, listens on 127.0.0.1 on a free port, and
 * closes it after them.
 */
export function useFastify(build: (app: FastifyInstance) => Promise<void>): Served {
  let app: FastifyInstance | undefined;
  let url: string | undefined;
  beforeAll(async () => {
    app = Fastify();
    await build(app);
    url = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app?.close();
  });
  const served = (): { app: FastifyInstance; url: string } => {
    if (!app || !url) throw new Error('the app is not listening yet');
    return { app, url };
  };
  return {
    get url() {
      return served().url;
    },
    get app() {
      return served().app;
    },
    get: (path, headers = {}) => fetch(`${served().url}${path}`, { headers }),
  };
}

export const bearer = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
