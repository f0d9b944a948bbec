import type { AuthError } from '@m2m-auth/core';
import type { Request, Response } from 'express';

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

/** Answers an {@link AuthError}: status, RFC 6750 challenge, JSON body; never a stack trace. */
export type Responder = (error: AuthError, req: Request, res: Response) => void;

/** The responder for `options`, with `realm` already resolved (`options.realm` or the default). */
export function createResponder(options: ResponseOptions, realm: string | undefined): Responder {
  return (error, req, res) => {
    res.status(error.status).set(error.responseHeaders(realm));
    res.json(options.errorBody ? options.errorBody(error, req) : error.toJSON());
  };
}
