import type { AuthError } from './auth-error.js';
import { M2mAuthError, type ConfigurationError } from './m2m-auth-error.js';
import type {
  CredentialsUnavailableError,
  InvalidTokenResponseError,
  TokenDiscoveryError,
  TokenEndpointCooldownError,
  TokenRequestError,
  TokenRequestNetworkError,
  TokenRequestTimeoutError,
  TokenSourceClosedError,
} from './outbound-errors.js';

// The package index re-exports each of these by name; this barrel serves core's own modules.
export * from './codes.js';
export * from './m2m-auth-error.js';
export * from './auth-error.js';
export * from './outbound-errors.js';

/**
 * Every concrete outbound error class: `switch (err.code)` narrows to one of them.
 *
 * @example
 * ```ts
 * function retryAt(err: AnyOutboundError): Date | undefined {
 *   return err.code === 'token_endpoint_cooldown' ? err.retryAfter : undefined;
 * }
 * ```
 */
export type AnyOutboundError =
  | TokenRequestError
  | TokenEndpointCooldownError
  | TokenRequestTimeoutError
  | TokenRequestNetworkError
  | InvalidTokenResponseError
  | TokenDiscoveryError
  | CredentialsUnavailableError
  | TokenSourceClosedError;

/**
 * Every concrete error class m2m-auth throws, a closed union: `switch (err.code)` narrows to the class
 * (an {@link AuthError} for its four RFC 6750 codes).
 *
 * @example
 * ```ts
 * if (isM2mAuthError(err)) {
 *   switch (err.code) {
 *     case 'insufficient_scope': return err.required; // AuthError
 *     case 'token_endpoint_cooldown': return err.retryAfter; // TokenEndpointCooldownError
 *   }
 * }
 * ```
 */
export type AnyM2mAuthError = ConfigurationError | AuthError | AnyOutboundError;

/**
 * Whether `value` is an error m2m-auth threw, typed as the closed union {@link AnyM2mAuthError}.
 *
 * @example
 * ```ts
 * catch (err) { if (isM2mAuthError(err) && err.code === 'invalid_configuration') process.exit(78); }
 * ```
 */
export function isM2mAuthError(value: unknown): value is AnyM2mAuthError {
  return value instanceof M2mAuthError;
}
