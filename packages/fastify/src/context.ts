import {
  ConfigurationError,
  authenticate,
  fromNodeRequest,
  type Principal,
  type ResolvedAdapterOptions,
  type Verifier,
} from '@m2m-auth/core';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import './augment.js';

/** What the plugin leaves on its Fastify instance for the hook and the preHandlers. */
export interface AuthContext {
  /** The verifier every route shares; rejections are reported to its hook. */
  readonly verifier: Verifier;
  /** The request and response options, resolved by core (`realm` defaulted to the first audience). */
  readonly options: ResolvedAdapterOptions<FastifyRequest>;
}

const CONTEXT = Symbol.for('@m2m-auth/fastify.context');
const AUTHENTICATION = Symbol.for('@m2m-auth/fastify.authentication');

type WithContext = FastifyInstance & { [CONTEXT]?: AuthContext };
type WithAuthentication = FastifyRequest & { [AUTHENTICATION]?: Promise<Principal | undefined> };

/** Leaves the context on the instance (and so, through Fastify's decorators, on every child of it). */
export function setContext(instance: FastifyInstance, context: AuthContext): void {
  instance.decorate(CONTEXT, context);
}

/**
 * The context of the instance that serves `request`.
 *
 * @throws ConfigurationError when the plugin was not registered (a `500`, never a pass).
 */
export function contextOf(request: FastifyRequest): AuthContext {
  const context = (request.server as WithContext)[CONTEXT];
  if (context === undefined) {
    throw new ConfigurationError('register the m2mAuth plugin before using its preHandlers');
  }
  return context;
}

/**
 * Authenticates the request once, whichever step asks first (the `protectAllRoutes` hook, a
 * preHandler), and leaves the caller in `request.auth`; later steps reuse the result.
 */
export function authenticated(context: AuthContext, request: FastifyRequest): Promise<Principal | undefined> {
  const state = request as WithAuthentication;
  const done = state[AUTHENTICATION];
  if (done) return done;
  const neutral = fromNodeRequest({
    rawHeaders: request.raw.rawHeaders,
    headers: request.headers,
    method: request.method,
    url: request.url,
    body: request.body,
  });
  const pending = authenticate(context.verifier, neutral, context.options.authentication).then(
    (principal) => {
      request.auth = principal;
      return principal;
    },
  );
  Object.defineProperty(request, AUTHENTICATION, { value: pending, configurable: true, enumerable: false });
  return pending;
}
