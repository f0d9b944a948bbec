import type { Request } from 'express';
import type { AuthError, Principal } from '@m2m-auth/core';
import type { Responder } from './respond.js';

/** What `requireAuth` leaves on the request for the authorization middleware after it. */
export interface AuthContext {
  respond: Responder;
  /** The challenge's realm, also set on errors passed to the app (`passErrors`). */
  realm: string | undefined;
  passErrors: boolean;
  /** Reports an authorization failure to the verifier's rejection hook. */
  report: (error: AuthError, principal?: Principal) => void;
}

const CONTEXT = Symbol.for('@m2m-auth/express.context');

type WithContext = Request & { [CONTEXT]?: AuthContext };

export function setContext(req: Request, context: AuthContext): void {
  (req as WithContext)[CONTEXT] = context;
}

export function getContext(req: Request): AuthContext | undefined {
  return (req as WithContext)[CONTEXT];
}

/** Sends or forwards an auth failure according to the context. */
export function fail(
  context: AuthContext,
  error: AuthError,
  req: Request,
  res: Parameters<Responder>[2],
  next: (err?: unknown) => void,
): void {
  if (context.passErrors) {
    // So that `error.headers` carry the same challenge as the built-in responder sends.
    error.realm ??= context.realm;
    next(error);
  } else context.respond(error, req, res);
}
