/**
 * Errors thrown by m2m-auth. Every error has a stable string `code`; messages never carry a token or a
 * secret, and low-level causes are kept non-enumerable so that logging an error cannot dump them.
 */

/** Base class of every error m2m-auth throws. `name` is the subclass's name. */
export abstract class M2mAuthError extends Error {
  /** Stable, machine-readable error code. */
  abstract readonly code: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message);
    this.name = new.target.name;
    if (options?.cause !== undefined) {
      Object.defineProperty(this, 'cause', { value: options.cause, enumerable: false, writable: true });
    }
  }
}

/** Thrown when an option passed to a factory is invalid. The message names the option. */
export class ConfigurationError extends M2mAuthError {
  readonly code = 'invalid_configuration' as const;
}

/** The OAuth 2.0 (RFC 6750) error codes an inbound rejection maps to. */
export type AuthErrorCode =
  'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'temporarily_unavailable';

/**
 * Finer, machine-readable reasons for a rejection, for logs and metrics. Clients only see the `code` and
 * a short description.
 */
export type AuthErrorReason =
  // the request
  | 'token_missing'
  | 'header_malformed'
  | 'multiple_tokens'
  | 'query_token_disabled'
  | 'body_token_disabled'
  // the token
  | 'token_malformed'
  | 'token_too_large'
  | 'token_encrypted'
  | 'algorithm_not_allowed'
  | 'key_mismatch'
  | 'unknown_kid'
  | 'signature_invalid'
  | 'unsupported_critical_header'
  | 'typ_invalid'
  | 'token_expired'
  | 'token_not_yet_valid'
  | 'iat_in_future'
  | 'token_too_old'
  | 'issuer_mismatch'
  | 'audience_mismatch'
  | 'claim_missing'
  | 'claim_invalid'
  | 'token_inactive'
  // authorization
  | 'scope_missing'
  | 'permission_missing'
  | 'claim_check_failed'
  // the issuer
  | 'discovery_failed'
  | 'jwks_unavailable'
  | 'introspection_failed';

const STATUS: Record<AuthErrorCode, number> = {
  invalid_request: 400,
  invalid_token: 401,
  insufficient_scope: 403,
  temporarily_unavailable: 503,
};

/** Characters allowed inside an RFC 6750 quoted auth-param value (%x20-21 / %x23-5B / %x5D-7E). */
function quotable(value: string): string {
  return value.replace(/[^\x20\x21\x23-\x5b\x5d-\x7e]/g, '');
}

export interface AuthErrorOptions {
  /** Finer reason, for logs. */
  reason: AuthErrorReason;
  /** Scopes or permissions that were required, for `insufficient_scope`. */
  required?: readonly string[];
  /** Low-level cause; kept non-enumerable. */
  cause?: unknown;
  /** Protection space for the challenge in {@link AuthError.headers}. Default is none. */
  realm?: string;
}

/** The JSON body of an {@link AuthError}: an OAuth error code, or `unauthorized` when no token was sent. */
export interface AuthErrorBody {
  error: AuthErrorCode | 'unauthorized';
  error_description: string;
}

/**
 * An inbound request was rejected. Carries the OAuth `code`, the HTTP `status` it maps to, a short
 * `description` (never the token), a finer `reason` for logs, and the RFC 6750 challenge.
 *
 * @example
 * ```ts
 * try {
 *   await verifier.verify(token);
 * } catch (err) {
 *   if (err instanceof AuthError) res.status(err.status).set('WWW-Authenticate', err.wwwAuthenticate());
 * }
 * ```
 */
export class AuthError extends M2mAuthError {
  readonly code: AuthErrorCode;
  readonly reason: AuthErrorReason;
  /** HTTP status: 400, 401, 403 or 503. */
  readonly status: number;
  /** Short, client-safe explanation (the `error_description`). */
  readonly description: string;
  /** What was required, for `insufficient_scope`. */
  readonly required: readonly string[] | undefined;
  /**
   * Protection space named by the challenge in {@link AuthError.headers}. The adapters set it to their
   * configured realm before handing the error to the app's error handler (`passErrors`), so that those
   * headers match what the built-in responder would send. Default is none.
   */
  realm: string | undefined;

  constructor(code: AuthErrorCode, description: string, options: AuthErrorOptions) {
    super(description, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.reason = options.reason;
    this.status = STATUS[code];
    this.description = quotable(description);
    this.required = options.required;
    this.realm = options.realm;
  }

  /** Same as {@link AuthError.status}, for frameworks that read `statusCode`. */
  get statusCode(): number {
    return this.status;
  }

  /**
   * The `WWW-Authenticate` header value (RFC 6750 §3). A request that carried no token gets a bare
   * challenge without an error code.
   *
   * @param realm Protection space to name in the challenge.
   */
  wwwAuthenticate(realm?: string): string {
    const params: string[] = [];
    if (realm !== undefined) params.push(`realm="${quotable(realm)}"`);
    if (this.reason !== 'token_missing' && this.code !== 'temporarily_unavailable') {
      params.push(`error="${this.code}"`, `error_description="${this.description}"`);
      if (this.code === 'insufficient_scope' && this.required?.length) {
        params.push(`scope="${quotable(this.required.join(' '))}"`);
      }
    }
    return params.length ? `Bearer ${params.join(', ')}` : 'Bearer';
  }

  /**
   * Headers to send with the response, the same as the built-in responders send: the challenge with
   * {@link AuthError.realm} (none on a `503`: there is nothing the client could do with its credentials)
   * and `Cache-Control: no-store`. Express' default error handler applies these.
   */
  get headers(): Record<string, string> {
    return this.responseHeaders(this.realm);
  }

  /**
   * The headers of the answer with the challenge for `realm`: `WWW-Authenticate` (none on a `503`) and
   * `Cache-Control: no-store`. What every adapter sends.
   *
   * @example
   * ```ts
   * for (const [name, value] of Object.entries(error.responseHeaders('tables-api'))) res.setHeader(name, value);
   * ```
   */
  responseHeaders(realm?: string): Record<string, string> {
    const headers: Record<string, string> = {};
    if (this.status !== 503) headers['WWW-Authenticate'] = this.wwwAuthenticate(realm);
    headers['Cache-Control'] = 'no-store';
    return headers;
  }

  /**
   * The JSON body: `{ error, error_description }`. A request that carried no token (reason
   * `token_missing`) gets `error: "unauthorized"`: RFC 6750 §3.1 gives such a request no error code, so
   * the body does not claim `invalid_token` either.
   */
  toJSON(): AuthErrorBody {
    return {
      error: this.reason === 'token_missing' ? 'unauthorized' : this.code,
      error_description: this.description,
    };
  }
}

// --- outbound ---

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
 * Base class of the outbound errors; `switch (err.code)` narrows to the subclass.
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
