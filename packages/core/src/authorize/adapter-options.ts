import { ConfigurationError, type AuthError } from '../errors.js';
import { optionalBoolean, optionalFunction } from '../lib/options.js';
import type { AuthenticateOptions } from '../verify/authenticate.js';
import type { Verifier } from '../verify/verifier.js';

/**
 * The request and response options every adapter takes, next to the verifier's.
 *
 * @example
 * ```ts
 * const options: AdapterOptions = { realm: 'tables', optional: true };
 * ```
 */
export interface AdapterOptions<Req = never> extends AuthenticateOptions {
  /** `realm` of the `WWW-Authenticate` challenge. Default is the verifier's first audience. */
  realm?: string;
  /**
   * Hand every {@link AuthError} to the framework's error handling instead of answering. Default is
   * `false`.
   */
  passErrors?: boolean;
  /** The JSON body of an error response. Default is `error.toJSON()`: `{ error, error_description }`. */
  errorBody?: (error: AuthError, request: Req) => unknown;
}

/** {@link AdapterOptions} checked, with their defaults. */
export interface ResolvedAdapterOptions<Req = never> {
  readonly realm: string | undefined;
  readonly passErrors: boolean;
  readonly errorBody: ((error: AuthError, request: Req) => unknown) | undefined;
  /** What `authenticate` takes: `optional`, `allowQueryToken`, `allowBodyToken`. */
  readonly authentication: Readonly<Required<AuthenticateOptions>>;
}

const FLAGS = ['optional', 'allowQueryToken', 'allowBodyToken', 'passErrors'] as const;

/**
 * Checks the adapter options, naming the wrong one after `where` (`'requireAuth: realm must be …'`).
 *
 * @throws ConfigurationError when a flag is not a boolean, `realm` not a non-empty string or
 *   `errorBody` not a function.
 * @example
 * ```ts
 * checkAdapterOptions(options, 'M2mAuthModule.forRoot');
 * ```
 */
export function checkAdapterOptions(options: AdapterOptions<never>, where: string): void {
  for (const flag of FLAGS) optionalBoolean(options[flag], `${where}: ${flag}`);
  const realm: unknown = options.realm;
  if (realm !== undefined && (typeof realm !== 'string' || realm.trim() === '')) {
    throw new ConfigurationError(`${where}: realm must be a string (not empty)`);
  }
  optionalFunction(options.errorBody, `${where}: errorBody`);
}

/**
 * Checks the adapter options (see {@link checkAdapterOptions}) and resolves their defaults: `realm`
 * is the verifier's first audience, every flag `false`.
 *
 * @example
 * ```ts
 * const resolved = resolveAdapterOptions(options, verifier, 'requireAuth');
 * ```
 */
export function resolveAdapterOptions<Req>(
  options: AdapterOptions<Req>,
  verifier: Verifier,
  where: string,
): ResolvedAdapterOptions<Req> {
  checkAdapterOptions(options, where);
  return Object.freeze({
    realm: options.realm ?? verifier.audiences[0],
    passErrors: options.passErrors === true,
    errorBody: options.errorBody,
    authentication: Object.freeze({
      optional: options.optional === true,
      allowQueryToken: options.allowQueryToken === true,
      allowBodyToken: options.allowBodyToken === true,
    }),
  });
}

/**
 * The answer to a rejection, for an adapter to send.
 *
 * @example
 * ```ts
 * const { status, headers, body } = errorAnswer(error, resolved, req);
 * ```
 */
export interface ErrorAnswer {
  /** 400, 401, 403 or 503. */
  readonly status: number;
  /** `WWW-Authenticate` for the configured realm (none on a 503) and `Cache-Control: no-store`. */
  readonly headers: Readonly<Record<string, string>>;
  /** `errorBody(error, request)`, or `error.toJSON()`. */
  readonly body: unknown;
}

/**
 * The answer to a rejection: its status, the headers of `error.responseHeaders(realm)` and the JSON
 * body.
 *
 * @example
 * ```ts
 * const answer = errorAnswer(error, resolved, req);
 * res.status(answer.status).set(answer.headers).json(answer.body);
 * ```
 */
export function errorAnswer<Req>(
  error: AuthError,
  resolved: ResolvedAdapterOptions<Req>,
  request: Req,
): ErrorAnswer {
  return {
    status: error.status,
    headers: error.responseHeaders(resolved.realm),
    body: resolved.errorBody ? resolved.errorBody(error, request) : error.toJSON(),
  };
}

/**
 * The error to hand the app's own error handling (`passErrors`): one whose `headers` name the
 * configured realm, as the built-in answer does. A copy when the error names no realm of its own; the
 * error itself is never changed.
 *
 * @example
 * ```ts
 * next(errorForApp(error, resolved));
 * ```
 */
export function errorForApp<Req>(error: AuthError, resolved: ResolvedAdapterOptions<Req>): AuthError {
  return error.realm !== undefined || resolved.realm === undefined ? error : error.withRealm(resolved.realm);
}
