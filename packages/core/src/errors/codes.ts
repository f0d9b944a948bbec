/**
 * The closed sets of error codes, in one module without imports so that the base class and every
 * subclass can name them. `switch (err.code)` over {@link AnyM2mAuthError} narrows to the class.
 */

/** The code of a {@link ConfigurationError}. */
export type ConfigurationErrorCode = 'invalid_configuration';

/** The OAuth 2.0 (RFC 6750) error codes an inbound rejection maps to. */
export type AuthErrorCode =
  'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'temporarily_unavailable';

/**
 * Stable codes of the errors a token source or `authFetch` throws.
 *
 * @example
 * ```ts
 * switch ((err as OutboundError).code) {
 *   case 'token_endpoint_cooldown': break;
 * }
 * ```
 */
export type OutboundErrorCode =
  | 'token_request_failed'
  | 'token_endpoint_cooldown'
  | 'token_request_timeout'
  | 'token_request_network'
  | 'invalid_token_response'
  | 'discovery_failed'
  | 'credentials_unavailable'
  | 'token_source_closed';

/**
 * Codes of the errors a shared token store passes between its own parts (`@m2m-auth/redis`'s
 * `RedisReplyError`); a store never lets them reach `getToken()`.
 *
 * @example
 * ```ts
 * const code: StoreErrorCode = 'redis_reply_error';
 * ```
 */
export type StoreErrorCode = 'redis_reply_error';

/**
 * Every code an m2m-auth error can carry: configuration, inbound (RFC 6750), outbound and shared stores.
 *
 * @example
 * ```ts
 * const code: M2mAuthErrorCode = 'token_request_timeout';
 * ```
 */
export type M2mAuthErrorCode = ConfigurationErrorCode | AuthErrorCode | OutboundErrorCode | StoreErrorCode;
