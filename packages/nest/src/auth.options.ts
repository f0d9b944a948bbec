import {
  ConfigurationError,
  checkAdapterOptions,
  createVerifier,
  resolveVerifierOptions,
  isVerifier,
  type AuthError,
  type AuthenticateOptions,
  type Verifier,
  type VerifierOptions,
} from '@m2m-auth/core';
import type { AuthHttpRequest } from './auth.request.js';

/**
 * How requests are read and failures answered; part of {@link M2mAuthModuleOptions}.
 *
 * @example
 * ```ts
 * M2mAuthModule.forRoot({ issuer, audience: 'tables-api', realm: 'tables', optional: true });
 * ```
 */
export interface M2mAuthRequestOptions extends AuthenticateOptions {
  /** `realm` of the `WWW-Authenticate` challenge. Default is the verifier's first audience. */
  realm?: string;
  /** The JSON body of an error response. Default is `{ error, error_description }`. */
  errorBody?: (error: AuthError, request: AuthHttpRequest) => Record<string, unknown>;
}

/**
 * Options of `M2mAuthModule.forRoot()` (and what `forRootAsync()`'s factory returns): the verifier's
 * options (`issuer`, `audience`, `claims`, …), or `verifier`, a verifier built elsewhere; plus
 * {@link M2mAuthRequestOptions}.
 *
 * - `optional` (default `false`): a request without a token passes the guard as anonymous
 *   (`@Principal()` is `undefined`), unless the route declares a requirement.
 * - `allowQueryToken`, `allowBodyToken` (default `false`): accept RFC 6750 §2.2/§2.3 tokens.
 *
 * @example
 * ```ts
 * const options: M2mAuthModuleOptions = {
 *   issuer: 'https://id.example/auth/realms/acme',
 *   audience: 'tables-api',
 *   claims: keycloak({ clientId: 'tables-api' }),
 * };
 * ```
 */
export type M2mAuthModuleOptions = M2mAuthRequestOptions &
  ((VerifierOptions & { verifier?: undefined }) | { verifier: Verifier });

/**
 * Options of `forRoot()` / `forRootAsync()` that shape the module itself.
 *
 * @example
 * ```ts
 * M2mAuthModule.forRoot({ issuer, audience, protectAllRoutes: true });
 * ```
 */
export interface M2mAuthModuleExtras {
  /**
   * Protect every route of the app: registers {@link M2mAuthGuard} through `APP_GUARD`; `@Public()`
   * opens a route. Default is `false`: routes are protected with `@UseGuards(…)`. (The module itself is
   * always global, whatever this says: it is not `M2mHttpModule`'s `isGlobal`.)
   */
  protectAllRoutes?: boolean;
}

/**
 * Refuses the module option `global`, the former name of `protectAllRoutes`, which read like
 * `M2mHttpModule`'s `isGlobal` and would otherwise be ignored, leaving every route unprotected.
 */
export function refuseFormerOptions(options: unknown, where: string): void {
  if (typeof options === 'object' && options !== null && 'global' in options) {
    throw new ConfigurationError(
      `${where}: the option global is now protectAllRoutes (register M2mAuthGuard for every route)`,
    );
  }
}

/** Validates the module's own options; the verifier's are validated by `createVerifier`. */
export function validateAuthOptions(
  options: unknown,
  where: string,
): asserts options is M2mAuthModuleOptions {
  if (typeof options !== 'object' || options === null) {
    throw new ConfigurationError(`${where}: options must be an object`);
  }
  const o = options as M2mAuthModuleOptions;
  if (o.verifier !== undefined && !isVerifier(o.verifier)) {
    throw new ConfigurationError(`${where}: verifier must be a Verifier (createVerifier())`);
  }
  checkAdapterOptions(o, where);
}

/** The verifier's own options: the module's options without the request options and extras. */
function verifierOptions(options: M2mAuthModuleOptions & VerifierOptions): VerifierOptions {
  const {
    realm: _r,
    errorBody: _e,
    optional: _o,
    allowQueryToken: _q,
    allowBodyToken: _b,
    verifier: _v,
    ...rest
  } = options;
  delete (rest as M2mAuthModuleExtras).protectAllRoutes;
  return rest;
}

/** Runs `check`, prefixing the message of a `ConfigurationError` it throws with `where`. */
function prefixed<T>(where: string, check: () => T): T {
  try {
    return check();
  } catch (err) {
    if (err instanceof ConfigurationError) throw new ConfigurationError(`${where}: ${err.message}`);
    throw err;
  }
}

/**
 * Validates every option (the verifier's too, through `resolveVerifierOptions`) without building
 * anything: no verifier, no cache, no request. Errors are prefixed by `where`.
 */
export function checkModuleOptions(options: unknown, where: string): void {
  validateAuthOptions(options, where);
  if (options.verifier === undefined) prefixed(where, () => resolveVerifierOptions(verifierOptions(options)));
}

/** Builds the verifier (or takes the one passed in), with its option errors prefixed by `where`. */
export function buildVerifier(options: unknown, where: string): Verifier {
  validateAuthOptions(options, where);
  if (options.verifier !== undefined) return options.verifier;
  return prefixed(where, () => createVerifier(verifierOptions(options)));
}
