import { AuthError } from '../errors.js';
import type { Principal } from './principal.js';

/** Whether every requirement must be met (`all`) or one is enough (`any`). */
export type MatchMode = 'all' | 'any';

function satisfied(granted: ReadonlySet<string>, required: readonly string[], mode: MatchMode): boolean {
  if (required.length === 0) return true;
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
 * @throws AuthError `insufficient_scope` (403) naming what was required.
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
 * @throws AuthError `insufficient_scope` (403) naming what was required.
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
  if (predicate(principal.claims, principal) !== true) {
    throw new AuthError('insufficient_scope', description ?? 'token claims do not allow this request', {
      reason: 'claim_check_failed',
    });
  }
}
