import {
  AuthError,
  ConfigurationError,
  authorizePrincipal,
  type AuthorizationCheck,
  type Verifier,
} from '@m2m-auth/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { getContext, type AuthContext } from './context.js';
import {
  resolveAuth,
  runAuthentication,
  type RequireAuthOptions,
  type RequireAuthMiddlewareOptions,
} from './require-auth.js';
import { fail } from './respond.js';

/** Options shared by `requireScope`, `requirePermission` and `claimCheck`. */
export interface AuthorizeOptions {
  /**
   * How to authenticate when no `requireAuth` ran before this middleware: a verifier (shared), or
   * verifier options (one verifier per options object, shared by every middleware given that object).
   * Without it, mount `requireAuth` first.
   */
  auth?: RequireAuthOptions | Verifier;
  /** Request and response options used with `auth`. */
  authOptions?: RequireAuthMiddlewareOptions;
}

/**
 * Builds a middleware that runs the check made for each request by `checkFor` through core's
 * authorization (the anonymous rule, the check, the reporting): after `requireAuth`, or authenticating
 * first with `options.auth`. A failing check answers `403 insufficient_scope`.
 */
export function authorize(
  checkFor: (req: Request) => AuthorizationCheck,
  options: AuthorizeOptions = {},
): RequestHandler {
  if (options.auth !== undefined && (typeof options.auth !== 'object' || options.auth === null)) {
    throw new ConfigurationError('auth must be verifier options or a verifier');
  }
  const own = options.auth === undefined ? undefined : resolveAuth(options.auth, options.authOptions);
  const decide = (context: AuthContext, req: Request, res: Response, next: NextFunction): void => {
    try {
      authorizePrincipal(context.verifier, req.auth, [checkFor(req)]);
    } catch (err) {
      if (err instanceof AuthError) fail(context, err, req, res, next);
      else next(err);
      return;
    }
    next();
  };
  return (req, res, next) => {
    const context = getContext(req);
    if (context) {
      decide(context, req, res, next);
    } else if (own) {
      runAuthentication(own, req, res, (err?: unknown) =>
        err === undefined ? decide(own, req, res, next) : next(err),
      );
    } else {
      next(new ConfigurationError('mount requireAuth() before this middleware, or pass { auth }'));
    }
  };
}
