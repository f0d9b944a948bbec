import { checkClaims, type Principal } from '@m2m-auth/core';
import type { Request, RequestHandler } from 'express';
import { authorize, type AuthorizeOptions } from './authorize.js';

/** Options of {@link claimCheck}. */
export interface ClaimCheckOptions extends AuthorizeOptions {
  /** Client-safe `error_description` when the check fails. */
  description?: string;
}

/**
 * Requires an arbitrary condition on the caller's claims; a failure answers `403 insufficient_scope`.
 *
 * @example
 * ```ts
 * app.get('/v1/orgs/:org', claimCheck((claims, _p, req) => claims.org_id === req.params.org), handler);
 * ```
 */
export function claimCheck(
  predicate: (claims: Principal['claims'], principal: Principal, req: Request) => boolean,
  options: ClaimCheckOptions = {},
): RequestHandler {
  return authorize(
    (principal, req) => checkClaims(principal, (claims, p) => predicate(claims, p, req), options.description),
    options,
  );
}
