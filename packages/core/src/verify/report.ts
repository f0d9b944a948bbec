import type { AuthError } from '../errors.js';
import type { Principal } from '../principal/principal.js';
import type { Verifier as VerifierWithReporting } from './create-verifier.js';

/**
 * Verifies access tokens; create one per API with `createVerifier` and share it. The public members
 * only: rejections decided outside `verify()` are reported by core's own steps, through
 * {@link reportRejection}.
 *
 * @example
 * ```ts
 * const verifier: Verifier = createVerifier({ issuer, audience: 'tables-api' });
 * ```
 */
export type Verifier = Omit<VerifierWithReporting, 'reportRejection'>;

/**
 * The key under which a verifier made by `createVerifier` keeps its rejection hook (`onRejection`).
 * Internal to core: not exported from the package index.
 */
export const REPORT: unique symbol = Symbol('m2m-auth.reportRejection');

type Hook = (error: AuthError, principal?: Principal) => void;

/** The hidden side of a verifier that reports its rejections. */
export interface Reporting {
  readonly [REPORT]?: Hook;
}

/** A verifier that reports through a public method, as `createVerifier`'s did before `REPORT`. */
interface LegacyReporting {
  readonly reportRejection?: unknown;
}

/**
 * Reports a rejection decided outside `verify()` (a missing token, a missing scope) to the verifier's
 * `onRejection` hook; a verifier built by hand, without the hook, reports nothing.
 */
export function reportRejection(verifier: Verifier, error: AuthError, principal?: Principal): void {
  const hook = (verifier as Verifier & Reporting)[REPORT];
  if (hook) {
    hook(error, principal);
    return;
  }
  // Until `createVerifier` attaches the REPORT hook, its verifiers report through this method.
  const legacy = (verifier as Verifier & LegacyReporting).reportRejection;
  if (typeof legacy === 'function') (legacy as Hook).call(verifier, error, principal);
}
