import { AuthError, ConfigurationError } from '../errors.js';
import { optionalString, optionsObject } from '../lib/options.js';
import { checkClaims, requireGranted } from '../principal/checks.js';
import type { Principal } from '../principal/principal.js';
import {
  authenticate,
  missingTokenError,
  type AuthenticateInput,
  type AuthenticateOptions,
} from '../verify/authenticate.js';
import { reportRejection } from '../verify/report.js';
import type { Verifier } from '../verify/verifier.js';
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
 * A predicate over the caller's claims, with the adapter's arguments (`req` in Express): only `true`
 * passes; a predicate that throws is a server error, never a pass.
 *
 * @example
 * ```ts
 * const sameOrg: ClaimsPredicate<[Request]> = (claims, _principal, req) => claims.org === req.params.org;
 * ```
 */
export type ClaimsPredicate<Args extends readonly unknown[] = readonly unknown[]> = (
  claims: Principal['claims'],
  principal: Principal,
  ...args: Args
) => boolean;

/**
 * Checks a claims predicate when it is declared and returns what makes its check for one request (see
 * `checkClaims`, a `403 insufficient_scope` when it fails).
 *
 * @param options `description`: the client-safe `error_description` when the check fails. Default is
 *   `"token claims do not allow this request"`.
 * @throws ConfigurationError naming `origin` when `predicate` is not a function, `options` not an
 *   object or `options.description` not a non-empty string.
 * @example
 * ```ts
 * const checkFor = defineClaimsCheck<[Request]>('claimCheck', (claims, _p, req) => claims.org === req.params.org);
 * authorizePrincipal(verifier, req.auth, [checkFor(req)]);
 * ```
 */
export function defineClaimsCheck<Args extends readonly unknown[]>(
  origin: string,
  predicate: ClaimsPredicate<Args>,
  options?: { description?: string },
): (...args: Args) => AuthorizationCheck {
  if (typeof predicate !== 'function') {
    throw new ConfigurationError(`${origin}: predicate must be a function`);
  }
  optionsObject(options, `${origin}: options`);
  const description = optionalString(options?.description, `${origin}: options.description`);
  return (...args) =>
    (principal) =>
      checkClaims(principal, (claims, p) => predicate(claims, p, ...args), description);
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
 * Authenticates and authorizes a request (the neutral `AuthRequest`, or a Web `Request`/`Headers`), the
 * whole inbound path that every adapter maps onto: token extraction and verification (`authenticate`), the anonymous rule, the checks, and
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
  request: AuthenticateInput,
  checks: readonly AuthorizationCheck[],
  options: AuthorizeRequestOptions = {},
): Promise<Principal | undefined> {
  const principal = await (options.authenticated ?? authenticate(verifier, request, options));
  return authorizePrincipal(verifier, principal, checks);
}
