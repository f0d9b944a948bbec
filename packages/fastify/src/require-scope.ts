import {
  defineRequirement,
  requirementCheck,
  type MatchMode,
  type Requirement,
  type RequirementKind,
  type RequirementValue,
  type RouteParams,
} from '@m2m-auth/core';
import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { authorize } from './authorize.js';

/**
 * Required scopes or permissions, as `requireScope` and `requirePermission` take them: one value or a
 * non-empty list of them, each a literal (`'tables:read'`), a template filled from the route
 * parameters (`'project-{id}'` for `/v1/projects/:id/tables`), or a function of the request returning
 * one value or several. Literals are non-empty and hold no whitespace.
 *
 * @example
 * ```ts
 * const scopes: RequiredValues = (request) => `project-${(request.params as { id: string }).id}`;
 * ```
 */
export type RequiredValues =
  RequirementValue<[request: FastifyRequest]> | readonly RequirementValue<[request: FastifyRequest]>[];

/** Options of {@link requireScope} and {@link requirePermission}. */
export interface RequireOptions {
  /** Whether every listed value is required (`all`) or one is enough (`any`). Default is `all`. */
  mode?: MatchMode;
}

function paramsOf(request: FastifyRequest): RouteParams {
  return typeof request.params === 'object' && request.params !== null ? (request.params as RouteParams) : {};
}

function requirementHandler(
  kind: RequirementKind,
  origin: string,
  values: RequiredValues,
  options?: RequireOptions,
): preHandlerAsyncHookHandler {
  // Anything but an array is one value: core refuses what is neither a string nor a function.
  const list = (Array.isArray(values) ? values : [values]) as RequirementValue<[FastifyRequest]>[];
  const requirement: Requirement<[FastifyRequest]> = defineRequirement(kind, origin, list, options);
  return authorize((request) => [requirementCheck(requirement, [request], paramsOf(request))]);
}

/**
 * A preHandler requiring scopes of the caller's token (exact match: `project-X2` does not satisfy
 * `project-X`); a missing one answers `403 insufficient_scope` with `scope="…"` naming what was
 * required. It authenticates the request itself when no step has yet. A template naming a parameter
 * the route lacks is a `500`, never a pass.
 *
 * @param scopes One value or a non-empty list (see {@link RequiredValues}).
 * @param options `mode`: `all` (the default) or `any`.
 * @throws ConfigurationError when `scopes` is empty, holds an empty or whitespace literal, or `mode` is
 *   unknown: at once, not on the first request.
 * @example
 * ```ts
 * app.get('/v1/projects/:id/tables', { preHandler: requireScope('project-{id}') }, listTables);
 * app.delete('/v1/tables/:name', { preHandler: requireScope(['tables:admin', 'ops'], { mode: 'any' }) }, drop);
 * ```
 */
export function requireScope(scopes: RequiredValues, options?: RequireOptions): preHandlerAsyncHookHandler {
  return requirementHandler('scope', 'requireScope', scopes, options);
}

/**
 * A preHandler requiring permissions (roles) of the caller, as the verifier's claim mapper fills them
 * (`keycloak({ clientId })`, `auth0()`, `entra()`). Otherwise as {@link requireScope}.
 *
 * @example
 * ```ts
 * app.post('/v1/clients', { preHandler: requirePermission('AdministerClients') }, createClient);
 * ```
 */
export function requirePermission(
  permissions: RequiredValues,
  options?: RequireOptions,
): preHandlerAsyncHookHandler {
  return requirementHandler('permission', 'requirePermission', permissions, options);
}
