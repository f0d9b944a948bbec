import {
  AuthError,
  ConfigurationError,
  authenticate,
  createVerifier,
  type AuthenticateOptions,
  type Verifier,
  type VerifierOptions,
} from '@m2m-auth/core';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import './augment.js';
import { fail, setContext, type AuthContext } from './context.js';
import { toAuthRequest } from './request.js';
import { createResponder, type ResponseOptions } from './respond.js';
import { optionalBoolean, optionalFunction, optionalString, optionsObject } from './validate.js';

/** Options of {@link requireAuth} when given a verifier. */
export type RequireAuthMiddlewareOptions = AuthenticateOptions & ResponseOptions;

/** Options of {@link requireAuth}: the verifier's, the request's and the response's. */
export type RequireAuthOptions = VerifierOptions & RequireAuthMiddlewareOptions;

function isVerifier(value: unknown): value is Verifier {
  return typeof value === 'object' && value !== null && typeof (value as Verifier).verify === 'function';
}

/** Checks the request and response options, naming the one that is wrong. */
function validateMiddlewareOptions(options: RequireAuthMiddlewareOptions): void {
  for (const name of ['optional', 'allowQueryToken', 'allowBodyToken', 'passErrors'] as const) {
    optionalBoolean(options[name], `requireAuth: ${name}`);
  }
  optionalString(options.realm, 'requireAuth: realm');
  optionalFunction(options.errorBody, 'requireAuth: errorBody');
}

/** Builds the verifier and the context shared by every middleware of this package. */
export function resolveAuth(
  auth: RequireAuthOptions | Verifier,
  options: RequireAuthMiddlewareOptions = {},
): { verifier: Verifier; context: AuthContext; authOptions: AuthenticateOptions } {
  optionsObject(options, 'requireAuth: options');
  if (typeof auth !== 'object' || auth === null) {
    throw new ConfigurationError('requireAuth: pass verifier options or a verifier');
  }
  const merged: RequireAuthMiddlewareOptions = isVerifier(auth) ? options : { ...auth, ...options };
  validateMiddlewareOptions(merged);
  const verifier = isVerifier(auth) ? auth : createVerifier(auth);
  const realm = merged.realm ?? verifier.audiences[0];
  return {
    verifier,
    authOptions: {
      optional: merged.optional === true,
      allowQueryToken: merged.allowQueryToken === true,
      allowBodyToken: merged.allowBodyToken === true,
    },
    context: {
      respond: createResponder(merged, realm),
      realm,
      passErrors: merged.passErrors === true,
      report: (error, principal) => verifier.reportRejection(error, principal),
    },
  };
}

/** Runs authentication for one request: sets `req.auth` and the context, or answers the failure. */
export function runAuthentication(
  resolved: ReturnType<typeof resolveAuth>,
  req: Request,
  res: Response,
  next: NextFunction,
): void {
  setContext(req, resolved.context);
  authenticate(resolved.verifier, toAuthRequest(req), resolved.authOptions).then(
    (principal) => {
      req.auth = principal;
      next();
    },
    (err: unknown) => {
      if (err instanceof AuthError) fail(resolved.context, err, req, res, next);
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
  const resolved = resolveAuth(auth, options);
  return (req, res, next) => runAuthentication(resolved, req, res, next);
}
