import { AuthError } from '../errors.js';
import { checkClaims, requireGranted, type ClaimPredicate } from '../principal/checks.js';
import type { Principal } from '../principal/principal.js';
import {
  authenticate,
  missingTokenError,
  type AuthenticateOptions,
  type AuthRequest,
} from '../verify/authenticate.js';
import { reportRejection, type Verifier } from '../verify/report.js';
import { resolveRequirement, type Requirement } from './requirement.js';
import type { RouteParams } from './route-template.js';

/**
 * One check of a request on its caller: throws an {@link AuthError} (`403 insufficient_scope`) when the
 * caller falls short, or a `ConfigurationError` (a 500, never a pass) when it cannot be decided.
 *
 * @example
 * ```ts
 * const tenant: AuthorizationCheck = (principal) => checkClaims(principal, (c) => c.tenant === 'acme');
 * ```
 */
export type AuthorizationCheck = (principal: Principal) => void;

/**
 * The check of a requirement for one request: its values resolved (see `resolveRequirement`) when it
 * runs, after authentication, then looked up in the caller's scopes or permissions (exact match).
 *
 * @example
 * ```ts
 * authorizePrincipal(verifier, principal, [requirementCheck(requirement, [req])]);
 * ```
 */
export function requirementCheck<Args extends readonly unknown[]>(
  requirement: Requirement<Args>,
  args: Args,
  params?: RouteParams,
): AuthorizationCheck {
  return (principal) => {
    const values = resolveRequirement(requirement, args, params);
    requireGranted(principal, requirement.kind, values, requirement.mode);
  };
}

/**
 * The check of a predicate over the caller's claims (see `checkClaims`): only `true` passes.
 *
 * @param description Client-safe `error_description`. Default is `"token claims do not allow this
 *   request"`.
 * @example
 * ```ts
 * claimsCheck((claims) => claims.org === req.params.org, 'wrong organization');
 * ```
 */
export function claimsCheck(predicate: ClaimPredicate, description?: string): AuthorizationCheck {
  return (principal) => checkClaims(principal, predicate, description);
}

/**
 * The authorization of an authenticated request: an anonymous request (optional authentication) that
 * meets a check is refused like a request without a token (`401`); then every check runs, in order.
 * Each rejection is reported to the verifier's `onRejection` hook, with the caller.
 *
 * @returns the principal (`undefined` for an anonymous request without checks).
 * @throws AuthError 401 or 403; ConfigurationError when a check cannot be decided.
 * @example
 * ```ts
 * authorizePrincipal(verifier, req.auth, [requirementCheck(requirement, [req])]);
 * ```
 */
export function authorizePrincipal(
  verifier: Verifier,
  principal: Principal | undefined,
  checks: readonly AuthorizationCheck[],
): Principal | undefined {
  if (checks.length === 0) return principal;
  if (principal === undefined) {
    const missing = missingTokenError();
    reportRejection(verifier, missing);
    throw missing;
  }
  for (const check of checks) {
    try {
      check(principal);
    } catch (err) {
      if (err instanceof AuthError) reportRejection(verifier, err, principal);
      throw err;
    }
  }
  return principal;
}

/**
 * Options of {@link authorize}: those of `authenticate`, and the authentication another step already
 * started for this request.
 *
 * @example
 * ```ts
 * await authorize(verifier, request, checks, { optional: true });
 * ```
 */
export interface AuthorizeRequestOptions extends AuthenticateOptions {
  /** The authentication of this request already under way or done (by another guard), reused. */
  authenticated?: Promise<Principal | undefined>;
}

/**
 * Authenticates and authorizes a framework-neutral request, the whole inbound path that every adapter
 * maps onto: token extraction and verification (`authenticate`), the anonymous rule, the checks, and
 * the reporting of every rejection.
 *
 * @returns the principal, or `undefined` for an anonymous request (`optional`) without checks.
 * @throws AuthError 400, 401, 403 or 503; ConfigurationError when a check cannot be decided.
 * @example
 * ```ts
 * const principal = await authorize(verifier, { headers }, [requirementCheck(requirement, [request])]);
 * ```
 */
export async function authorize(
  verifier: Verifier,
  request: AuthRequest,
  checks: readonly AuthorizationCheck[],
  options: AuthorizeRequestOptions = {},
): Promise<Principal | undefined> {
  const principal = await (options.authenticated ?? authenticate(verifier, request, options));
  return authorizePrincipal(verifier, principal, checks);
}
