import {
  defineRequirement,
  requirementCheck,
  type MatchMode,
  type RequirementKind,
  type RequirementValue,
} from '@m2m-auth/core';
import type { Request, RequestHandler } from 'express';
import { authorize, type AuthorizeOptions } from './authorize.js';

/**
 * Required scopes or permissions, as `requireScope` and `requirePermission` take them: fixed (one
 * value, or a non-empty list), or computed from the request (e.g. a route parameter, see `fromRoute`).
 * Fixed values are non-empty and hold no whitespace.
 *
 * @example
 * ```ts
 * const scopes: RequiredValues = (req) => `project-${req.params.id}`;
 * ```
 */
export type RequiredValues = string | readonly string[] | ((req: Request) => string | readonly string[]);

/**
 * The former name of {@link RequiredValues}. (`Requirement` of `@m2m-auth/core` and `@m2m-auth/nest` is
 * the checked requirement those values become.)
 *
 * @deprecated Use {@link RequiredValues}.
 */
export type Requirement = RequiredValues;

/** Options of {@link requireScope} and {@link requirePermission}. */
export interface RequireOptions extends AuthorizeOptions {
  /** Whether every listed value is required (`all`) or one is enough (`any`). Default is `all`. */
  mode?: MatchMode;
}

/** The middleware for `values`, checked now by core (`defineRequirement`), resolved per request. */
function requirementMiddleware(
  kind: RequirementKind,
  origin: string,
  values: RequiredValues,
  options: RequireOptions,
): RequestHandler {
  const list =
    typeof values === 'string' || typeof values === 'function'
      ? [values]
      : Array.isArray(values)
        ? values
        : [];
  const requirement = defineRequirement(kind, origin, list as RequirementValue<[Request]>[], options);
  return authorize((req) => requirementCheck(requirement, [req]), options);
}

/**
 * Requires scopes of the caller's token (exact match). A missing scope answers `403
 * insufficient_scope` with `scope="…"` naming what was required.
 *
 * @param scopes One scope, a non-empty list, or a function of the request returning either.
 * @param options `mode`: `all` (the default) or `any`; `auth` to authenticate without `requireAuth`.
 * @throws ConfigurationError when `scopes` is empty, holds an empty or whitespace value, is neither a
 *   string, an array nor a function, or `mode` is unknown.
 *
 * @example
 * ```ts
 * app.get('/v1/projects/:id/tables', requireScope((req) => `project-${req.params.id}`), listTables);
 * app.get('/v1/admin', requireScope(['admin', 'ops'], { mode: 'any' }), handler);
 * ```
 */
export function requireScope(scopes: RequiredValues, options: RequireOptions = {}): RequestHandler {
  return requirementMiddleware('scope', 'requireScope', scopes, options);
}

/**
 * Requires permissions (roles) of the caller, as filled by the verifier's claim mapper (`keycloak()`,
 * `auth0()`, `entra()`).
 *
 * @param permissions One permission, a non-empty list, or a function of the request returning either.
 * @param options As for {@link requireScope}.
 * @throws ConfigurationError as {@link requireScope} does.
 *
 * @example
 * ```ts
 * app.post('/v1/clients', requirePermission('AdministerClients'), createClient);
 * ```
 */
export function requirePermission(permissions: RequiredValues, options: RequireOptions = {}): RequestHandler {
  return requirementMiddleware('permission', 'requirePermission', permissions, options);
}
