import { checkClaims, ConfigurationError, type Principal } from '@m2m-auth/core';
import type { Request, RequestHandler } from 'express';
import { authorize, type AuthorizeOptions } from './authorize.js';
import { optionalString, optionsObject } from './validate.js';

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
  predicate: (claims: Principal['claims'], principal: Principal, req: Request) => boolean,
  options: ClaimCheckOptions = {},
): RequestHandler {
  if (typeof predicate !== 'function') {
    throw new ConfigurationError('claimCheck: predicate must be a function');
  }
  optionsObject(options, 'claimCheck: options');
  optionalString(options.description, 'claimCheck: options.description');
  return authorize(
    (principal, req) => checkClaims(principal, (claims, p) => predicate(claims, p, req), options.description),
    options,
  );
}
