import { AuthError, ConfigurationError, type Principal, type Verifier } from '@m2m-auth/core';
import type { Request, RequestHandler } from 'express';
import { fail, getContext } from './context.js';
import {
  resolveAuth,
  runAuthentication,
  type RequireAuthOptions,
  type RequireAuthMiddlewareOptions,
} from './require-auth.js';

/** Options shared by `requireScope`, `requirePermission` and `claimCheck`. */
export interface AuthorizeOptions {
  /**
   * How to authenticate when no `requireAuth` ran before this middleware: verifier options or a
   * verifier. Without it, mount `requireAuth` first.
   */
  auth?: RequireAuthOptions | Verifier;
  /** Request and response options used with `auth`. */
  authOptions?: RequireAuthMiddlewareOptions;
}

/**
 * Builds a middleware that runs `check` on the principal: after `requireAuth`, or authenticating first
 * with `options.auth`. A failing check answers `403 insufficient_scope`.
 */
export function authorize(
  check: (principal: Principal, req: Request) => void,
  options: AuthorizeOptions = {},
): RequestHandler {
  if (options.auth !== undefined && (typeof options.auth !== 'object' || options.auth === null)) {
    throw new ConfigurationError('auth must be verifier options or a verifier');
  }
  const own = options.auth === undefined ? undefined : resolveAuth(options.auth, options.authOptions);
  const decide: RequestHandler = (req, res, next) => {
    const context = getContext(req);
    if (!context) {
      next(new ConfigurationError('mount requireAuth() before this middleware, or pass { auth }'));
      return;
    }
    const principal = req.auth;
    if (!principal) {
      // An anonymous request (optional authentication) reaching a requirement: a 401 like any other.
      const missing = new AuthError('invalid_token', 'no bearer token', { reason: 'token_missing' });
      context.report(missing);
      fail(context, missing, req, res, next);
      return;
    }
    try {
      check(principal, req);
    } catch (err) {
      if (err instanceof AuthError) {
        context.report(err, principal);
        fail(context, err, req, res, next);
        return;
      }
      next(err);
      return;
    }
    next();
  };
  return (req, res, next) => {
    if (own && getContext(req) === undefined) {
      runAuthentication(own, req, res, (err?: unknown) =>
        err === undefined ? decide(req, res, next) : next(err),
      );
      return;
    }
    decide(req, res, next);
  };
}
