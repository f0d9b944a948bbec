import type { AuthErrorCode } from './codes.js';
import { M2mAuthError } from './m2m-auth-error.js';

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
  // authorization
  | 'scope_missing'
  | 'permission_missing'
  | 'claim_check_failed'
  // the issuer
  | 'discovery_failed'
  | 'jwks_unavailable';

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

/** What an {@link AuthError} carries besides its code and description. */
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

/**
 * Options of {@link AuthError.toResponse}.
 *
 * @example
 * ```ts
 * const options: AuthErrorResponseOptions = { realm: 'tables', body: { error: 'denied' } };
 * ```
 */
export interface AuthErrorResponseOptions {
  /** `realm` of the `WWW-Authenticate` challenge. Default is the error's own {@link AuthError.realm}. */
  realm?: string;
  /** The JSON body. Default is {@link AuthError.toJSON}: `{ error, error_description }`. */
  body?: unknown;
}

/** The JSON body of an {@link AuthError}: an OAuth error code, or `unauthorized` when no token was sent. */
export interface AuthErrorBody {
  error: AuthErrorCode | 'unauthorized';
  error_description: string;
}

/**
 * An inbound request was rejected. Carries the OAuth `code`, the HTTP `status` it maps to, a short
 * `description` (never the token), a finer `reason` for logs, and the RFC 6750 challenge. The headers
 * of the answer are built in one place, {@link AuthError.responseHeaders}.
 *
 * @example
 * ```ts
 * try {
 *   await verifier.verify(token);
 * } catch (err) {
 *   if (err instanceof AuthError) res.status(err.status).set(err.responseHeaders('tables-api'));
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
   * Protection space named by the challenge in {@link AuthError.headers}. The adapters never change it:
   * they hand the app's error handler (`passErrors`) a copy from {@link AuthError.withRealm} naming
   * their configured realm, so that those headers match what the built-in responder sends. Default is
   * none.
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
   * Headers to send with the response, the same as the built-in responders send: those of
   * {@link AuthError.responseHeaders} for {@link AuthError.realm}. Express' default error handler
   * applies these.
   */
  get headers(): Record<string, string> {
    return this.responseHeaders(this.realm);
  }

  /**
   * The headers of the answer with the challenge for `realm`: `WWW-Authenticate` (none on a `503`:
   * there is nothing the client could do with its credentials) and `Cache-Control: no-store`. What
   * every adapter sends.
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
   * A copy of this error whose {@link AuthError.realm} is `realm`: the same class, message, stack and
   * cause. This error is left as it is (it may be shared, e.g. by a cached rejection).
   *
   * @example
   * ```ts
   * next(error.withRealm('tables-api')); // error.headers now name realm="tables-api"
   * ```
   */
  withRealm(realm: string | undefined): AuthError {
    const copy = Object.create(Object.getPrototypeOf(this) as object) as AuthError;
    Object.defineProperties(copy, Object.getOwnPropertyDescriptors(this));
    copy.realm = realm;
    return copy;
  }

  /**
   * The Web-standard answer (Fetch API `Response`, for Hono, Bun, Deno, Workers and Next.js route
   * handlers): the status, the headers of {@link AuthError.responseHeaders} (`WWW-Authenticate`, none on a
   * `503`; `Cache-Control: no-store`), `Content-Type: application/json` and the JSON body, the same
   * answer every adapter sends.
   *
   * @example
   * ```ts
   * try {
   *   principal = await authenticate(verifier, request);
   * } catch (err) {
   *   if (err instanceof AuthError) return err.toResponse({ realm: 'tables' });
   *   throw err;
   * }
   * ```
   */
  toResponse(options: AuthErrorResponseOptions = {}): Response {
    const headers = this.responseHeaders(options.realm ?? this.realm);
    headers['Content-Type'] = 'application/json';
    const body = options.body === undefined ? this.toJSON() : options.body;
    return new Response(JSON.stringify(body), { status: this.status, headers });
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
