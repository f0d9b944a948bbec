import {
  AuthError,
  ConfigurationError,
  isVerifier,
  resolveAdapterOptions,
  sharedVerifier,
  type AdapterOptions,
  type Verifier,
  type VerifierOptions,
} from '@m2m-auth/core';
import type { FastifyInstance, FastifyPluginCallback, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { authenticated, setContext, type AuthContext } from './context.js';
import { fail } from './respond.js';

/**
 * How requests are read and failures answered, and which routes are authenticated; part of
 * {@link M2mAuthPluginOptions}.
 *
 * @example
 * ```ts
 * const options: M2mAuthRequestOptions = { realm: 'tables', protectAllRoutes: true, passErrors: true };
 * ```
 */
export interface M2mAuthRequestOptions extends AdapterOptions<FastifyRequest> {
  /**
   * Authenticate every route (a `preValidation` hook, so after the body is parsed and before it is
   * validated); a route leaves it with `config: { m2mAuth: false }`. Default is `false`: routes are
   * protected with the preHandlers (`requireAuth()`, `requireScope(…)`, …).
   */
  protectAllRoutes?: boolean;
}

/**
 * Options of the `m2mAuth` plugin: the verifier's (`issuer`, `audience`, `claims`, …), or `verifier`,
 * one built with `createVerifier()` and shared; plus {@link M2mAuthRequestOptions}: `realm` (default
 * the first audience), `optional`, `allowQueryToken`, `allowBodyToken`, `passErrors`, `errorBody` (all
 * off by default) and `protectAllRoutes`.
 *
 * @example
 * ```ts
 * await app.register(m2mAuth, { issuer: 'https://id.example/auth/realms/acme', audience: 'tables-api' });
 * ```
 */
export type M2mAuthPluginOptions = M2mAuthRequestOptions &
  ((VerifierOptions & { verifier?: undefined }) | { verifier: Verifier });

/** The verifier and resolved options, every option checked now (`ConfigurationError` naming it). */
function resolveContext(options: M2mAuthPluginOptions): AuthContext {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError('m2mAuth: options must be an object');
  }
  const protectAll: unknown = options.protectAllRoutes;
  if (protectAll !== undefined && typeof protectAll !== 'boolean') {
    throw new ConfigurationError('m2mAuth: protectAllRoutes must be a boolean');
  }
  if (options.verifier !== undefined && !isVerifier(options.verifier)) {
    throw new ConfigurationError('m2mAuth: verifier must be a Verifier (createVerifier())');
  }
  // The verifier options object itself: the same object registered twice shares one verifier.
  const verifier = sharedVerifier(options.verifier ?? options);
  return { verifier, options: resolveAdapterOptions(options, verifier, 'm2mAuth') };
}

function plugin(fastify: FastifyInstance, options: M2mAuthPluginOptions, done: (err?: Error) => void): void {
  let context: AuthContext;
  try {
    context = resolveContext(options);
  } catch (err) {
    done(err as Error);
    return;
  }
  fastify.decorateRequest('auth', undefined);
  setContext(fastify, context);
  if (options.protectAllRoutes === true) protectAllRoutes(fastify, context);
  done();
}

/** Authenticates every route but those whose config says `m2mAuth: false`. */
function protectAllRoutes(fastify: FastifyInstance, context: AuthContext): void {
  fastify.addHook('preValidation', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.routeOptions.config.m2mAuth === false) return;
    try {
      await authenticated(context, request);
    } catch (err) {
      if (err instanceof AuthError) return fail(context, err, request, reply);
      throw err;
    }
  });
}

/**
 * The Fastify plugin: verifies bearer tokens with one shared verifier, leaves the caller in
 * `request.auth` (typed through declaration merging) and answers failures as every m2m-auth adapter
 * does: `401` with `WWW-Authenticate: Bearer realm="…"` (and `error="invalid_token"` for a bad token),
 * `403 insufficient_scope` with `scope="…"`, `400 invalid_request`, `503` when the issuer is
 * unreachable; a JSON body and `Cache-Control: no-store` every time. Wrapped with `fastify-plugin`, so
 * it is not encapsulated: register it once, at the root. With `passErrors`, failures go to Fastify's
 * error handler instead (an `AuthError` with `statusCode` and `headers`).
 *
 * @throws ConfigurationError when an option is invalid (the message names it), when registered.
 * @example
 * ```ts
 * const app = Fastify();
 * await app.register(m2mAuth, { issuer, audience: 'tables-api', protectAllRoutes: true });
 * app.get('/health', { config: { m2mAuth: false } }, () => ({ ok: true }));
 * app.get('/v1/projects/:id/tables', { preHandler: requireScope('project-{id}') }, (request) => ({
 *   caller: request.auth?.clientId,
 * }));
 * ```
 */
export const m2mAuth: FastifyPluginCallback<M2mAuthPluginOptions> = fp(plugin, {
  fastify: '5.x',
  name: '@m2m-auth/fastify',
});
