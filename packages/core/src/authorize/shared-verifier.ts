import { createVerifier } from '../verify/create-verifier.js';
import type { Verifier, VerifierOptions } from '../verify/verifier.js';

/**
 * Whether `value` is a verifier (it has `verify`) rather than verifier options.
 *
 * @example
 * ```ts
 * const verifier = isVerifier(auth) ? auth : createVerifier(auth);
 * ```
 */
export function isVerifier(value: unknown): value is Verifier {
  return typeof value === 'object' && value !== null && typeof (value as Verifier).verify === 'function';
}

const built = new WeakMap<object, Verifier>();

/**
 * The verifier for `auth`: `auth` itself when it is one; otherwise the one verifier built from that
 * options object, the first time it is asked for. Middleware given the same options object share one
 * verifier (one JWKS cache, one verified-token cache) instead of building one each; the options are
 * read then, so later changes to the object are not seen. To share a verifier explicitly, build it
 * with `createVerifier` and pass it.
 *
 * @throws ConfigurationError when the options are invalid (nothing is remembered then).
 * @example
 * ```ts
 * const auth = { issuer, audience: 'tables-api' };
 * sharedVerifier(auth) === sharedVerifier(auth); // true
 * ```
 */
export function sharedVerifier(auth: VerifierOptions | Verifier): Verifier {
  if (isVerifier(auth)) return auth;
  let verifier = built.get(auth);
  if (verifier === undefined) {
    verifier = createVerifier(auth);
    built.set(auth, verifier);
  }
  return verifier;
}
