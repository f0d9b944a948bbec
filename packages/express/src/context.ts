import type { ResolvedAdapterOptions, Verifier } from '@m2m-auth/core';
import type { Request } from 'express';

/** What `requireAuth` leaves on the request for the authorization middleware after it. */
export interface AuthContext {
  /** The verifier that authenticated the request; rejections are reported to its hook. */
  readonly verifier: Verifier;
  /** The request and response options, resolved (`realm` defaulted to the first audience). */
  readonly options: ResolvedAdapterOptions<Request>;
}

const CONTEXT = Symbol.for('@m2m-auth/express.context');

type WithContext = Request & { [CONTEXT]?: AuthContext };

/** Leaves the context on the request. */
export function setContext(req: Request, context: AuthContext): void {
  (req as WithContext)[CONTEXT] = context;
}

/** The context `requireAuth` left on the request, if it ran. */
export function getContext(req: Request): AuthContext | undefined {
  return (req as WithContext)[CONTEXT];
}
