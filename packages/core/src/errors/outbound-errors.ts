import type { OutboundErrorCode } from './codes.js';
import { M2mAuthError } from './m2m-auth-error.js';

/**
 * Base class of the outbound errors. `switch (err.code)` over {@link AnyOutboundError} (the union of
 * its subclasses) narrows to the subclass.
 *
 * @example
 * ```ts
 * if (err instanceof OutboundError) log.warn({ code: err.code, endpoint: err.endpoint });
 * ```
 */
export abstract class OutboundError extends M2mAuthError {
  abstract override readonly code: OutboundErrorCode;
  /** The token endpoint (or issuer, for discovery) that was asked, without query or credentials. */
  readonly endpoint: string;

  constructor(message: string, endpoint: string, options?: { cause?: unknown }) {
    super(message, options);
    this.endpoint = endpoint;
  }
}

/**
 * What a {@link TokenRequestError} carries besides its message.
 *
 * @example
 * ```ts
 * new TokenRequestError('refused', endpoint, { status: 400, error: 'invalid_scope' });
 * ```
 */
export interface TokenRequestErrorOptions {
  /** OAuth 2.0 `error` from the answer, when it had one. */
  error?: string | undefined;
  /** OAuth 2.0 `error_description` from the answer, when it had one. */
  errorDescription?: string | undefined;
  /** HTTP status of the answer. */
  status: number;
}

/**
 * The token endpoint refused the request: an OAuth error (`invalid_client`, `unauthorized_client`,
 * `invalid_scope`, `invalid_grant`, …), an unexpected HTTP status (5xx after the retries, 4xx without an
 * OAuth body), or a redirect (never followed). Carries the OAuth `error`, its description, the HTTP status
 * and the endpoint; never the secret.
 *
 * @example
 * ```ts
 * try {
 *   await source.getToken();
 * } catch (err) {
 *   if (err instanceof TokenRequestError && err.error === 'invalid_client') alertOps(err.endpoint);
 * }
 * ```
 */
export class TokenRequestError extends OutboundError {
  readonly code = 'token_request_failed' as const;
  /** OAuth 2.0 `error` code from the answer, e.g. `invalid_client`; `undefined` when there was none. */
  readonly error: string | undefined;
  /** OAuth 2.0 `error_description` from the answer, when there was one. */
  readonly errorDescription: string | undefined;
  /** HTTP status of the answer. */
  readonly status: number;

  constructor(message: string, endpoint: string, options: TokenRequestErrorOptions) {
    super(message, endpoint);
    this.error = options.error;
    this.errorDescription = options.errorDescription;
    this.status = options.status;
  }
}

/**
 * The token endpoint asked us to slow down (`429`, or `503` with `Retry-After`), and no usable token is
 * cached. No request is sent until {@link TokenEndpointCooldownError.retryAfter}.
 *
 * @example
 * ```ts
 * try {
 *   await source.getToken();
 * } catch (err) {
 *   if (err instanceof TokenEndpointCooldownError) scheduleRetry(err.retryAfter);
 * }
 * ```
 */
export class TokenEndpointCooldownError extends OutboundError {
  readonly code = 'token_endpoint_cooldown' as const;
  /** When the endpoint may be asked again. */
  readonly retryAfter: Date;
  /** HTTP status that closed the gate (429 or 503). */
  readonly status: number;

  constructor(endpoint: string, retryAfter: Date, status: number) {
    super(`token endpoint asked to retry after ${retryAfter.toISOString()} (HTTP ${status})`, endpoint);
    this.retryAfter = retryAfter;
    this.status = status;
  }
}

/**
 * The token endpoint did not answer within the timeout (after the retries).
 *
 * @example
 * ```ts
 * if (err instanceof TokenRequestTimeoutError) console.warn(`no answer within ${err.timeout} ms`);
 * ```
 */
export class TokenRequestTimeoutError extends OutboundError {
  readonly code = 'token_request_timeout' as const;
  /** The timeout (in milliseconds) that ran out. */
  readonly timeout: number;

  constructor(endpoint: string, timeout: number) {
    super(`token endpoint did not answer within ${timeout} ms`, endpoint);
    this.timeout = timeout;
  }
}

/**
 * The token endpoint could not be reached (connection refused, DNS, TLS, reset), after the retries. The
 * low-level error is the non-enumerable `cause`.
 *
 * @example
 * ```ts
 * if (err instanceof TokenRequestNetworkError) console.warn(err.message, err.endpoint);
 * ```
 */
export class TokenRequestNetworkError extends OutboundError {
  readonly code = 'token_request_network' as const;

  constructor(endpoint: string, options?: { cause?: unknown }) {
    super('token endpoint could not be reached', endpoint, options);
  }
}

/**
 * Why a token response was rejected.
 *
 * @example
 * ```ts
 * if (err instanceof InvalidTokenResponseError && err.reason === 'too_large') raiseLimit();
 * ```
 */
export type InvalidTokenResponseReason =
  | 'not_json'
  | 'too_large'
  | 'missing_access_token'
  | 'invalid_field'
  | 'unsupported_token_type'
  | 'already_expired';

/**
 * The token endpoint answered `200` with something that is not a usable token response: not JSON, larger
 * than the limit, without `access_token`, with an invalid field, an unsupported `token_type`, or a token
 * whose lifetime is zero or less (`already_expired`: `expires_in: 0`, or a JWT whose `exp` is not after
 * its `iat`). The body is never kept.
 *
 * @example
 * ```ts
 * if (err instanceof InvalidTokenResponseError) console.warn(err.reason, err.endpoint);
 * ```
 */
export class InvalidTokenResponseError extends OutboundError {
  readonly code = 'invalid_token_response' as const;
  readonly reason: InvalidTokenResponseReason;
  /** HTTP status of the answer. */
  readonly status: number;

  constructor(reason: InvalidTokenResponseReason, message: string, endpoint: string, status: number) {
    super(message, endpoint);
    this.reason = reason;
    this.status = status;
  }
}

/**
 * The issuer's metadata could not be discovered (neither OIDC Discovery nor RFC 8414 answered with a
 * valid document naming a usable token endpoint). `endpoint` is the issuer.
 *
 * @example
 * ```ts
 * if (err instanceof TokenDiscoveryError) console.warn('check the issuer URL', err.endpoint);
 * ```
 */
export class TokenDiscoveryError extends OutboundError {
  readonly code = 'discovery_failed' as const;
}

/**
 * The client secret function threw or returned no secret (a secrets manager is down, say). Retried like
 * a network failure. The function's own error is the non-enumerable `cause`.
 *
 * @example
 * ```ts
 * if (err instanceof CredentialsUnavailableError) console.warn('secrets manager unreachable');
 * ```
 */
export class CredentialsUnavailableError extends OutboundError {
  readonly code = 'credentials_unavailable' as const;
}

/**
 * `getToken()` was called after `close()`.
 *
 * @example
 * ```ts
 * source.close();
 * await source.getToken(); // throws TokenSourceClosedError
 * ```
 */
export class TokenSourceClosedError extends OutboundError {
  readonly code = 'token_source_closed' as const;

  constructor(endpoint: string) {
    super('token source is closed', endpoint);
  }
}
