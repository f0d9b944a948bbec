import {
  AuthError,
  ConfigurationError,
  authenticate,
  checkAdapterOptions,
  isVerifier,
  resolveAdapterOptions,
  sharedVerifier,
  type AuthenticateOptions,
  type Verifier,
  type VerifierOptions,
} from '@m2m-auth/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import './augment.js';
import { setContext, type AuthContext } from './context.js';
import { toAuthRequest } from './request.js';
import { fail, type ResponseOptions } from './respond.js';

/** Options of {@link requireAuth} when given a verifier. */
export type RequireAuthMiddlewareOptions = AuthenticateOptions & ResponseOptions;

/** Options of {@link requireAuth}: the verifier's, the request's and the response's. */
export type RequireAuthOptions = VerifierOptions & RequireAuthMiddlewareOptions;

/**
 * The verifier and the resolved options shared by every middleware of this package: the verifier
 * passed in, or the one built from that options object (see `sharedVerifier`).
 */
export function resolveAuth(
  auth: RequireAuthOptions | Verifier,
  options: RequireAuthMiddlewareOptions = {},
): AuthContext {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ConfigurationError('requireAuth: options must be an object');
  }
  if (typeof auth !== 'object' || auth === null) {
    throw new ConfigurationError('requireAuth: pass verifier options or a verifier');
  }
  const merged: RequireAuthMiddlewareOptions = isVerifier(auth) ? options : { ...auth, ...options };
  checkAdapterOptions(merged, 'requireAuth');
  const verifier = sharedVerifier(auth);
  return { verifier, options: resolveAdapterOptions(merged, verifier, 'requireAuth') };
}

/** Runs authentication for one request: sets `req.auth` and the context, or answers the failure. */
export function runAuthentication(
  context: AuthContext,
  req: Request,
  res: Response,
  next: NextFunction,
): void {
  setContext(req, context);
  authenticate(context.verifier, toAuthRequest(req), context.options.authentication).then(
    (principal) => {
      req.auth = principal;
      next();
    },
    (err: unknown) => {
      if (err instanceof AuthError) fail(context, err, req, res, next);
      else next(err);
    },
  );
}

/**
 * Express middleware that verifies the bearer token of every request and sets `req.auth`.
 *
 * - No token: `401` with a bare `WWW-Authenticate: Bearer realm="…"` (or anonymous with `optional`).
 * - Bad, expired or unverifiable token: `401` `invalid_token`, never downgraded to anonymous.
 * - Malformed header, two credentials, or a query/body token when not enabled: `400` `invalid_request`.
 * - Issuer or keys unreachable with nothing cached: `503`.
 *
 * Verifier options are turned into a verifier once per options object: middleware given the same
 * object (`requireAuth(auth)`, `requireScope(…, { auth })`) share one verifier and its caches. Or build
 * one with `createVerifier` and pass it.
 *
 * @param auth Verifier options, or a verifier shared with other middleware.
 * @param options With a verifier: the request options (`optional`, `allowQueryToken`, `allowBodyToken`)
 *   and the response options (`realm`, `errorBody`, `passErrors`).
 * @throws ConfigurationError when an option is invalid (the message names it), at once, not on the first
 *   request.
 * @example
 * ```ts
 * app.use(requireAuth({ issuer: 'https://id.example/auth/realms/acme', audience: 'tables-api' }));
 * app.get('/v1/tables', (req, res) => res.json({ client: req.auth?.clientId }));
 * ```
 */
export function requireAuth(
  auth: RequireAuthOptions | Verifier,
  options?: RequireAuthMiddlewareOptions,
): RequestHandler {
  const context = resolveAuth(auth, options);
  return (req, res, next) => runAuthentication(context, req, res, next);
}
