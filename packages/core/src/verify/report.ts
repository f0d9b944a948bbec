import type { AuthError } from '../errors.js';
import type { Principal } from '../principal/principal.js';
import type { Verifier } from './verifier.js';

/**
 * The key under which a verifier made by `createVerifier` keeps its rejection hook (`onRejection`).
 * Internal to core: not exported from the package index.
 */
export const REPORT: unique symbol = Symbol('m2m-auth.reportRejection');

/** The hidden side of a verifier that reports its rejections. */
export interface Reporting {
  readonly [REPORT]?: (error: AuthError, principal?: Principal) => void;
}

/**
 * Reports a rejection decided outside `verify()` (a missing token, a missing scope) to the verifier's
 * `onRejection` hook; a verifier built by hand, without the hook, reports nothing.
 */
export function reportRejection(verifier: Verifier, error: AuthError, principal?: Principal): void {
  (verifier as Verifier & Reporting)[REPORT]?.(error, principal);
}
