import {
  isValueList,
  matchMode,
  type MatchMode,
  type RequirementKind,
} from '../authorize/required-values.js';
import { AuthError, ConfigurationError } from '../errors.js';
import type { Principal } from './principal.js';

export type { MatchMode } from '../authorize/required-values.js';

/**
 * Refuses what cannot be a requirement: an empty list (which would let everyone through), a value that
 * is not a non-empty string, or a mode other than `all` and `any` (which must never widen to `any`).
 * Adapters check declared requirements when they are declared (`defineRequirement`); this catches what
 * a caller of the check functions passes, so that a bad requirement fails closed (a server error),
 * never as a pass. A value of whitespace only is no configuration error: see `required-values.ts`.
 */
function validate(kind: RequirementKind, required: readonly string[], mode: unknown): void {
  matchMode(mode, `${kind} check: mode`);
  if (!Array.isArray(required) || required.length === 0) {
    throw new ConfigurationError(`${kind} check: name at least one ${kind}`);
  }
  if (!isValueList(required)) {
    throw new ConfigurationError(`${kind} check: each ${kind} must be a non-empty string`);
  }
}

function describe(kind: string, required: readonly string[], mode: MatchMode): string {
  if (required.length === 1) return `missing ${kind} ${required[0]}`;
  return `requires ${mode === 'all' ? 'all' : 'one'} of ${kind}s: ${required.join(' ')}`;
}

/**
 * Throws the `insufficient_scope` rejection unless the principal holds the `required` values, already
 * checked (see {@link checkScopes}); what core's authorize step runs for a resolved requirement.
 */
export function requireGranted(
  principal: Principal,
  kind: RequirementKind,
  required: readonly string[],
  mode: MatchMode,
): void {
  const granted = kind === 'scope' ? principal.scopes : principal.permissions;
  const held = mode === 'all' ? required.every((r) => granted.has(r)) : required.some((r) => granted.has(r));
  if (!held) {
    throw new AuthError('insufficient_scope', describe(kind, required, mode), {
      reason: kind === 'scope' ? 'scope_missing' : 'permission_missing',
      required,
    });
  }
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
  requireGranted(principal, 'scope', required, mode);
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
  requireGranted(principal, 'permission', required, mode);
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
