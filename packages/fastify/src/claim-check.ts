import { defineClaimsCheck, type ClaimsPredicate } from '@m2m-auth/core';
import type { FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { authorize } from './authorize.js';

/** Options of {@link claimCheck}. */
export interface ClaimCheckOptions {
  /**
   * Client-safe `error_description` when the check fails. Default is `"token claims do not allow this
   * request"`.
   */
  description?: string;
}

/**
 * A preHandler requiring an arbitrary condition on the caller's claims; a failure answers `403
 * insufficient_scope`. Only `true` passes; a predicate that throws is a server error (500), never a
 * pass.
 *
 * @throws ConfigurationError when `predicate` is not a function, or `options.description` is not a
 *   non-empty string.
 * @example
 * ```ts
 * app.get('/v1/orgs/:org', {
 *   preHandler: claimCheck((claims, _principal, request) => claims.org === (request.params as { org: string }).org),
 * }, handler);
 * ```
 */
export function claimCheck(
  predicate: ClaimsPredicate<[request: FastifyRequest]>,
  options?: ClaimCheckOptions,
): preHandlerAsyncHookHandler {
  const checkFor = defineClaimsCheck('claimCheck', predicate, options);
  return authorize((request) => [checkFor(request)]);
}
