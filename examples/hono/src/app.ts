import {
  AuthError,
  authenticate,
  checkPermissions,
  checkScopes,
  createVerifier,
  keycloak,
  type Principal,
} from '@m2m-auth/core';
import { Hono } from 'hono';

export interface TablesApiOptions {
  /** The issuer whose tokens the API accepts, e.g. `https://id.example/auth/realms/acme`. */
  issuer: string;
  /** The audience of those tokens; also the `realm` of the challenge. */
  audience: string;
  /** The Keycloak client whose roles count as permissions. Default is `tables-api`. */
  rolesClient?: string;
}

/** What the middleware leaves on the context: `c.get('auth')` is the verified caller. */
export interface TablesEnv {
  Variables: { auth: Principal };
}

const TABLES: Record<string, string[]> = { '45c0': ['events', 'orders'], '77aa': ['invoices'] };

/**
 * The Tables API on Hono, with nothing but `@m2m-auth/core`: one middleware on `/v1/*` authenticates
 * the Web `Request` (`c.req.raw`), the handlers check scopes and permissions, and `onError` turns
 * every `AuthError` into its Web `Response` (`401`/`403`/`400`/`503`, RFC 6750 challenge, no-store).
 */
export function createTablesApi(options: TablesApiOptions): Hono<TablesEnv> {
  const verifier = createVerifier({
    issuer: options.issuer,
    audience: options.audience,
    claims: keycloak({ clientId: options.rolesClient ?? 'tables-api' }),
  });
  const app = new Hono<TablesEnv>();

  app.get('/health', (c) => c.json({ ok: true }));

  app.use('/v1/*', async (c, next) => {
    // Without `optional`, authenticate() resolves to a principal or throws an AuthError.
    c.set('auth', (await authenticate(verifier, c.req.raw))!);
    await next();
  });

  app.get('/v1/projects/:id/tables', (c) => {
    const id = c.req.param('id');
    checkScopes(c.get('auth'), [`project-${id}`]);
    return c.json({ project: id, tables: TABLES[id] ?? [], caller: c.get('auth').clientId });
  });

  app.get('/v1/clients', (c) => {
    checkPermissions(c.get('auth'), ['AdministerClients']);
    return c.json({ clients: [] });
  });

  app.onError((err, c) => {
    if (err instanceof AuthError) return err.toResponse({ realm: options.audience });
    return c.json({ error: 'server_error' }, 500);
  });

  return app;
}
