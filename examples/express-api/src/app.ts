import { keycloak } from '@m2m-auth/core';
import { requireAuth, requirePermission, requireScope } from '@m2m-auth/express';
import express, { type Express } from 'express';

export interface TablesApiOptions {
  /** The issuer whose tokens the API accepts, e.g. `https://id.example/auth/realms/acme`. */
  issuer: string;
  /** The audience of those tokens. */
  audience: string;
  /** The Keycloak client whose roles count as permissions. Default is `tables-api`. */
  rolesClient?: string;
  /** Clock skew tolerated (in seconds). Default is the verifier's (5). */
  clockTolerance?: number;
}

const TABLES: Record<string, string[]> = {
  '45c0': ['events', 'orders'],
  '77aa': ['invoices'],
};

/**
 * A small Tables API in the style of Imply Polaris: every route needs a token, listing a project's
 * tables needs the `project-<id>` scope, and managing API clients needs the `AdministerClients`
 * permission (a Keycloak client role).
 */
export function createTablesApi(options: TablesApiOptions): Express {
  const app = express();
  app.use(
    requireAuth({
      issuer: options.issuer,
      audience: options.audience,
      claims: keycloak({ clientId: options.rolesClient ?? 'tables-api' }),
      ...(options.clockTolerance === undefined ? {} : { clockTolerance: options.clockTolerance }),
    }),
  );

  app.get(
    '/v1/projects/:id/tables',
    requireScope((req) => `project-${String(req.params.id)}`),
    (req, res) => {
      res.json({
        project: req.params.id,
        tables: TABLES[String(req.params.id)] ?? [],
        caller: req.auth?.clientId,
      });
    },
  );

  app.get('/v1/clients', requirePermission('AdministerClients'), (_req, res) => {
    res.json({ clients: [] });
  });

  return app;
}
