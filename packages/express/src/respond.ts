import { errorAnswer, errorForApp, type AuthError } from '@m2m-auth/core';
import type { NextFunction, Request, Response } from 'express';
import type { AuthContext } from './context.js';

/** How authentication and authorization failures are answered. */
export interface ResponseOptions {
  /** `realm` of the `WWW-Authenticate` challenge. Default is the verifier's first audience. */
  realm?: string;
  /**
   * Pass every {@link AuthError} to `next(err)` so that the app's own error handler answers. The error
   * carries `status`, `toJSON()` (the default body) and `headers`: the same `WWW-Authenticate` challenge
   * as the middleware would send (with this `realm`; none on a `503`) and `Cache-Control: no-store`,
   * which Express' default handler applies. Default is `false`: the middleware answers itself.
   */
  passErrors?: boolean;
  /**
   * The JSON body of an error response. Default is `error.toJSON()`: `{ error, error_description }`,
   * with `error: "unauthorized"` when the request carried no token.
   */
  errorBody?: (error: AuthError, req: Request) => unknown;
}

/**
 * Answers a rejection (status, RFC 6750 challenge, JSON body; never a stack trace), or hands it to the
 * app's error handler with `passErrors`.
 */
export function fail(
  context: AuthContext,
  error: AuthError,
  req: Request,
  res: Response,
  next: NextFunction,
): void {
  if (context.options.passErrors) {
    next(errorForApp(error, context.options));
    return;
  }
  const answer = errorAnswer(error, context.options, req);
  res.status(answer.status).set(answer.headers);
  res.json(answer.body);
}
