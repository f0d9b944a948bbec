import { checkPermissions, checkScopes, ConfigurationError, type MatchMode } from '@m2m-auth/core';
import type { Request, RequestHandler } from 'express';
import { authorize, type AuthorizeOptions } from './authorize.js';
import { optionsObject } from './validate.js';

/**
 * Required scopes or permissions: fixed (one value, or a non-empty list), or computed from the request
 * (e.g. a route parameter). Values are non-empty and hold no whitespace.
 */
export type Requirement = string | readonly string[] | ((req: Request) => string | readonly string[]);

/** Options of {@link requireScope} and {@link requirePermission}. */
export interface RequireOptions extends AuthorizeOptions {
  /** Whether every listed value is required (`all`) or one is enough (`any`). Default is `all`. */
  mode?: MatchMode;
}

/**
 * The values of a requirement, or `undefined` when there are none. Fixed values must be non-empty and
 * hold no whitespace. Computed ones must be non-empty strings (an empty one is a missing parameter: a
 * programming error) but may hold whitespace, even be nothing else: that comes from the request (a
 * route parameter `%20`) and simply matches no scope, a 403 rather than a 500 a caller could provoke.
 */
function values(origin: string, kind: string, value: unknown, fixed: boolean): readonly string[] | undefined {
  const list: readonly unknown[] | undefined =
    typeof value === 'string' ? [value] : Array.isArray(value) ? value : undefined;
  if (!list || list.length === 0) return undefined;
  for (const item of list) {
    if (typeof item !== 'string' || item === '' || (fixed && item.trim() === '')) {
      throw new ConfigurationError(`${origin}: each ${kind} must be a non-empty string`);
    }
    if (fixed && /\s/.test(item)) {
      throw new ConfigurationError(`${origin}: ${kind} '${item}' contains whitespace`);
    }
  }
  return list as readonly string[];
}

/**
 * Checks the requirement and the options when the middleware is created, and returns what computes the
 * values per request. A requirement that comes out empty at request time throws a
 * {@link ConfigurationError} there: a server error (500), never a pass.
 */
function parse(
  origin: string,
  kind: string,
  requirement: unknown,
  options: unknown,
): { resolve: (req: Request) => readonly string[]; mode: MatchMode } {
  optionsObject(options, `${origin}: options`);
  const mode: unknown = (options as RequireOptions | undefined)?.mode ?? 'all';
  if (mode !== 'all' && mode !== 'any') {
    throw new ConfigurationError(`${origin}: options.mode must be 'all' or 'any'`);
  }
  if (typeof requirement === 'function') {
    const compute = requirement as (req: Request) => unknown;
    return {
      mode,
      resolve: (req) => {
        const list = values(origin, kind, compute(req), false);
        if (!list) {
          throw new ConfigurationError(
            `${origin}: the ${kind} function must return a non-empty string or a non-empty array of them`,
          );
        }
        return list;
      },
    };
  }
  const fixed = values(origin, kind, requirement, true);
  if (!fixed) {
    throw new ConfigurationError(
      `${origin}: name at least one ${kind} (a non-empty string, a non-empty array of them, or a function)`,
    );
  }
  const frozen = Object.freeze([...fixed]);
  return { mode, resolve: () => frozen };
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
export function requireScope(scopes: Requirement, options: RequireOptions = {}): RequestHandler {
  const { resolve, mode } = parse('requireScope', 'scope', scopes, options);
  return authorize((principal, req) => checkScopes(principal, resolve(req), mode), options);
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
export function requirePermission(permissions: Requirement, options: RequireOptions = {}): RequestHandler {
  const { resolve, mode } = parse('requirePermission', 'permission', permissions, options);
  return authorize((principal, req) => checkPermissions(principal, resolve(req), mode), options);
}
