import { defineClaimsCheck, type ClaimsPredicate } from '@m2m-auth/core';
import type { Request, RequestHandler } from 'express';
import { authorize, type AuthorizeOptions } from './authorize.js';

/** Options of {@link claimCheck}. */
export interface ClaimCheckOptions extends AuthorizeOptions {
  /**
   * Client-safe `error_description` when the check fails. Default is `"token claims do not allow this
   * request"`.
   */
  description?: string;
}

/**
 * Requires an arbitrary condition on the caller's claims; a failure answers `403 insufficient_scope`.
 * Only `true` passes; a predicate that throws is a server error (500), never a pass.
 *
 * @throws ConfigurationError when `predicate` is not a function, or `options.description` is not a
 *   non-empty string.
 *
 * @example
 * ```ts
 * app.get('/v1/orgs/:org', claimCheck((claims, _p, req) => claims.org_id === req.params.org), handler);
 * ```
 */
export function claimCheck(
  predicate: ClaimsPredicate<[req: Request]>,
  options: ClaimCheckOptions = {},
): RequestHandler {
  const checkFor = defineClaimsCheck('claimCheck', predicate, options);
  return authorize((req) => checkFor(req), options);
}
