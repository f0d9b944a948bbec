import { AuthError, authorizePrincipal, type AuthorizationCheck } from '@m2m-auth/core';
import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { authenticated, contextOf } from './context.js';
import { fail } from './respond.js';

/**
 * The preHandler that runs, for each request, the checks `checksFor` makes: authentication first (once
 * per request, reused when the `protectAllRoutes` hook already ran), then core's authorization (the
 * anonymous rule, the checks in order, the reporting of each rejection). A rejection is answered (or
 * thrown, with `passErrors`); a check that cannot be decided is thrown (a `500`, never a pass).
 */
export function authorize(
  checksFor: (request: FastifyRequest) => readonly AuthorizationCheck[],
): preHandlerAsyncHookHandler {
  return async function authorizeRequest(request: FastifyRequest, reply: FastifyReply) {
    const context = contextOf(request);
    try {
      authorizePrincipal(context.verifier, await authenticated(context, request), checksFor(request));
    } catch (err) {
      if (err instanceof AuthError) return fail(context, err, request, reply);
      throw err;
    }
  };
}

/**
 * A preHandler that requires a valid token (or lets an anonymous request through with the plugin's
 * `optional`) and sets `request.auth`: for routes when `protectAllRoutes` is off.
 *
 * @example
 * ```ts
 * app.get('/v1/me', { preHandler: requireAuth() }, (request) => ({ client: request.auth?.clientId }));
 * ```
 */
export function requireAuth(): preHandlerAsyncHookHandler {
  return authorize(() => []);
}
