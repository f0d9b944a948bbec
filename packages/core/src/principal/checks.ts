import { AuthError, ConfigurationError } from '../errors.js';
import type { Principal } from './principal.js';

/** Whether every requirement must be met (`all`) or one is enough (`any`). */
export type MatchMode = 'all' | 'any';

/**
 * Refuses what cannot be a requirement: an empty list (which would let everyone through), a value that
 * is not a non-empty string, or a mode other than `all` and `any` (which must never widen to `any`).
 * Adapters validate fixed requirements when their factory is called; this catches what is computed per
 * request, so that a bad requirement fails closed (a server error), never as a pass.
 */
function validate(kind: string, required: readonly string[], mode: unknown): void {
  if (mode !== 'all' && mode !== 'any') {
    throw new ConfigurationError(`${kind} check: mode must be 'all' or 'any'`);
  }
  if (!Array.isArray(required) || required.length === 0) {
    throw new ConfigurationError(`${kind} check: name at least one ${kind}`);
  }
  // A value of whitespace only is no configuration error: it can come from the request (a route
  // parameter `%20`) and simply matches nothing, a 403 rather than a 500 a caller could provoke.
  for (const value of required as unknown[]) {
    if (typeof value !== 'string' || value === '') {
      throw new ConfigurationError(`${kind} check: each ${kind} must be a non-empty string`);
    }
  }
}

function satisfied(granted: ReadonlySet<string>, required: readonly string[], mode: MatchMode): boolean {
  return mode === 'all' ? required.every((r) => granted.has(r)) : required.some((r) => granted.has(r));
}

function describe(kind: string, required: readonly string[], mode: MatchMode): string {
  if (required.length === 1) return `missing ${kind} ${required[0]}`;
  return `requires ${mode === 'all' ? 'all' : 'one'} of ${kind}s: ${required.join(' ')}`;
}

/**
 * Checks that the principal holds the required scopes (exact match: `project-X2` does not satisfy
 * `project-X`).
 *
 * @param required At least one scope; an empty list is refused, never a pass.
 * @param mode `all` (the default) or `any`; anything else is refused.
 * @throws AuthError `insufficient_scope` (403) naming what was required.
 * @throws ConfigurationError when `required` is empty or holds an empty value, or `mode` is unknown.
 * @example
 * ```ts
 * checkScopes(principal, ['project-45c0']);
 * ```
 */
export function checkScopes(
  principal: Principal,
  required: readonly string[],
  mode: MatchMode = 'all',
): void {
  validate('scope', required, mode);
  if (!satisfied(principal.scopes, required, mode)) {
    throw new AuthError('insufficient_scope', describe('scope', required, mode), {
      reason: 'scope_missing',
      required,
    });
  }
}

/**
 * Checks that the principal holds the required permissions (roles), as filled by the claim mapper.
 *
 * @param required At least one permission; an empty list is refused, never a pass.
 * @param mode `all` (the default) or `any`; anything else is refused.
 * @throws AuthError `insufficient_scope` (403) naming what was required.
 * @throws ConfigurationError when `required` is empty or holds an empty value, or `mode` is unknown.
 * @example
 * ```ts
 * checkPermissions(principal, ['AdministerClients']);
 * ```
 */
export function checkPermissions(
  principal: Principal,
  required: readonly string[],
  mode: MatchMode = 'all',
): void {
  validate('permission', required, mode);
  if (!satisfied(principal.permissions, required, mode)) {
    throw new AuthError('insufficient_scope', describe('permission', required, mode), {
      reason: 'permission_missing',
      required,
    });
  }
}

/** A predicate over a principal's claims for {@link checkClaims}. */
export type ClaimPredicate = (claims: Principal['claims'], principal: Principal) => boolean;

/**
 * Checks an arbitrary condition on the principal's claims.
 *
 * @param description Client-safe text for `error_description`. Default is `"token claims do not allow this
 *   request"`.
 * @throws AuthError `insufficient_scope` (403).
 * @example
 * ```ts
 * checkClaims(principal, (claims) => claims.tenant === 'acme', 'wrong tenant');
 * ```
 */
export function checkClaims(principal: Principal, predicate: ClaimPredicate, description?: string): void {
  if (typeof predicate !== 'function')
    throw new ConfigurationError('claim check: predicate must be a function');
  if (predicate(principal.claims, principal) !== true) {
    throw new AuthError('insufficient_scope', description ?? 'token claims do not allow this request', {
      reason: 'claim_check_failed',
    });
  }
}
