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
export type AuthErrorCode = 'invalid_request' | 'invalid_token' | 'insufficient_scope' | 'temporarily_unavailable';

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

  constructor(code: AuthErrorCode, description: string, options: AuthErrorOptions) {
    super(description, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.reason = options.reason;
    this.status = STATUS[code];
    this.description = quotable(description);
    this.required = options.required;
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

  /** Headers to send with the response; Express' default error handler applies these. */
  get headers(): Record<string, string> {
    return { 'WWW-Authenticate': this.wwwAuthenticate() };
  }

  /** The JSON body: `{ error, error_description }`. */
  toJSON(): { error: AuthErrorCode; error_description: string } {
    return { error: this.code, error_description: this.description };
  }
}
