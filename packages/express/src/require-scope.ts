import { checkPermissions, checkScopes, type MatchMode } from '@m2m-auth/core';
import type { Request, RequestHandler } from 'express';
import { authorize, type AuthorizeOptions } from './authorize.js';

/** Required scopes or permissions: fixed, or computed from the request (e.g. a route parameter). */
export type Requirement = string | readonly string[] | ((req: Request) => string | readonly string[]);

/** Options of {@link requireScope} and {@link requirePermission}. */
export interface RequireOptions extends AuthorizeOptions {
  /** Whether every listed value is required (`all`) or one is enough (`any`). Default is `all`. */
  mode?: MatchMode;
}

function resolve(requirement: Requirement, req: Request): readonly string[] {
  const value = typeof requirement === 'function' ? requirement(req) : requirement;
  return typeof value === 'string' ? [value] : value;
}

/**
 * Requires scopes of the caller's token (exact match). A missing scope answers `403
 * insufficient_scope` with `scope="…"` naming what was required.
 *
 * @example
 * ```ts
 * app.get('/v1/projects/:id/tables', requireScope((req) => `project-${req.params.id}`), listTables);
 * app.get('/v1/admin', requireScope(['admin', 'ops'], { mode: 'any' }), handler);
 * ```
 */
export function requireScope(scopes: Requirement, options: RequireOptions = {}): RequestHandler {
  const mode = options.mode ?? 'all';
  return authorize((principal, req) => checkScopes(principal, resolve(scopes, req), mode), options);
}

/**
 * Requires permissions (roles) of the caller, as filled by the verifier's claim mapper (`keycloak()`,
 * `auth0()`, `entra()`).
 *
 * @example
 * ```ts
 * app.post('/v1/clients', requirePermission('AdministerClients'), createClient);
 * ```
 */
export function requirePermission(permissions: Requirement, options: RequireOptions = {}): RequestHandler {
  const mode = options.mode ?? 'all';
  return authorize((principal, req) => checkPermissions(principal, resolve(permissions, req), mode), options);
}
